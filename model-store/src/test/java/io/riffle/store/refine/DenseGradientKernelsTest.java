package io.riffle.store.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riffle.store.model.ModelKind;
import io.riffle.store.replay.ReplayWindow;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The selection rule without any registered kernel (model-store's own class path). */
class DenseGradientKernelsTest {

  private static TrainingSet dense(int n, int dim) {
    SplittableRandom rnd = new SplittableRandom(3);
    ReplayWindow w = new ReplayWindow(1L << 26, 0);
    int[] idx = new int[dim];
    float[] val = new float[dim];
    for (int j = 0; j < dim; j++) {
      idx[j] = j;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        val[j] = (float) rnd.nextGaussian();
      }
      w.add(idx, val, 0, dim, rnd.nextInt(2), 1f);
    }
    return TrainingSet.of(w, 0, n, ModelKind.logistic());
  }

  @Test
  void ruleShouldAdmitOnlyDenseBigEnoughWindowsUnderTheCap() {
    assertThat(DenseGradientKernels.rule(64L * 1000, 1000, 64, 1)).isNull();
    assertThat(DenseGradientKernels.rule(10L * 1000, 1000, 64, 1)).startsWith("sparse window");
    assertThat(DenseGradientKernels.rule(8L * 1000, 1000, 8, 1)).startsWith("small model");
    assertThat(DenseGradientKernels.rule(8L * 1000, 1000, 8, 4)).isNull();
    assertThat(DenseGradientKernels.rule(1L << 30, 1 << 20, 1 << 10, 1)).startsWith("window too");
    assertThat(DenseGradientKernels.rule(0, 0, 0, 1)).isEqualTo("empty training set");
  }

  @Test
  void withoutAKernelOnTheClassPathAutoRunsPlainAndNd4jFails() {
    TrainingSet set = dense(200, 64);
    DenseGradientKernels.Choice auto = DenseGradientKernels.choose(set, "auto");
    assertThat(auto.kernel().name()).isEqualTo("plain");
    assertThat(auto.reason()).contains("no nd4j kernel");
    assertThat(DenseGradientKernels.choose(set, "plain").kernel().name()).isEqualTo("plain");
    assertThatThrownBy(() -> DenseGradientKernels.choose(set, "nd4j"))
        .isInstanceOf(DenseGradientKernels.Unavailable.class)
        .hasMessageContaining("riffle-nd4j");
    double[] w = new double[set.dimension()];
    double[] g1 = new double[w.length];
    double[] g2 = new double[w.length];
    try (DenseGradientKernel k = auto.kernel()) {
      assertThat(k.lossAndGradient(w, g1)).isEqualTo(set.lossAndGradient(w, g2));
    }
    assertThat(g1).containsExactly(g2);
  }
}
