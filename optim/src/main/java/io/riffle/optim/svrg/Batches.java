package io.riffle.optim.svrg;

/**
 * A fixed batch plan over {@code n} examples, as MXNet's {@code NDArrayIter} with {@code
 * last_batch_handle='pad'} produces it: consecutive slices of {@code batchSize} indices, the last
 * one filled up by wrapping to the start. {@link #pad()} is the number of wrapped indices in the
 * last batch (0 if {@code batchSize} divides {@code n}); SVRG's full-gradient average divides by
 * {@code K - pad/batchSize} (OPTIMIZERS.md 6.3).
 *
 * <p>Memory: about {@code K * batchSize} ints. Immutable after construction; the arrays handed out
 * are the plan's own and must not be modified.
 */
public final class Batches {
  private final int[][] batches;
  private final int batchSize;
  private final int pad;

  private Batches(int[][] batches, int batchSize, int pad) {
    this.batches = batches;
    this.batchSize = batchSize;
    this.pad = pad;
  }

  /**
   * The padded plan over examples {@code 0 .. n-1}.
   *
   * @throws IllegalArgumentException if {@code n < 1} or {@code batchSize < 1}
   */
  public static Batches padded(int n, int batchSize) {
    if (n < 1 || batchSize < 1) {
      throw new IllegalArgumentException(
          "examples=" + n + " and batch_size=" + batchSize + " must both be >= 1");
    }
    int k = (n + batchSize - 1) / batchSize;
    int[][] b = new int[k][];
    int pad = 0;
    for (int i = 0; i < k; i++) {
      int start = i * batchSize;
      int len = Math.min(batchSize, n - start);
      int wrapped = 0;
      if (len < batchSize) {
        // NDArrayIter 'pad': fill up from the start of the data. Like the reference (a slice
        // idx[:pad]), it wraps at most once, so with n < pad the last batch stays short while
        // the divisor still uses the nominal pad.
        pad = batchSize - len;
        wrapped = Math.min(pad, n);
      }
      b[i] = new int[len + wrapped];
      for (int j = 0; j < len; j++) {
        b[i][j] = start + j;
      }
      for (int j = 0; j < wrapped; j++) {
        b[i][len + j] = j;
      }
    }
    return new Batches(b, batchSize, pad);
  }

  /** Number of batches {@code K}. */
  public int count() {
    return batches.length;
  }

  /**
   * Example indices of batch {@code i} (not a copy): {@link #batchSize()} of them, except a last
   * batch that needed more padding than there are examples.
   */
  public int[] batch(int i) {
    return batches[i];
  }

  /** Indices per batch {@code B}. */
  public int batchSize() {
    return batchSize;
  }

  /** Padding of the last batch {@code p}. */
  public int pad() {
    return pad;
  }

  /** The divisor of the full-gradient average, {@code K - p/B}. */
  public double effectiveBatches() {
    return batches.length - (double) pad / batchSize;
  }
}
