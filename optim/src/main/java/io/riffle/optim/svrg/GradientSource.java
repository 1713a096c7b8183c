package io.riffle.optim.svrg;

import io.riffle.optim.Store;

/**
 * The data SVRG learns from: a fixed, indexable set of examples whose per-example loss gradients
 * can be summed over a batch. MXNet loss heads produce sums, not means (OPTIMIZERS.md 6.3); the
 * mean comes from the inner optimizer's {@code rescale_grad = 1/batch_size}.
 *
 * <p>Implementations must be deterministic for fixed weights and batch, since SVRG evaluates the
 * same batch at the current weights and at the snapshot and subtracts the two.
 */
public interface GradientSource {

  /** Number of model coordinates (the length of the weight store). */
  int dimension();

  /** Number of examples; valid example indices are {@code 0 .. examples()-1}. */
  int examples();

  /**
   * Writes {@code sum_{k < count} grad loss_{examples[k]}(w)} into {@code out[0 .. dimension())},
   * overwriting it. An example index may occur twice in a batch (padding wraps to the start); it
   * then counts twice.
   *
   * @param w weights, {@code dimension()} elements; not modified
   * @param examples example indices
   * @param count how many of {@code examples} form the batch
   * @param out destination, at least {@code dimension()} long
   */
  void batchGradient(Store w, int[] examples, int count, double[] out);
}
