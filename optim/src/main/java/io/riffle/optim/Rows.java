package io.riffle.optim;

/** Index arithmetic shared by every kernel: which element the k-th gradient value belongs to. */
public final class Rows {
  private Rows() {}

  /**
   * Element index of the {@code k}-th value of a step ({@link Optimizer#step}): {@code from + k}
   * when dense, else {@code rows[k / width] * width + k % width}.
   */
  public static int element(int[] rows, int from, int width, int k) {
    if (rows == null) {
      return from + k;
    }
    if (width == 1) {
      return rows[k];
    }
    return rows[k / width] * width + k % width;
  }
}
