package io.riffle.store.model;

import java.util.Arrays;

/**
 * A linear model over fixed-length dense inputs (embeddings, numeric vectors) instead of hashed
 * sparse features: {@code outputs x dim} float weights plus one bias per output, row-major ({@code
 * weights[o * dim + j]}), in plain arrays owned by the model.
 *
 * <p>Batch scoring is plain Java. Measured against ND4J at batch 256 and dims 64 to 1024 ({@code
 * docs/decisions/0002-nd4j-for-dense-batch-math.md}), the single-output (matrix-vector) case is 2
 * to 8 times faster here than through ND4J's JNI/BLAS call; ND4J only pays for many outputs at
 * large dims (a matrix-matrix product), which that record names as the trigger to revisit. Each dot
 * product accumulates in four float lanes and sums them in double: the order is fixed, so results
 * are bit-reproducible.
 *
 * <p>Memory: {@code 4 * outputs * (dim + 1)} bytes. Not thread-safe for writers; readers may score
 * while a single writer updates (Hogwild-style, as for the sparse shards).
 */
public final class DenseLinearModel {
  private final ModelKind kind;
  private final int dim;
  private final int outputs;
  private final float[] weights;
  private final float[] bias;

  /** A zero-initialised model of {@code kind} over inputs of length {@code dim}. */
  public DenseLinearModel(ModelKind kind, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim=" + dim + " must be >= 1");
    }
    long size = (long) kind.outputs() * dim;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "outputs x dim = " + size + " weights exceed the largest Java array");
    }
    this.kind = kind;
    this.dim = dim;
    this.outputs = kind.outputs();
    this.weights = new float[(int) size];
    this.bias = new float[outputs];
  }

  /** The model kind. */
  public ModelKind kind() {
    return kind;
  }

  /** Input length. */
  public int dim() {
    return dim;
  }

  /** The weights, row-major {@code [outputs][dim]} (the live array). */
  public float[] weights() {
    return weights;
  }

  /** One bias per output (the live array). */
  public float[] bias() {
    return bias;
  }

  /** Writes the {@code outputs} margins of input {@code x[xOff, xOff + dim)} to {@code out}. */
  public void margins(float[] x, int xOff, double[] out, int outOff) {
    checkRange(x, xOff, dim, "x");
    for (int o = 0; o < outputs; o++) {
      out[outOff + o] = bias[o] + dot(weights, o * dim, x, xOff, dim);
    }
  }

  /**
   * Scores a batch: {@code xs} holds {@code batch} row-major inputs of length {@code dim} from
   * {@code xOff}; writes {@code batch * outputs} margins (example-major) to {@code out} from {@code
   * outOff}. Allocates nothing.
   */
  public void marginsBatch(float[] xs, int xOff, int batch, double[] out, int outOff) {
    checkRange(xs, xOff, (long) batch * dim, "xs");
    if (out.length - outOff < (long) batch * outputs || outOff < 0) {
      throw new IndexOutOfBoundsException(
          "out needs " + (long) batch * outputs + " slots from " + outOff + ", has " + out.length);
    }
    final float[] w = weights;
    final int d = dim;
    for (int b = 0; b < batch; b++) {
      int row = xOff + b * d;
      for (int o = 0; o < outputs; o++) {
        out[outOff + b * outputs + o] = bias[o] + dot(w, o * d, xs, row, d);
      }
    }
  }

  /** Predictions (probabilities, values) of a batch of margins, in place per example. */
  public void predictBatch(double[] margins, int off, int batch, double[] out, int outOff) {
    for (int b = 0; b < batch; b++) {
      kind.predict(margins, off + b * outputs, out, outOff + b * outputs);
    }
  }

  /**
   * Adds the weight gradient of one example to {@code gradW} (same layout as {@link #weights()})
   * and {@code gradBias}: {@code gradW[o][j] += gMargin[o] * x[j]}, where {@code gMargin} is the
   * loss gradient with respect to the margins ({@link ModelKind#lossAndGradient}).
   */
  public void accumulateGradient(
      float[] x, int xOff, double[] gMargin, int gOff, float[] gradW, float[] gradBias) {
    checkRange(x, xOff, dim, "x");
    for (int o = 0; o < outputs; o++) {
      float g = (float) gMargin[gOff + o];
      if (g == 0f) {
        continue;
      }
      int base = o * dim;
      for (int j = 0; j < dim; j++) {
        gradW[base + j] += g * x[xOff + j];
      }
      gradBias[o] += g;
    }
  }

  /** A deep copy. */
  public DenseLinearModel copy() {
    DenseLinearModel c = new DenseLinearModel(kind, dim);
    System.arraycopy(weights, 0, c.weights, 0, weights.length);
    System.arraycopy(bias, 0, c.bias, 0, bias.length);
    return c;
  }

  /** True if kind, dim and every weight are bit-identical. */
  public boolean bitEquals(DenseLinearModel other) {
    return kind.spec().equals(other.kind.spec())
        && dim == other.dim
        && Arrays.equals(weights, other.weights)
        && Arrays.equals(bias, other.bias);
  }

  /**
   * {@code sum_j a[aOff + j] * b[bOff + j]}: four independent float accumulators (so the loop is
   * not serialised on one add's latency), combined in double at the end.
   */
  public static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int j = 0;
    for (int end = n & ~3; j < end; j += 4) {
      s0 += a[aOff + j] * b[bOff + j];
      s1 += a[aOff + j + 1] * b[bOff + j + 1];
      s2 += a[aOff + j + 2] * b[bOff + j + 2];
      s3 += a[aOff + j + 3] * b[bOff + j + 3];
    }
    for (; j < n; j++) {
      s0 += a[aOff + j] * b[bOff + j];
    }
    return ((double) s0 + s1) + ((double) s2 + s3);
  }

  private static void checkRange(float[] a, int off, long len, String what) {
    if (off < 0 || off + len > a.length) {
      throw new IndexOutOfBoundsException(
          what + " needs " + len + " floats from " + off + ", has " + a.length);
    }
  }
}
