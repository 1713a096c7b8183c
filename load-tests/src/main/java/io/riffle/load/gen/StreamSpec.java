package io.riffle.load.gen;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Immutable description of a synthetic stream: its fields, its hidden ground truth and its drift.
 * Two generators built from equal specs produce the same examples, byte for byte.
 *
 * <p>Defaults ({@link #ctr(long)}): eight categorical fields shaped like an ad-click log ({@code
 * site} 5000 values, {@code app} 2000, {@code device} 6, {@code os} 4, {@code country} 100, {@code
 * hour} 24 uniform, {@code ad} 20000, {@code ad_category} 30; Zipf exponents 0.8–1.3), three
 * numeric fields ({@code price}, {@code user_age}, {@code recency}: standard normal), bias -1.5,
 * true weights N(0, 0.5²) for every categorical value and numeric field, no drift, drift
 * correlation 0 (after the drift every weight is redrawn independently), action fields {@code ad},
 * {@code ad_category} and {@code price} (the fields that describe a ranked action).
 *
 * @param seed seeds the example stream and the ground-truth weights
 * @param categorical categorical fields, in the order they appear in each example
 * @param numeric numeric fields, after the categorical ones in each example
 * @param bias the true model's intercept (unchanged by the drift)
 * @param categoricalWeightStd standard deviation of the true weight of each categorical value
 * @param numericWeightStd standard deviation of the true weight of each numeric field
 * @param driftAt index of the first example drawn from the drifted weights; -1 for no drift
 * @param driftCorrelation correlation in {@code [0, 1]} between each weight before and after the
 *     drift: 0 redraws it, 1 leaves it unchanged
 * @param actionFields names of the fields that describe an action in a {@link RankCase}; the others
 *     form the context
 */
