package io.riffle.store.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The settings of a {@link ModelKind}, as stored in a model's manifest (JSON: {@code {"kind":
 * "quantile", "tau": 0.9}}, {@code {"kind": "softmax", "classes": 10}}). Validated when built.
 *
 * @param kind one of {@code logistic}, {@code hinge}, {@code squared}, {@code quantile}, {@code
 *     poisson}, {@code softmax}
 * @param tau quantile level in (0, 1); only for {@code quantile}, default 0.5 (the median)
 * @param classes number of classes K >= 2; required for {@code softmax}, only for it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelKindSpec(String kind, Double tau, Integer classes) {
  /** Default quantile level: the median. */
  public static final double DEFAULT_TAU = 0.5;

  @JsonCreator
  public ModelKindSpec(
      @JsonProperty("kind") String kind,
      @JsonProperty("tau") Double tau,
      @JsonProperty("classes") Integer classes) {
    if (kind == null) {
      throw new IllegalArgumentException("model kind is missing; expected one of " + KNOWN);
    }
    if (tau != null && !Quantile.NAME.equals(kind)) {
      throw new IllegalArgumentException("tau applies only to quantile, not to " + kind);
    }
    if (classes != null && !Softmax.NAME.equals(kind)) {
      throw new IllegalArgumentException("classes applies only to softmax, not to " + kind);
    }
    if (Quantile.NAME.equals(kind) && tau == null) {
      tau = DEFAULT_TAU;
    }
    if (Softmax.NAME.equals(kind) && classes == null) {
      throw new IllegalArgumentException("softmax needs classes (the number of classes K >= 2)");
    }
    this.kind = kind;
    this.tau = tau;
    this.classes = classes;
    create(); // validates the values and the name
  }

  private static final String KNOWN = "logistic, hinge, squared, quantile, poisson, softmax";

  /** A kind without parameters. */
  public static ModelKindSpec of(String kind) {
    return new ModelKindSpec(kind, null, null);
  }

  /** Builds the kind. */
  public ModelKind create() {
    switch (kind) {
      case Logistic.NAME:
        return Logistic.INSTANCE;
      case Hinge.NAME:
        return Hinge.INSTANCE;
      case Squared.NAME:
        return Squared.INSTANCE;
      case Poisson.NAME:
        return Poisson.INSTANCE;
      case Quantile.NAME:
        return new Quantile(tau);
      case Softmax.NAME:
        return new Softmax(classes);
      default:
        throw new IllegalArgumentException(
            "unknown model kind '" + kind + "'; expected one of " + KNOWN);
    }
  }
}
