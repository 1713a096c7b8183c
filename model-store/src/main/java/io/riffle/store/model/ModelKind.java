package io.riffle.store.model;

/**
 * What a model predicts and the loss it learns by: the link from margins (the linear scores {@code
 * w·x}) to a prediction, the loss of a margin against a label, and the loss gradient with respect
 * to the margin, which the learner multiplies by the feature values to get the weight gradient.
 *
 * <p>A kind has {@link #outputs()} margins per example: 1 for every {@link ScalarKind} (binary
 * classification, regression), K for {@link Softmax}. A model with {@code D = 2^bits} parameters
 * per output holds {@code outputs() * D} weights.
 *
 * <p>Call order per example: {@link #validateLabel} and {@link #validateWeight} once at ingest (a
 * bad label never reaches the model); then, in the hot path, {@link #predict} for scoring and
 * {@link #lossAndGradient} (or {@link #loss}) for learning and progressive validation. The hot-path
 * methods do not validate again, allocate nothing and write only into caller buffers. Every loss
 * and gradient is multiplied by the example weight (importance): weight 0 means no effect.
 *
 * <p>Implementations are immutable and thread-safe. {@link #spec()} gives the settings to store in
 * a manifest and {@link ModelKindSpec#create()} rebuilds the kind.
 */
public sealed interface ModelKind permits ScalarKind, Softmax {

  /** Binary classification, logistic loss. */
  static Logistic logistic() {
    return Logistic.INSTANCE;
  }

  /** Binary classification, hinge loss. */
  static Hinge hinge() {
    return Hinge.INSTANCE;
  }

  /** Regression, squared loss. */
  static Squared squared() {
    return Squared.INSTANCE;
  }

  /** Regression of the {@code tau}-quantile, pinball loss. */
  static Quantile quantile(double tau) {
    return new Quantile(tau);
  }

  /** Count regression, Poisson with log link. */
  static Poisson poisson() {
    return Poisson.INSTANCE;
  }

  /** Multiclass over {@code classes} classes, softmax. */
  static Softmax softmax(int classes) {
    return new Softmax(classes);
  }

  /** Name as in {@link ModelKindSpec#kind()}: {@code logistic}, {@code softmax}, ... */
  String name();

  /** Margins per example. */
  int outputs();

  /** True if {@link #predict} gives probabilities (logistic, softmax). */
  boolean probabilistic();

  /** The settings that rebuild this kind. */
  ModelKindSpec spec();

  /**
   * Checks a label before it reaches the model.
   *
   * @throws InvalidLabelException naming the kind, the label and what is allowed
   */
  void validateLabel(double label);

  /**
   * Checks an example weight: finite and {@code >= 0}.
   *
   * @throws IllegalArgumentException otherwise
   */
  static void validateWeight(double weight) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("example weight " + weight + " must be finite and >= 0");
    }
  }

  /**
   * Writes the prediction for {@code margins[off, off + outputs())} into {@code out[outOff, outOff
   * + outputs())}: a probability, a value or a class distribution.
   */
  void predict(double[] margins, int off, double[] out, int outOff);

  /** The weighted loss of {@code margins[off, off + outputs())} against {@code label}. */
  double loss(double[] margins, int off, double label, double weight);

  /**
   * Writes the weighted gradient of the loss with respect to each margin into {@code grad[gradOff,
   * gradOff + outputs())} and returns the weighted loss.
   */
  double lossAndGradient(
      double[] margins, int off, double label, double weight, double[] grad, int gradOff);
}
