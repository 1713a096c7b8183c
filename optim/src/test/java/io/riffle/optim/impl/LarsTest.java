package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.opt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Optimizer;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.tools.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LarsTest {

  @Test
  void trustRatioMatchesHandCalculation() {
    // reference selftest: ratio = eta*|w| / (r*|g| + wd*|w| + eps) = 0.01*5/(2*1 + 0.1*5) = 0.02
    Optimizer lars = opt("lars", "learning_rate=0.1 eta=0.01 wd=0.1 rescale_grad=2.0 epsilon=0.0");
    Store w = Fixtures.f64(3.0, 4.0);
    new Updater(lars).update(0, w, new Updater(lars).createState(w), new double[] {0.6, 0.8});
    double lr = 0.1 * 0.02;
    assertThat(w.get(0)).isCloseTo(3.0 - lr * (2 * 0.6 + 0.1 * 3.0), within(1e-15));
    assertThat(w.get(1)).isCloseTo(4.0 - lr * (2 * 0.8 + 0.1 * 4.0), within(1e-15));
  }

  @Test
  void namesEndingInBiasGammaOrBetaAreNotScaled() {
    Optimizer lars = opt("lars", "learning_rate=0.1 eta=0.01 wd=0.1 momentum=0.5");
    Map<Integer, String> names =
        Map.of(0, "fc1_weight", 1, "fc1_bias", 2, "bn0_gamma", 3, "bn0_beta", 4, "fc2bias");
    Updater up = new Updater(lars, null, names, Map.of(), Map.of(), Map.of(), Map.of());
    double[] g = {0.6, 0.8};
    for (int index = 0; index < 5; index++) {
      Store w = Fixtures.f64(3.0, 4.0);
      up.update(index, w, up.createState(w), g);
      double ratio = index == 0 ? 0.01 * 5.0 / (1.0 + 0.1 * 5.0 + 1e-8) : 1.0;
      double lr = 0.1 * ratio;
      // first step with momentum: mom = -lr*g', w += mom
      assertThat(w.get(0))
          .as(names.get(index))
          .isCloseTo(3.0 - lr * (0.6 + 0.1 * 3.0), within(1e-15));
      assertThat(w.get(1))
          .as(names.get(index))
          .isCloseTo(4.0 - lr * (0.8 + 0.1 * 4.0), within(1e-15));
    }
    assertThat(Lars.skips("fc1_bias")).isTrue();
    assertThat(Lars.skips("fc1_weight")).isFalse();
  }

  @Test
  void zeroWeightOrZeroGradientGivesRatioOne() {
    Optimizer lars = opt("lars", "learning_rate=0.1 eta=0.01");
    Store w = Fixtures.f64(0.0, 0.0);
    Updater up = new Updater(lars);
    up.update(0, w, up.createState(w), new double[] {1.0, -2.0});
    assertThat(Fixtures.values(w)).containsExactly(-0.1, 0.2);
  }

  @Test
  void shardedCallsWithWholeParameterNormsEqualOneDenseCall() {
    Optimizer lars = opt("lars", "learning_rate=0.5 eta=0.2 wd=0.01 momentum=0.9 rescale_grad=0.5");
    double[] w0 = {0.5, -1.0, 2.0, 1.5, -0.25, 0.75, -2.0, 1.0};
    double[] g = {0.3, -0.2, 0.5, 1.0, -0.4, 0.2, -0.7, 0.6};
    Updater a = new Updater(lars);
    Updater b = new Updater(lars);
    Store wa = Fixtures.f64(w0);
    Store wb = Fixtures.f64(w0);
    ParamState sa = a.createState(wa);
    ParamState sb = b.createState(wb);
    double[] lo = new double[4];
    double[] hi = new double[4];
    for (int step = 0; step < 5; step++) {
      a.update(0, wa, sa, g);
      StepContext c = b.begin(0);
      double wn = 0;
      double gn = 0;
      for (int i = 0; i < 8; i++) {
        wn += wb.get(i) * wb.get(i);
        gn += g[i] * g[i];
      }
      c.weightNormSq = wn;
      c.gradNormSq = gn;
      System.arraycopy(g, 0, lo, 0, 4);
      System.arraycopy(g, 4, hi, 0, 4);
      b.step(c, wb, sb, hi, null, 4, 1, 4);
      b.step(c, wb, sb, lo, null, 4, 1, 0);
    }
    for (int i = 0; i < 8; i++) {
      assertThat(wb.get(i)).as("w[%d]", i).isCloseTo(wa.get(i), within(1e-13));
    }
  }

  /**
   * 1.x momentum correction under a factor schedule: the goldens run 1.x LARS without momentum, so
   * this pins the corrected momentum {@code mu*lr_t/lr_(t-1)} against the NumPy reference:
   *
   * <pre>
   *   R.run("lars", steps=8, seed=5, problem="quadratic",
   *         hp=dict(version="1.x", momentum=0.9, eta=0.5[, momentum_correction=False]),
   *         scheduler=R.FactorScheduler(step=2, factor=0.5, base_lr=0.4))
   * </pre>
   */
  @Test
  void v1MomentumCorrectionMatchesReference() {
    assertThat(lastWeights(Map.of("version", "1.x", "momentum", "0.9", "eta", "0.5")))
        .containsExactly(
            new double[] {
              1.2065864724010278, -0.3866828271299949, -0.7137281162964699, -0.14502174673134102
            },
            within(1e-12));
    assertThat(
            lastWeights(
                Map.of(
                    "version", "1.x",
                    "momentum", "0.9",
                    "eta", "0.5",
                    "momentum_correction", "False")))
        .containsExactly(
            new double[] {
              3.1597014808356634, -2.0432632324482607, -0.35387232426342474, -1.3776850386389818
            },
            within(1e-12));
  }

  private static double[] lastWeights(Map<String, String> hp) {
    List<String> lines = new ArrayList<>();
    Trajectory.runOptimizer(
        "lars",
        8,
        5,
        "quadratic",
        hp,
        "factor step=2,factor=0.5,base_lr=0.4",
        Precision.FLOAT64,
        lines::add);
    Matcher m = Pattern.compile("\"w\": \\[([^]]*)]").matcher(lines.get(lines.size() - 1));
    assertThat(m.find()).isTrue();
    String[] parts = m.group(1).split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim());
    }
    return out;
  }
}
