package io.riffle.store.model;

/**
 * Regression with the squared loss {@code loss = (z - y)^2 / 2}, {@code dloss/dz = z - y}; the
 * prediction is the margin. (The 1/2 makes the gradient the residual; Vowpal Wabbit's squared loss
 * omits it and doubles the gradient.) Labels: any finite number.
 */
public final class Squared extends ScalarKind {
  public static final String NAME = "squared";
  static final Squared INSTANCE = new Squared();

  private Squared() {}

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
    requireFinite(NAME, label);
  }

  @Override
  public double predict(double z) {
    return z;
  }

  @Override
  public double loss(double z, double label, double weight) {
    double r = z - label;
    return 0.5 * weight * r * r;
  }

  @Override
  public double gradient(double z, double label, double weight) {
    return weight * (z - label);
  }
}
