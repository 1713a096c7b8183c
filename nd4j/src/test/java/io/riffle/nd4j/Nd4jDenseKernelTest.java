package io.riffle.nd4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.store.model.ModelKind;
import io.riffle.store.refine.DenseGradientKernel;
import io.riffle.store.refine.DenseGradientKernels;
import io.riffle.store.refine.TrainingSet;
import io.riffle.store.replay.ReplayWindow;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Nd4jDenseKernelTest {

  /**
   * A window of {@code n} examples over {@code dim} columns; each entry is missing with probability
   * {@code missing}; weights in [0.5, 2.5) if {@code weighted}, else 1.
   */
  static TrainingSet window(
      int n, int dim, ModelKind kind, double missing, boolean weighted, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    ReplayWindow w = new ReplayWindow(1L << 28, 0);
    int[] idx = new int[dim];
    float[] val = new float[dim];
    for (int i = 0; i < n; i++) {
      int nz = 0;
      for (int j = 0; j < dim; j++) {
        if (rnd.nextDouble() >= missing) {
          idx[nz] = j;
          val[nz++] = (float) rnd.nextGaussian();
        }
      }
      double label = kind.outputs() == 1 ? rnd.nextInt(2) : rnd.nextInt(kind.outputs());
      float weight = weighted ? (float) (0.5 + 2 * rnd.nextDouble()) : 1f;
      w.add(idx, val, 0, nz, label, weight);
    }
    return TrainingSet.of(w, 0, n, kind);
  }

  static double[] randomWeights(int d, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] w = new double[d];
    for (int c = 0; c < d; c++) {
      w[c] = 0.3 * rnd.nextGaussian();
    }
    return w;
  }

  /** Max over coordinates of |a - b| / (1 + |a|). */
  static double maxRelDiff(double[] a, double[] b) {
    double m = 0;
    for (int c = 0; c < a.length; c++) {
      m = Math.max(m, Math.abs(a[c] - b[c]) / (1 + Math.abs(a[c])));
    }
    return m;
  }

  private static void assertMatchesPlain(TrainingSet set, double lossTol, double gradTol) {
    for (boolean f64 : new boolean[] {true, false}) {
      double tl = f64 ? lossTol : 1e-5;
      double tg = f64 ? gradTol : 1e-4;
      try (DenseGradientKernel k = new Nd4jKernelFactory(f64).stage(set)) {
        assertThat(k.name()).isEqualTo("nd4j");
        for (long seed = 1; seed <= 3; seed++) {
          double[] w = randomWeights(set.dimension(), seed);
          double[] g0 = new double[w.length];
          double[] g1 = new double[w.length];
          java.util.Arrays.fill(g1, 42); // overwritten, not added to
          double l0 = set.lossAndGradient(w, g0);
          double l1 = k.lossAndGradient(w, g1);
          assertThat(Math.abs(l1 - l0) / l0).as("loss, f64=%s", f64).isLessThan(tl);
          assertThat(maxRelDiff(g0, g1)).as("gradient, f64=%s", f64).isLessThan(tg);
        }
      }
    }
  }

  @Test
  void logisticShouldMatchTheTrainingSetPass() {
    assertMatchesPlain(window(1500, 40, ModelKind.logistic(), 0, false, 1), 1e-12, 1e-11);
  }

  @Test
  void softmaxShouldMatchTheTrainingSetPass() {
    assertMatchesPlain(window(1200, 33, ModelKind.softmax(4), 0, false, 2), 1e-12, 1e-11);
  }

  @Test
  void weightedExamplesWithMissingFeaturesShouldMatchTheTrainingSetPass() {
    TrainingSet set = window(1000, 50, ModelKind.logistic(), 0.3, true, 3);
    assertThat((double) set.storedFeatures() / (set.examples() * set.activeRows()))
        .isBetween(0.6, 0.8);
    assertMatchesPlain(set, 1e-12, 1e-11);
    assertMatchesPlain(window(800, 20, ModelKind.softmax(3), 0.2, true, 4), 1e-12, 1e-11);
  }

  @Test
  void autoShouldPickNd4jOnlyForDenseBigEnoughSets() {
    TrainingSet dense = window(500, 64, ModelKind.logistic(), 0, false, 5);
    DenseGradientKernels.Choice c = DenseGradientKernels.choose(dense, "auto");
    try (DenseGradientKernel k = c.kernel()) {
      assertThat(k.name()).isEqualTo("nd4j");
      assertThat(k).isInstanceOf(Nd4jDenseKernel.class);
    }
    // 8 columns x 1 output: under the break-even
    try (DenseGradientKernel k =
        DenseGradientKernels.choose(window(500, 8, ModelKind.logistic(), 0, false, 6), "auto")
            .kernel()) {
      assertThat(k.name()).isEqualTo("plain");
    }
    // ...but 8 columns x 4 outputs is 32 coordinates, over it
    try (DenseGradientKernel k =
        DenseGradientKernels.choose(window(500, 8, ModelKind.softmax(4), 0, false, 6), "auto")
            .kernel()) {
      assertThat(k.name()).isEqualTo("nd4j");
    }
    // a hashed-looking window: 10 of 400 columns per example
    DenseGradientKernels.Choice sparse =
        DenseGradientKernels.choose(
            window(500, 400, ModelKind.logistic(), 0.975, false, 7), "auto");
    try (DenseGradientKernel k = sparse.kernel()) {
      assertThat(k.name()).isEqualTo("plain");
      assertThat(sparse.reason()).startsWith("sparse window");
    }
    try (DenseGradientKernel k = DenseGradientKernels.choose(dense, "plain").kernel()) {
      assertThat(k.name()).isEqualTo("plain");
    }
    try (DenseGradientKernel k = DenseGradientKernels.choose(dense, "nd4j").kernel()) {
      assertThat(k.name()).isEqualTo("nd4j");
    }
  }

  @Test
  void stagingShouldPinNd4jToOneThread() {
    try (DenseGradientKernel k =
        new Nd4jKernelFactory(true).stage(window(10, 4, ModelKind.logistic(), 0, false, 8))) {
      assertThat(Nd4jDenseKernel.threadLimits()).containsExactly(1, 1, 1);
    }
  }
}
