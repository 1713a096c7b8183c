package io.riffle.store.model;

/**
 * Binary classification with the logistic (log) loss: {@code p = sigmoid(z)}, {@code loss = -[y log
 * p + (1 - y) log(1 - p)] = softplus(-s z)} with {@code s = ±1}, {@code dloss/dz = p - y}. Computed
 * with {@code log1p} and a sign-split sigmoid, so it is exact and finite at any finite margin.
 * Labels: see {@link ScalarKind}.
 */
public final class Logistic extends ScalarKind {
  public static final String NAME = "logistic";
  static final Logistic INSTANCE = new Logistic();

  private Logistic() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean probabilistic() {
    return true;
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
    return sigmoid(z);
  }

  @Override
  public double loss(double z, double label, double weight) {
    return weight * softplus(label > 0 ? -z : z);
  }

  @Override
  public double gradient(double z, double label, double weight) {
    // p - y, written so neither term underflows to a wrong sign: for y = 1 it is -sigmoid(-z)
    return weight * (label > 0 ? -sigmoid(-z) : sigmoid(z));
  }
}
