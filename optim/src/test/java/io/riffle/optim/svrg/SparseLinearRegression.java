package io.riffle.optim.svrg;

import io.riffle.optim.Store;
import io.riffle.optim.random.SplitMix64;
import java.util.Arrays;

/**
 * Test data: linear regression on hashed-style sparse examples (each touches {@code nnz} of {@code
 * d} coordinates; the last {@code untouched} coordinates are touched by no example at all), the
 * gradient summed over the batch like MXNet's LinearRegressionOutput.
 */
final class SparseLinearRegression implements SparseGradientSource {
  final int d;
  final int[][] idx;
  final double[][] val;
  final double[] y;
  private final int[] stamp;
  private final int[] pos;
  private int generation;

  SparseLinearRegression(long seed, int n, int d, int nnz, int untouched) {
    SplitMix64 r = new SplitMix64(seed);
    this.d = d;
    idx = new int[n][nnz];
    val = new double[n][nnz];
    y = new double[n];
    int reach = d - untouched;
    for (int i = 0; i < n; i++) {
      for (int m = 0; m < nnz; m++) {
        int j;
        boolean dup;
        do {
          j = (int) ((r.nextLong() >>> 1) % reach);
          dup = false;
          for (int q = 0; q < m; q++) {
            dup |= idx[i][q] == j;
          }
        } while (dup);
        idx[i][m] = j;
        val[i][m] = r.sym();
      }
      y[i] = 2.0 * r.sym();
    }
    stamp = new int[d];
    pos = new int[d];
  }

  @Override
  public int dimension() {
    return d;
  }

  @Override
  public int examples() {
    return y.length;
  }

  private double residual(Store w, int e) {
    double pred = 0;
    for (int m = 0; m < idx[e].length; m++) {
      pred += val[e][m] * w.get(idx[e][m]);
    }
    return pred - y[e];
  }

  @Override
  public void batchGradient(Store w, int[] examples, int count, double[] out) {
    Arrays.fill(out, 0, d, 0.0);
    for (int k = 0; k < count; k++) {
      int e = examples[k];
      double res = residual(w, e);
      for (int m = 0; m < idx[e].length; m++) {
        out[idx[e][m]] += val[e][m] * res;
      }
    }
  }

  @Override
  public int touchedCoordinates(int[] examples, int count, int[] coords) {
    generation++;
    int n = 0;
    for (int k = 0; k < count; k++) {
      for (int j : idx[examples[k]]) {
        if (stamp[j] != generation) {
          stamp[j] = generation;
          coords[n++] = j;
        }
      }
    }
    return n;
  }

  @Override
  public void batchGradient(
      Store w, int[] examples, int count, int[] coords, int nCoords, double[] out) {
    for (int m = 0; m < nCoords; m++) {
      pos[coords[m]] = m;
    }
    Arrays.fill(out, 0, nCoords, 0.0);
    for (int k = 0; k < count; k++) {
      int e = examples[k];
      double res = residual(w, e);
      for (int m = 0; m < idx[e].length; m++) {
        out[pos[idx[e][m]]] += val[e][m] * res;
      }
    }
  }
}
