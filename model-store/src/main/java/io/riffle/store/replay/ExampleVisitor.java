package io.riffle.store.replay;

/**
 * Receives the examples of a {@link ReplayWindow} in order, without an object per example: the
 * features of the example are {@code indices[offset, offset + nnz)} and {@code values[offset,
 * offset + nnz)} of the window's live arrays, valid only during the call. Pass a reusable visitor
 * (a field or a non-capturing lambda) to keep iteration allocation-free.
 */
@FunctionalInterface
public interface ExampleVisitor {
  /**
   * One example.
   *
   * @param sequence the example's sequence number (0 for the first example ever added)
   */
  void accept(
      long sequence,
      int[] indices,
      float[] values,
      int offset,
      int nnz,
      double label,
      float weight);
}
