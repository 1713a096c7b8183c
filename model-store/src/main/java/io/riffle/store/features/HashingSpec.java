package io.riffle.store.features;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Settings of a {@link FeatureHasher}: immutable, validated when built, and part of a model's
 * snapshot manifest (JSON, property names as the components below). A missing JSON property takes
 * its default.
 *
 * @param bits hashed space is {@code 2^bits} parameters per output, 1..30; default {@value
 *     #DEFAULT_BITS}
 * @param seed MurmurHash3 seed of every feature; default 0
 * @param textFields fields whose string values are tokenized, mapped to the largest n-gram order
 *     emitted (1 = words only, 2 = also bigrams, 3 = also trigrams); default none
 * @param interactions crosses of 2 or 3 distinct field names, hashed in the order listed (like
 *     Vowpal Wabbit's {@code -q}/{@code --cubic}, by field name); default none
 * @param bias whether to add the constant bias feature; default true
 * @param maxBagSize largest list (bag) accepted as a value; default {@value #DEFAULT_MAX_BAG_SIZE}
 * @param maxStringLength largest feature name or string value, in UTF-16 chars (text fields
 *     included); default {@value #DEFAULT_MAX_STRING_LENGTH}
 * @param maxFeatures largest number of features one example may produce, counting every emitted
 *     feature (tokens, n-grams, interactions, bias) before duplicates merge (a text field under
 *     {@code log}, {@code binary} or {@code l2} emits each distinct token or n-gram once); default
 *     {@value #DEFAULT_MAX_FEATURES}
 * @param textWeighting value of a token or n-gram occurring {@code c} times in one text field's
 *     value: {@code count} ({@code c}, the default; also when the property is absent), {@code log}
 *     ({@code 1 + ln c}) or {@code binary} (1); see {@link TextWeighting}
 * @param textNorm scaling of one text field's features after weighting: {@code none} (the default;
 *     also when the property is absent) or {@code l2} (unit Euclidean norm); see {@link TextNorm}
 */
public record HashingSpec(
    int bits,
    int seed,
    Map<String, Integer> textFields,
    List<List<String>> interactions,
    boolean bias,
    int maxBagSize,
    int maxStringLength,
    int maxFeatures,
    TextWeighting textWeighting,
    TextNorm textNorm) {

  public static final int DEFAULT_BITS = 18;
  public static final int MAX_BITS = 30;
  public static final int MAX_NGRAM = 3;
  public static final int DEFAULT_MAX_BAG_SIZE = 10_000;
  public static final int DEFAULT_MAX_STRING_LENGTH = 65_536;
  public static final int DEFAULT_MAX_FEATURES = 100_000;

  /**
   * Term-frequency weighting of text fields: the value of a token or n-gram that occurs {@code c}
   * times in one text field's value. JSON: the lower-case {@link #wire} name.
   */
  public enum TextWeighting {
    /** {@code c}: every occurrence emits value 1 and duplicates sum (raw term counts). */
    COUNT("count"),
    /** {@code 1 + ln c}: sublinear term frequency (1 for a single occurrence). */
    LOG("log"),
    /** 1 per distinct token or n-gram, however often it occurs. */
    BINARY("binary");

    private final String wire;

    TextWeighting(String wire) {
      this.wire = wire;
    }

    /** The JSON (and wire) name: {@code count}, {@code log} or {@code binary}. */
    @JsonValue
    public String wire() {
      return wire;
    }

    /**
     * The weighting named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException if {@code name} is not one of count, log, binary
     */
    public static TextWeighting parse(String name) {
      for (TextWeighting w : values()) {
        if (name != null && w.wire.equals(name.toLowerCase(Locale.ROOT))) {
          return w;
        }
      }
      throw new IllegalArgumentException(
          "textWeighting='" + name + "' must be one of count, log, binary");
    }
  }

  /**
   * Scaling of one text field's features after {@link TextWeighting}. JSON: the lower-case {@link
   * #wire} name.
   */
  public enum TextNorm {
    /** No scaling. */
    NONE("none"),
    /** Scale the field's weighted values to unit Euclidean (L2) norm. */
    L2("l2");

    private final String wire;

    TextNorm(String wire) {
      this.wire = wire;
    }

    /** The JSON (and wire) name: {@code none} or {@code l2}. */
    @JsonValue
    public String wire() {
      return wire;
    }

    /**
     * The norm named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException if {@code name} is not one of none, l2
     */
    public static TextNorm parse(String name) {
      for (TextNorm n : values()) {
        if (name != null && n.wire.equals(name.toLowerCase(Locale.ROOT))) {
          return n;
        }
      }
      throw new IllegalArgumentException("textNorm='" + name + "' must be one of none, l2");
    }
  }

  /** Validates and takes immutable copies (text fields sorted by name, for a stable manifest). */
  public HashingSpec {
    if (bits < 1 || bits > MAX_BITS) {
      throw new IllegalArgumentException("bits=" + bits + " must be in [1, " + MAX_BITS + "]");
    }
    if (textFields == null) {
      textFields = Map.of();
    }
    TreeMap<String, Integer> text = new TreeMap<>();
    for (Map.Entry<String, Integer> e : textFields.entrySet()) {
      checkFieldName(e.getKey(), "textFields");
      Integer n = e.getValue();
      if (n == null || n < 1 || n > MAX_NGRAM) {
        throw new IllegalArgumentException(
            "textFields['" + e.getKey() + "']=" + n + " must be an n-gram order in [1, 3]");
      }
      text.put(e.getKey(), n);
    }
    textFields = Collections.unmodifiableMap(text);
    if (interactions == null) {
      interactions = List.of();
    }
    List<List<String>> crosses = new ArrayList<>();
    for (List<String> cross : interactions) {
      if (cross == null || cross.size() < 2 || cross.size() > 3) {
        throw new IllegalArgumentException(
            "interaction " + cross + " must list 2 or 3 field names");
      }
      Set<String> seen = new HashSet<>();
      for (String name : cross) {
        checkFieldName(name, "interactions");
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              "interaction " + cross + " names field '" + name + "' twice");
        }
      }
      crosses.add(List.copyOf(cross));
    }
    interactions = List.copyOf(crosses);
    if (maxBagSize < 1) {
      throw new IllegalArgumentException("maxBagSize=" + maxBagSize + " must be >= 1");
    }
    if (maxStringLength < 1) {
      throw new IllegalArgumentException("maxStringLength=" + maxStringLength + " must be >= 1");
    }
    if (maxFeatures < 1) {
      throw new IllegalArgumentException("maxFeatures=" + maxFeatures + " must be >= 1");
    }
    if (textWeighting == null) {
      textWeighting = TextWeighting.COUNT;
    }
    if (textNorm == null) {
      textNorm = TextNorm.NONE;
    }
  }

  /**
   * The defaults: 18 bits, seed 0, no text fields, no interactions, bias on, default limits, text
   * weighting {@code count}, text norm {@code none}.
   */
  public static HashingSpec defaults() {
    return new HashingSpec(
        DEFAULT_BITS,
        0,
        Map.of(),
        List.of(),
        true,
        DEFAULT_MAX_BAG_SIZE,
        DEFAULT_MAX_STRING_LENGTH,
        DEFAULT_MAX_FEATURES,
        TextWeighting.COUNT,
        TextNorm.NONE);
  }

  /**
   * JSON creator: any missing property takes its default (so a manifest written before {@code
   * textWeighting} and {@code textNorm} existed reads as {@code count} and {@code none}).
   *
   * @throws IllegalArgumentException on a bad value, e.g. an unknown {@code textWeighting}
   */
  @JsonCreator
  public static HashingSpec fromJson(
      @JsonProperty("bits") Integer bits,
      @JsonProperty("seed") Integer seed,
      @JsonProperty("textFields") Map<String, Integer> textFields,
      @JsonProperty("interactions") List<List<String>> interactions,
      @JsonProperty("bias") Boolean bias,
      @JsonProperty("maxBagSize") Integer maxBagSize,
      @JsonProperty("maxStringLength") Integer maxStringLength,
      @JsonProperty("maxFeatures") Integer maxFeatures,
      @JsonProperty("textWeighting") String textWeighting,
      @JsonProperty("textNorm") String textNorm) {
    return new HashingSpec(
        bits == null ? DEFAULT_BITS : bits,
        seed == null ? 0 : seed,
        textFields,
        interactions,
        bias == null || bias,
        maxBagSize == null ? DEFAULT_MAX_BAG_SIZE : maxBagSize,
        maxStringLength == null ? DEFAULT_MAX_STRING_LENGTH : maxStringLength,
        maxFeatures == null ? DEFAULT_MAX_FEATURES : maxFeatures,
        textWeighting == null ? TextWeighting.COUNT : TextWeighting.parse(textWeighting),
        textNorm == null ? TextNorm.NONE : TextNorm.parse(textNorm));
  }

  /** A copy with {@code bits}. */
  public HashingSpec withBits(int bits) {
    return new HashingSpec(
        bits,
        seed,
        textFields,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy with {@code seed}. */
  public HashingSpec withSeed(int seed) {
    return new HashingSpec(
        bits,
        seed,
        textFields,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy that tokenizes {@code field} with n-grams up to {@code ngram}. */
  public HashingSpec withTextField(String field, int ngram) {
    Map<String, Integer> text = new TreeMap<>(textFields);
    text.put(field, ngram);
    return new HashingSpec(
        bits,
        seed,
        text,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy with one more interaction of 2 or 3 fields. */
  public HashingSpec withInteraction(String... fields) {
    List<List<String>> crosses = new ArrayList<>(interactions);
    crosses.add(List.of(fields));
    return new HashingSpec(
        bits,
        seed,
        textFields,
        crosses,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy with the bias feature on or off. */
  public HashingSpec withBias(boolean bias) {
    return new HashingSpec(
        bits,
        seed,
        textFields,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy with the three limits. */
  public HashingSpec withLimits(int maxBagSize, int maxStringLength, int maxFeatures) {
    return new HashingSpec(
        bits,
        seed,
        textFields,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy whose text fields are weighted by {@code textWeighting}. */
  public HashingSpec withTextWeighting(TextWeighting textWeighting) {
    return new HashingSpec(
        bits,
        seed,
        textFields,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** A copy whose text fields are scaled by {@code textNorm}. */
  public HashingSpec withTextNorm(TextNorm textNorm) {
    return new HashingSpec(
        bits,
        seed,
        textFields,
        interactions,
        bias,
        maxBagSize,
        maxStringLength,
        maxFeatures,
        textWeighting,
        textNorm);
  }

  /** {@code 2^bits - 1}: the mask that turns a 32-bit hash into an index. */
  public int mask() {
    return (1 << bits) - 1;
  }

  /** {@code 2^bits}: the number of hashed parameters per output. */
  public int dimension() {
    return 1 << bits;
  }

  private static void checkFieldName(String name, String setting) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(setting + ": field names must be non-empty");
    }
    if (name.indexOf('=') >= 0) {
      throw new IllegalArgumentException(
          setting + ": field name '" + name + "' must not contain '='");
    }
  }
}
