package io.riffle.optim.svrg;

import io.riffle.optim.Store;

/**
 * A {@link GradientSource} whose examples each touch few coordinates (hashed features), so a batch
 * gradient can be computed and applied in O(nnz) rather than O(dimension). {@link Svrg} uses it for
 * the lazy inner loop (OPTIMIZERS.md 6.7).
 *
 * <p>Call order within one inner step: {@link #touchedCoordinates}, then {@link
 * #batchGradient(Store, int[], int, int[], int, double[])} with the coordinates it returned (once
 * at the current weights, once at the snapshot).
 */
public interface SparseGradientSource extends GradientSource {

  /**
   * Writes the distinct coordinates touched by the examples of a batch into {@code coords} (any
   * order, no duplicates) and returns how many there are. A coordinate is touched if the gradient
   * of some example in the batch can be non-zero there, or if that gradient reads the weight there.
   *
   * @param coords destination with room for {@link #dimension()} entries
   */
  int touchedCoordinates(int[] examples, int count, int[] coords);

  /**
   * Writes the batch gradient at the given coordinates: {@code out[m] = sum_k d loss_{examples[k]}
   * / d w_{coords[m]}} for {@code m < nCoords}. Must read {@code w} only at touched coordinates and
   * must give the same values, summed in the same order, as the dense {@link
   * GradientSource#batchGradient} at those coordinates.
   */
  void batchGradient(Store w, int[] examples, int count, int[] coords, int nCoords, double[] out);
}