public record StreamSpec(
    long seed,
    List<CategoricalField> categorical,
    List<NumericField> numeric,
    double bias,
    double categoricalWeightStd,
    double numericWeightStd,
    long driftAt,
    double driftCorrelation,
    Set<String> actionFields) {

  /**
   * A categorical field whose values {@code name_0 .. name_{n-1}} are Zipf distributed.
   *
   * @param name field name (non-empty, no {@code '='}: the service's feature naming)
   * @param cardinality number of distinct values, at least 1
   * @param exponent Zipf exponent, at least 0 (0 is uniform)
   */
  public record CategoricalField(String name, int cardinality, double exponent) {
    public CategoricalField {
      checkName(name);
      if (cardinality < 1) {
        throw new IllegalArgumentException(
            "cardinality of " + name + " must be >= 1, got " + cardinality);
      }
      if (!(exponent >= 0) || Double.isInfinite(exponent)) {
        throw new IllegalArgumentException(
            "Zipf exponent of " + name + " must be finite and >= 0, got " + exponent);
      }
    }
  }

  /**
   * A numeric field drawn from a normal distribution, rounded to four decimals.
   *
   * @param name field name
   * @param mean mean
   * @param std standard deviation, at least 0
   */
  public record NumericField(String name, double mean, double std) {
    public NumericField {
      checkName(name);
      if (!Double.isFinite(mean) || !(std >= 0) || Double.isInfinite(std)) {
        throw new IllegalArgumentException(
            "numeric field "
                + name
                + " needs a finite mean and std >= 0, got "
                + mean
                + ", "
                + std);
      }
    }
  }

  /** Validates and copies the lists. */
  public StreamSpec {
    categorical = List.copyOf(categorical);
    numeric = List.copyOf(numeric);
    actionFields = Set.copyOf(actionFields);
    if (categorical.isEmpty() && numeric.isEmpty()) {
      throw new IllegalArgumentException("a stream needs at least one field");
    }
    Set<String> names = new HashSet<>();
    for (CategoricalField f : categorical) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("duplicate field name " + f.name());
      }
    }
    for (NumericField f : numeric) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("duplicate field name " + f.name());
      }
    }
    if (!names.containsAll(actionFields)) {
      throw new IllegalArgumentException(
          "action fields " + actionFields + " must all be fields of the stream " + names);
    }
    if (!Double.isFinite(bias)) {
      throw new IllegalArgumentException("bias must be finite, got " + bias);
    }
    if (!(categoricalWeightStd >= 0) || !(numericWeightStd >= 0)) {
      throw new IllegalArgumentException(
          "weight standard deviations must be >= 0, got "
              + categoricalWeightStd
              + ", "
              + numericWeightStd);
    }
    if (driftAt < -1) {
      throw new IllegalArgumentException("driftAt must be -1 (none) or >= 0, got " + driftAt);
    }
    if (!(driftCorrelation >= 0 && driftCorrelation <= 1)) {
      throw new IllegalArgumentException(
          "driftCorrelation must be in [0, 1], got " + driftCorrelation);
    }
  }

  /** The default CTR-like stream (see the class comment) with the given seed. */
  public static StreamSpec ctr(long seed) {
    return new StreamSpec(
        seed,
        List.of(
            new CategoricalField("site", 5000, 1.1),
            new CategoricalField("app", 2000, 1.1),
            new CategoricalField("device", 6, 1.0),
            new CategoricalField("os", 4, 0.8),
            new CategoricalField("country", 100, 1.3),
            new CategoricalField("hour", 24, 0.0),
            new CategoricalField("ad", 20000, 1.05),
            new CategoricalField("ad_category", 30, 0.9)),
        List.of(
            new NumericField("price", 0, 1),
            new NumericField("user_age", 0, 1),
            new NumericField("recency", 0, 1)),
        -1.5,
        0.5,
        0.5,
        -1,
        0.0,
        Set.of("ad", "ad_category", "price"));
  }

  /** This spec with another seed. */
  public StreamSpec withSeed(long seed) {
    return new StreamSpec(
        seed,
        categorical,
        numeric,
        bias,
        categoricalWeightStd,
        numericWeightStd,
        driftAt,
        driftCorrelation,
        actionFields);
  }

  /** This spec with the given categorical fields. */
  public StreamSpec withCategorical(List<CategoricalField> fields) {
    return new StreamSpec(
        seed,
        fields,
        numeric,
        bias,
        categoricalWeightStd,
        numericWeightStd,
        driftAt,
        driftCorrelation,
        actionFields.stream().filter(a -> hasField(fields, numeric, a)).collect(toSet()));
  }

  /** This spec with the given numeric fields. */
  public StreamSpec withNumeric(List<NumericField> fields) {
    return new StreamSpec(
        seed,
        categorical,
        fields,
        bias,
        categoricalWeightStd,
        numericWeightStd,
        driftAt,
        driftCorrelation,
        actionFields.stream().filter(a -> hasField(categorical, fields, a)).collect(toSet()));
  }

  /** This spec with another true intercept. */
  public StreamSpec withBias(double bias) {
    return new StreamSpec(
        seed,
        categorical,
        numeric,
        bias,
        categoricalWeightStd,
        numericWeightStd,
        driftAt,
        driftCorrelation,
        actionFields);
  }

  /** This spec with other standard deviations of the true weights. */
  public StreamSpec withWeightStd(double categoricalStd, double numericStd) {
    return new StreamSpec(
        seed,
        categorical,
        numeric,
        bias,
        categoricalStd,
        numericStd,
        driftAt,
        driftCorrelation,
        actionFields);
  }

  /**
   * This spec with a concept drift: from example index {@code at} on, the true weights change.
   *
   * @param at first drifted example index, or -1 for none
   * @param correlation correlation of each weight before and after, in {@code [0, 1]}
   */
  public StreamSpec withDrift(long at, double correlation) {
    return new StreamSpec(
        seed,
        categorical,
        numeric,
        bias,
        categoricalWeightStd,
        numericWeightStd,
        at,
        correlation,
        actionFields);
  }

  /** This spec with other action fields for {@link RankCase}s. */
  public StreamSpec withActionFields(Set<String> fields) {
    return new StreamSpec(
        seed,
        categorical,
        numeric,
        bias,
        categoricalWeightStd,
        numericWeightStd,
        driftAt,
        driftCorrelation,
        fields);
  }

  /** Whether the stream drifts at all. */
  public boolean drifts() {
    return driftAt >= 0;
  }

  private static boolean hasField(
      List<CategoricalField> categorical, List<NumericField> numeric, String name) {
    return categorical.stream().anyMatch(f -> f.name().equals(name))
        || numeric.stream().anyMatch(f -> f.name().equals(name));
  }

  private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
    return java.util.stream.Collectors.toUnmodifiableSet();
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.indexOf('=') >= 0) {
      throw new IllegalArgumentException(
          "field name must be non-empty and contain no '=', got " + name);
    }
  }
}
