package io.riffle.store.model;

/**
 * Count regression: Poisson with log link, mean {@code mu = exp(z)}. The loss is half the Poisson
 * deviance, {@code mu - y - y log(mu / y)} (with {@code y log(mu / y) = 0} at {@code y = 0}): the
 * negative log-likelihood minus its value at the perfect fit, so it is {@code >= 0} and 0 exactly
 * when {@code mu = y}; {@code dloss/dz = mu - y}, as for the likelihood. The prediction is {@code
 * mu}. Labels: finite and {@code >= 0} (need not be integers: rates work too).
 *
 * <p>Stability: margins above {@value #MAX_MARGIN} are clamped to it (a mean of about 1e13) before
 * the exponential, so predictions, losses and gradients stay finite at any margin; past the clamp
 * the gradient is that of the clamped margin, which keeps pulling the margin back.
 */
public final class Poisson extends ScalarKind {
  public static final String NAME = "poisson";

  /** Largest margin used: {@code exp(30)} is about {@code 1.07e13}. */
  public static final double MAX_MARGIN = 30;

  static final Poisson INSTANCE = new Poisson();

  private Poisson() {}

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
    return ModelKindSpec.of(NAME);
  }

  @Override
  public void validateLabel(double label) {
    if (!(label >= 0) || Double.isInfinite(label)) {
      throw new InvalidLabelException(NAME, label, "a finite count >= 0");
    }
  }

  @Override
  public double predict(double z) {
    return Math.exp(Math.min(z, MAX_MARGIN));
  }

  @Override
  public double loss(double z, double label, double weight) {
    double zc = Math.min(z, MAX_MARGIN);
    double mu = Math.exp(zc);
    if (label == 0) {
      return weight * mu;
    }
    return weight * (mu - label - label * (zc - Math.log(label)));
  }

  @Override
  public double gradient(double z, double label, double weight) {
    return weight * (Math.exp(Math.min(z, MAX_MARGIN)) - label);
  }
}
