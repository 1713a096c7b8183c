package io.riffle.store.refine;

import io.riffle.optim.Store;
import io.riffle.optim.svrg.SparseGradientSource;
import io.riffle.store.model.ModelKind;
import io.riffle.store.replay.ReplayWindow;
import java.util.Arrays;

/**
 * The training part of a replay window, compacted onto the rows it touches: refinement optimises
 * only those {@code A} rows ({@code A * width} coordinates), so its memory is O(A) rather than
 * O(2^bits) and rows the window never touches keep their live weights (no penalty reaches them).
 *
 * <p>Coordinate {@code c = a * width + j} is output {@code j} of active row {@code a}, whose global
 * row is {@link #row(int) row(a)}. Examples keep their window order. As a {@link
 * SparseGradientSource} it serves {@link io.riffle.optim.svrg.Svrg}'s lazy inner loop; {@link
 * #lossAndGradient} serves full-batch methods.
 *
 * <p>Memory: 8 bytes per stored feature, 20 per example, 12 per coordinate (scratch maps). Not
 * thread-safe, except {@link #addGradients}, which only reads shared data.
 */
public final class TrainingSet implements SparseGradientSource {
  private final ModelKind kind;
  private final int width;
  private final int[] rows;
  private final int n;
  private final int[] off;
  private final int[] idx;
  private final float[] val;
  private final double[] label;
  private final double[] weight;
  private final double weightSum;
  // scratch
  private final double[] m;
  private final double[] g;
  private final int[] stamp;
  private final int[] pos;
  private int stampValue;

  private TrainingSet(
      ModelKind kind,
      int[] rows,
      int n,
      int[] off,
      int[] idx,
      float[] val,
      double[] label,
      double[] weight) {
    this.kind = kind;
    this.width = kind.outputs();
    this.rows = rows;
    this.n = n;
    this.off = off;
    this.idx = idx;
    this.val = val;
    this.label = label;
    this.weight = weight;
    double ws = 0;
    for (int i = 0; i < n; i++) {
      ws += weight[i];
    }
    this.weightSum = ws;
    this.m = new double[width];
    this.g = new double[width];
    this.stamp = new int[rows.length * width];
    this.pos = new int[rows.length * width];
  }

