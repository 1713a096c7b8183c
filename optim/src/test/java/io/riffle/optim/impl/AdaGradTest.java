package io.riffle.optim.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdaGrad's dense/sparse split (OPTIMIZERS.md 4.3), which the dense goldens cannot see. */
class AdaGradTest {
  private static final double TOL = 1e-15;

  /** One update of a single-element parameter {@code w}; sparse if {@code sparse}. */
  private static double[] oneStep(Map<String, ?> hp, double w, double g, boolean sparse) {
    Optimizer opt = OptimizerRegistry.create("adagrad", hp);
    Updater up = new Updater(opt);
    Store ws = Store.of(new double[] {w});
    ParamState s = up.createState(ws);
    if (sparse) {
      up.sparseUpdate(0, ws, s, new int[] {0}, 1, 1, new double[] {g});
    } else {
      up.update(0, ws, s, new double[] {g});
    }
    return new double[] {ws.get(0), s.array(0).get(0)};
  }

  @Test
  void v1DenseHasEpsilonInsideTheRootAndDecayOutside() {
    Map<String, Object> hp =
        Map.of("version", "1.x", "learning_rate", 0.1, "epsilon", 0.25, "wd", 0.2);
    double[] got = oneStep(hp, 2.0, 0.5, false);
    // h = 0.25; w = 2 - 0.1*(0.5/sqrt(0.25 + 0.25) + 0.2*2)
    assertThat(got[1]).isCloseTo(0.25, within(TOL));
    assertThat(got[0]).isCloseTo(2.0 - 0.1 * (0.5 / Math.sqrt(0.5) + 0.4), within(TOL));
  }

  @Test
  void v1SparseUsesTheSparseKernelEpsilonOutsideTheRoot() {
    Map<String, Object> hp = Map.of("version", "1.x", "learning_rate", 0.1, "epsilon", 0.25);
    double[] got = oneStep(hp, 2.0, 0.5, true);
    // h = 0.25; w = 2 - 0.1*0.5/(sqrt(0.25) + 0.25)
    assertThat(got[1]).isCloseTo(0.25, within(TOL));
    assertThat(got[0]).isCloseTo(2.0 - 0.1 * 0.5 / 0.75, within(TOL));
    assertThat(got[0]).isNotEqualTo(oneStep(hp, 2.0, 0.5, false)[0]);
  }

  @Test
  void v2SparseWithoutDecayEqualsV2Dense() {
    Map<String, Object> hp =
        Map.of("learning_rate", 0.1, "epsilon", 0.25, "rescale_grad", 2.0, "clip_gradient", 0.8);
    assertThat(oneStep(hp, 2.0, 0.5, true)).containsExactly(oneStep(hp, 2.0, 0.5, false));
  }

  @Test
  void sparseWithDecayAddsItToTheGradientRiffleExtension() {
    for (String version : new String[] {"1.x", "2.x"}) {
      Map<String, Object> hp =
          Map.of("version", version, "learning_rate", 0.1, "epsilon", 0.25, "wd", 0.2);
      double[] got = oneStep(hp, 2.0, 0.5, true);
      double gp = 0.5 + 0.2 * 2.0;
      assertThat(got[1]).as(version).isCloseTo(gp * gp, within(TOL));
      assertThat(got[0]).as(version).isCloseTo(2.0 - 0.1 * gp / (gp + 0.25), within(TOL));
    }
  }

  @Test
  void clipAndRescaleApplyInTheSparseKernel() {
    Map<String, Object> hp =
        Map.of("learning_rate", 0.1, "epsilon", 0.0, "rescale_grad", 4.0, "clip_gradient", 1.0);
    double[] got = oneStep(hp, 0.0, -0.5, true);
    // clip(4 * -0.5) = -1; h = 1; w = 0 - 0.1 * -1 / 1
    assertThat(got).containsExactly(0.1, 1.0);
  }
}
