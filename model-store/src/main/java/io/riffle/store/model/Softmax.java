package io.riffle.store.model;

/**
 * Multiclass classification over {@code K} classes with the softmax (multinomial logistic) model:
 * {@code K} margins per example, {@code p_k = exp(z_k) / sum_j exp(z_j)}, {@code loss = -log p_y =
 * logsumexp(z) - z_y}, {@code dloss/dz_k = p_k - [k = y]}. The maximum margin is subtracted before
 * every exponential, so any finite margins give finite results.
 *
 * <p>Labels are class indices {@code 0, 1, ..., K-1} given as numbers with no fractional part.
 * Every method reads the K margins at {@code margins[off, off + K)} and writes K values into the
 * caller's buffer; nothing is allocated.
 */
public final class Softmax implements ModelKind {
  public static final String NAME = "softmax";

  /** Largest number of classes (so that K copies of a 2^30 weight vector stay addressable). */
  public static final int MAX_CLASSES = 1 << 16;

  private final int classes;

  /**
   * A softmax over {@code classes} classes.
   *
   * @throws IllegalArgumentException unless {@code 2 <= classes <= MAX_CLASSES}
   */
  public Softmax(int classes) {
    if (classes < 2 || classes > MAX_CLASSES) {
      throw new IllegalArgumentException(
          "softmax: classes=" + classes + " must be in [2, " + MAX_CLASSES + "]");
    }
    this.classes = classes;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int outputs() {
    return classes;
  }

  @Override
  public boolean probabilistic() {
    return true;
  }

  @Override
  public ModelKindSpec spec() {
    return new ModelKindSpec(NAME, null, classes);
  }

  @Override
  public void validateLabel(double label) {
    if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
      throw new InvalidLabelException(
          NAME, label, "a class index 0, 1, ..., " + (classes - 1) + " (K=" + classes + ")");
    }
  }

  @Override
  public void predict(double[] margins, int off, double[] out, int outOff) {
    final int k = classes;
    double max = max(margins, off);
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double e = Math.exp(margins[off + i] - max);
      out[outOff + i] = e;
      sum += e;
    }
    double inv = 1 / sum;
    for (int i = 0; i < k; i++) {
      out[outOff + i] *= inv;
    }
  }

  @Override
  public double loss(double[] margins, int off, double label, double weight) {
    final int k = classes;
    double max = max(margins, off);
    double sum = 0;
    for (int i = 0; i < k; i++) {
      sum += Math.exp(margins[off + i] - max);
    }
    return weight * (max + Math.log(sum) - margins[off + (int) label]);
  }

  @Override
  public double lossAndGradient(
      double[] margins, int off, double label, double weight, double[] grad, int gradOff) {
    final int k = classes;
    final int y = (int) label;
    double max = max(margins, off);
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double e = Math.exp(margins[off + i] - max);
      grad[gradOff + i] = e;
      sum += e;
    }
    double scale = weight / sum;
    for (int i = 0; i < k; i++) {
      grad[gradOff + i] *= scale;
    }
    grad[gradOff + y] -= weight;
    return weight * (max + Math.log(sum) - margins[off + y]);
  }

  private double max(double[] margins, int off) {
    double m = margins[off];
    for (int i = 1; i < classes; i++) {
      m = Math.max(m, margins[off + i]);
    }
    return m;
  }

  @Override
  public String toString() {
    return NAME + "(K=" + classes + ")";
  }
}
