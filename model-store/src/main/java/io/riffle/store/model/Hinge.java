package io.riffle.store.model;

/**
 * Binary classification with the hinge loss (linear SVM): {@code loss = max(0, 1 - s z)} with
 * {@code s = ±1}; subgradient {@code -s} where {@code s z < 1}, else 0 (0 at the kink {@code s z =
 * 1}). The prediction is the raw margin: its sign is the class, it is not a probability. Labels:
 * see {@link ScalarKind}.
 */
public final class Hinge extends ScalarKind {
  public static final String NAME = "hinge";
  static final Hinge INSTANCE = new Hinge();

  private Hinge() {}

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
    requireBinary(NAME, label);
  }

  @Override
  public double predict(double z) {
    return z;
  }

  @Override
  public double loss(double z, double label, double weight) {
    double s = label > 0 ? 1 : -1;
    return weight * Math.max(0, 1 - s * z);
  }

  @Override
  public double gradient(double z, double label, double weight) {
    double s = label > 0 ? 1 : -1;
    return s * z < 1 ? -s * weight : 0;
  }
}