  /** Positions {@code [from, to)} of {@code w}, compacted. */
  public static TrainingSet of(ReplayWindow w, int from, int to, ModelKind kind) {
    int n = to - from;
    int total = 0;
    for (int p = from; p < to; p++) {
      total += w.nnz(p);
    }
    int[] off = new int[n + 1];
    int[] global = new int[total];
    float[] val = new float[total];
    double[] label = new double[n];
    double[] weight = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      int p = from + i;
      int o = w.offset(p);
      int nz = w.nnz(p);
      off[i] = k;
      System.arraycopy(w.indices(), o, global, k, nz);
      System.arraycopy(w.values(), o, val, k, nz);
      label[i] = w.label(p);
      weight[i] = w.weight(p);
      k += nz;
    }
    off[n] = k;
    int[] sorted = global.clone();
    Arrays.sort(sorted);
    int a = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[a++] = sorted[i];
      }
    }
    int[] rows = Arrays.copyOf(sorted, a);
    for (int i = 0; i < total; i++) {
      global[i] = Arrays.binarySearch(rows, global[i]);
    }
    return new TrainingSet(kind, rows, n, off, global, val, label, weight);
  }

  /** Active rows {@code A}. */
  public int activeRows() {
    return rows.length;
  }

  /** True if some training example touches global row {@code row}. */
  boolean touches(int row) {
    return Arrays.binarySearch(rows, row) >= 0;
  }

  /** Active index of global row {@code row}, or a negative number if no example touches it. */
  int activeIndex(int row) {
    return Arrays.binarySearch(rows, row);
  }

  /** Global row of active row {@code a}. */
  int row(int a) {
    return rows[a];
  }

  /** Sum of the example weights. */
  public double weightSum() {
    return weightSum;
  }

  /** Writes {@code weight_i * |x_i|^2} of every example into {@code out[0, n)}. */
  void weightedSquaredNorms(double[] out) {
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int f = off[i]; f < off[i + 1]; f++) {
        sq += (double) val[f] * val[f];
      }
      out[i] = weight[i] * sq;
    }
  }

  /** Margins per example, the model kind's outputs. */
  public int width() {
    return width;
  }

  /** The model kind. */
  public ModelKind kind() {
    return kind;
  }

  /** Stored features over all examples (CSR entries). */
  public long storedFeatures() {
    return off[n];
  }

  /** Label of example {@code i}. */
  public double label(int i) {
    return label[i];
  }

  /** Weight of example {@code i}. */
  public double weight(int i) {
    return weight[i];
  }

  /**
   * Writes example {@code i} as a dense row over the active rows into {@code out[0, A)}: entry
   * {@code a} is the sum of the example's values on active row {@code a} (0 where it has none). For
   * kernels that stage a dense copy ({@link DenseGradientKernel.Factory#stage}).
   */
  public void denseRow(int i, float[] out) {
    Arrays.fill(out, 0, rows.length, 0f);
    for (int f = off[i]; f < off[i + 1]; f++) {
      out[idx[f]] += val[f];
    }
  }

  @Override
  public int dimension() {
    return rows.length * width;
  }

  @Override
  public int examples() {
    return n;
  }

  /** Margins of example {@code i} at {@code w} into {@code out[0, width)}. */
  private void margins(double[] w, int i, double[] out) {
    Arrays.fill(out, 0, width, 0);
    for (int f = off[i]; f < off[i + 1]; f++) {
      int base = idx[f] * width;
      double v = val[f];
      for (int j = 0; j < width; j++) {
        out[j] += v * w[base + j];
      }
    }
  }

  private void margins(Store w, int i, double[] out) {
    Arrays.fill(out, 0, width, 0);
    for (int f = off[i]; f < off[i + 1]; f++) {
      int base = idx[f] * width;
      double v = val[f];
      for (int j = 0; j < width; j++) {
        out[j] += v * w.get(base + j);
      }
    }
  }

  /**
   * Adds the summed weighted-loss gradient of examples {@code [from, to)} at {@code w} into {@code
   * grad} (dense, {@link #dimension()} long) and returns their summed weighted loss. Uses only the
   * given scratch, so disjoint ranges may run on several threads.
   */
  double addGradients(double[] w, int from, int to, double[] grad, double[] ms, double[] gs) {
    double loss = 0;
    for (int i = from; i < to; i++) {
      margins(w, i, ms);
      loss += kind.lossAndGradient(ms, 0, label[i], weight[i], gs, 0);
      for (int f = off[i]; f < off[i + 1]; f++) {
        int base = idx[f] * width;
        double v = val[f];
        for (int j = 0; j < width; j++) {
          grad[base + j] += gs[j] * v;
        }
      }
    }
    return loss;
  }

  /**
   * Summed weighted loss of all examples and its gradient (overwritten) at {@code w}: the
   * full-batch pass of L-BFGS, one CSR sweep (public for {@code DenseGradientBenchmark}).
   */
  public double lossAndGradient(double[] w, double[] grad) {
    Arrays.fill(grad, 0);
    return addGradients(w, 0, n, grad, m, g);
  }

  /** Summed weighted loss at {@code w}. */
  double loss(double[] w) {
    double loss = 0;
    for (int i = 0; i < n; i++) {
      margins(w, i, m);
      loss += kind.loss(m, 0, label[i], weight[i]);
    }
    return loss;
  }

  @Override
  public void batchGradient(Store w, int[] examples, int count, double[] out) {
    Arrays.fill(out, 0, dimension(), 0);
    for (int k = 0; k < count; k++) {
      int i = examples[k];
      margins(w, i, m);
      kind.lossAndGradient(m, 0, label[i], weight[i], g, 0);
      for (int f = off[i]; f < off[i + 1]; f++) {
        int base = idx[f] * width;
        for (int j = 0; j < width; j++) {
          out[base + j] += g[j] * val[f];
        }
      }
    }
  }

  @Override
  public int touchedCoordinates(int[] examples, int count, int[] coords) {
    int s = nextStamp();
    int c = 0;
    for (int k = 0; k < count; k++) {
      int i = examples[k];
      for (int f = off[i]; f < off[i + 1]; f++) {
        int base = idx[f] * width;
        if (stamp[base] != s) {
          for (int j = 0; j < width; j++) {
            stamp[base + j] = s;
            coords[c++] = base + j;
          }
        }
      }
    }
    return c;
  }

  private int nextStamp() {
    if (++stampValue == Integer.MAX_VALUE) {
      Arrays.fill(stamp, 0);
      stampValue = 1;
    }
    return stampValue;
  }

  @Override
  public void batchGradient(
      Store w, int[] examples, int count, int[] coords, int nc, double[] out) {
    for (int q = 0; q < nc; q++) {
      pos[coords[q]] = q;
      out[q] = 0;
    }
    for (int k = 0; k < count; k++) {
      int i = examples[k];
      margins(w, i, m);
      kind.lossAndGradient(m, 0, label[i], weight[i], g, 0);
      for (int f = off[i]; f < off[i + 1]; f++) {
        int base = idx[f] * width;
        for (int j = 0; j < width; j++) {
          out[pos[base + j]] += g[j] * val[f];
        }
      }
    }
  }

  /**
   * Writes the sparse summed gradient of examples {@code [from, to)} at {@code w} into {@code
   * coords[0, n)} / {@code out[0, n)} (distinct coordinates) and returns {@code n}.
   */
  int sparseBatchGradient(double[] w, int from, int to, int[] coords, double[] out) {
    int s = nextStamp();
    int c = 0;
    for (int i = from; i < to; i++) {
      margins(w, i, m);
      kind.lossAndGradient(m, 0, label[i], weight[i], g, 0);
      for (int f = off[i]; f < off[i + 1]; f++) {
        int base = idx[f] * width;
        if (stamp[base] != s) {
          for (int j = 0; j < width; j++) {
            stamp[base + j] = s;
            pos[base + j] = c;
            coords[c] = base + j;
            out[c] = 0;
            c++;
          }
        }
        for (int j = 0; j < width; j++) {
          out[pos[base + j]] += g[j] * val[f];
        }
      }
    }
    return c;
  }
}
