package io.riffle.store.model;

/**
 * Quantile regression with the pinball loss at level {@code tau} (Koenker and Bassett, 1978): with
 * residual {@code r = y - z}, {@code loss = tau r} if {@code r >= 0}, else {@code (tau - 1) r};
 * subgradient {@code -tau} for {@code r > 0}, {@code 1 - tau} for {@code r < 0} and 0 at {@code r =
 * 0}. The prediction is the margin, an estimate of the {@code tau}-quantile of y. Labels: any
 * finite number.
 */
public final class Quantile extends ScalarKind {
  public static final String NAME = "quantile";

  private final double tau;

  /**
   * The pinball loss at level {@code tau}.
   *
   * @throws IllegalArgumentException unless {@code 0 < tau < 1}
   */
  public Quantile(double tau) {
    if (!(tau > 0 && tau < 1)) {
      throw new IllegalArgumentException("quantile: tau=" + tau + " must be in (0, 1)");
    }
    this.tau = tau;
  }

  /** The quantile level. */
  public double tau() {
    return tau;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean probabilistic() {
    return false;
  }

  @Override
  public ModelKindSpec spec() {
    return new ModelKindSpec(NAME, tau, null);
  }

  @Override
  public void validateLabel(double label) {
    requireFinite(NAME, label);
  }

  @Override
  public double predict(double z) {
    return z;
  }

  @Override
  public double loss(double z, double label, double weight) {
    double r = label - z;
    return weight * (r >= 0 ? tau * r : (tau - 1) * r);
  }

  @Override
  public double gradient(double z, double label, double weight) {
    double r = label - z;
    if (r > 0) {
      return -tau * weight;
    }
    return r < 0 ? (1 - tau) * weight : 0;
  }

  @Override
  public String toString() {
    return NAME + "(tau=" + tau + ")";
  }
}
