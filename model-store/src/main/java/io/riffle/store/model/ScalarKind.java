package io.riffle.store.model;

/**
 * A model kind with one margin per example (binary classification and regression). Adds the scalar
 * hot-path methods; the array methods of {@link ModelKind} delegate to them.
 *
 * <p>Binary kinds ({@link Logistic}, {@link Hinge}) accept labels {@code 0/1} and {@code -1/+1}:
 * {@code 1} is the positive class, {@code 0} and {@code -1} both the negative one, so data from
 * Vowpal Wabbit ({@code ±1}) and from scikit-learn or River ({@code 0/1}) both work unchanged.
 */
public abstract sealed class ScalarKind implements ModelKind
    permits Logistic, Hinge, Squared, Quantile, Poisson {

  @Override
  public final int outputs() {
    return 1;
  }

  /** The prediction for margin {@code z}. */
  public abstract double predict(double z);

  /** The weighted loss at margin {@code z} for {@code label}. */
  public abstract double loss(double z, double label, double weight);

  /** The weighted derivative of the loss with respect to the margin {@code z}. */
  public abstract double gradient(double z, double label, double weight);

  @Override
  public final void predict(double[] margins, int off, double[] out, int outOff) {
    out[outOff] = predict(margins[off]);
  }

  @Override
  public final double loss(double[] margins, int off, double label, double weight) {
    return loss(margins[off], label, weight);
  }

  @Override
  public final double lossAndGradient(
      double[] margins, int off, double label, double weight, double[] grad, int gradOff) {
    double z = margins[off];
    grad[gradOff] = gradient(z, label, weight);
    return loss(z, label, weight);
  }

  @Override
  public String toString() {
    return name();
  }

  static void requireFinite(String kind, double label) {
    if (!Double.isFinite(label)) {
      throw new InvalidLabelException(kind, label, "a finite number");
    }
  }

  static void requireBinary(String kind, double label) {
    if (label != 0 && label != 1 && label != -1) {
      throw new InvalidLabelException(kind, label, "0 or 1 (or -1 or +1)");
    }
  }

  /** {@code log(1 + exp(x))} without overflow or loss of precision. */
  static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** {@code 1 / (1 + exp(-x))} without overflow. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }
}
