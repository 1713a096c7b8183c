package io.riffle.optim.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LAMB's whole-parameter trust ratio (OPTIMIZERS.md 4.16). */
class LambTest {
  private static final double[] W = {0.5, -1.0, 2.0, 0.25};
  private static final double[] G = {0.3, 0.1, -0.4, 2.0};

  private static Store[] run(Map<String, ?> hp, double weightNormSq) {
    Optimizer opt = OptimizerRegistry.create("lamb", hp);
    Updater up = new Updater(opt);
    Store w = Store.of(W.clone());
    ParamState s = up.createState(w);
    StepContext c = up.begin(0);
    c.weightNormSq = weightNormSq;
    up.step(c, w, s, G, null, W.length, 1, 0);
    return new Store[] {w, s.array(0), s.array(1)};
  }

  private static double normSq(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
    }
    return s;
  }

  @Test
  void isNotRowLocal() {
    assertThat(OptimizerRegistry.create("lamb").rowLocal()).isFalse();
  }

  @Test
  void firstStepMatchesHandCalculation() {
    double lr = 0.05;
    double wd = 0.1;
    Store[] got = run(Map.of("learning_rate", lr, "wd", wd), Double.NaN);
    // t = 1 with bias correction: m^ = g, v^ = g^2, so u = g/(|g| + eps) + wd*w
    double[] u = new double[W.length];
    for (int i = 0; i < W.length; i++) {
      u[i] = G[i] / (Math.abs(G[i]) + 1e-6) + wd * W[i];
    }
    double ratio = Math.sqrt(normSq(W)) / Math.sqrt(normSq(u));
    for (int i = 0; i < W.length; i++) {
      assertThat(got[0].get(i)).isCloseTo(W[i] - lr * ratio * u[i], within(1e-12));
      assertThat(got[1].get(i)).isCloseTo(0.1 * G[i], within(1e-12));
      assertThat(got[2].get(i)).isCloseTo(0.001 * G[i] * G[i], within(1e-12));
    }
  }

  @Test
  void usesTheWeightNormFromTheContextWhenGiven() {
    Map<String, Object> hp = Map.of("learning_rate", 0.05, "wd", 0.1);
    Store[] own = run(hp, Double.NaN);
    Store[] same = run(hp, normSq(W));
    Store[] fourTimes = run(hp, 4 * normSq(W));
    for (int i = 0; i < W.length; i++) {
      assertThat(same[0].get(i)).isCloseTo(own[0].get(i), within(1e-15));
      // ||w|| doubles, so the ratio and the step double
      assertThat(fourTimes[0].get(i) - W[i]).isCloseTo(2 * (own[0].get(i) - W[i]), within(1e-14));
      assertThat(fourTimes[1].get(i)).isEqualTo(own[1].get(i));
      assertThat(fourTimes[2].get(i)).isEqualTo(own[2].get(i));
    }
  }

  @Test
  void boundsClampTheWeightNorm() {
    Map<String, Object> base = Map.of("learning_rate", 0.05);
    double wn = Math.sqrt(normSq(W));
    Store[] own = run(base, Double.NaN);
    Store[] upper = run(Map.of("learning_rate", 0.05, "upper_bound", wn / 2), Double.NaN);
    Store[] lower = run(Map.of("learning_rate", 0.05, "lower_bound", wn * 3), Double.NaN);
    Store[] loose =
        run(Map.of("learning_rate", 0.05, "lower_bound", 0.0, "upper_bound", 100.0), Double.NaN);
    for (int i = 0; i < W.length; i++) {
      double step = own[0].get(i) - W[i];
      assertThat(upper[0].get(i) - W[i]).isCloseTo(step / 2, within(1e-14));
      assertThat(lower[0].get(i) - W[i]).isCloseTo(step * 3, within(1e-14));
      assertThat(loose[0].get(i)).isEqualTo(own[0].get(i));
    }
  }

  @Test
  void zeroWeightsGiveRatioOne() {
    Optimizer opt = OptimizerRegistry.create("lamb", Map.of("learning_rate", 0.05));
    Updater up = new Updater(opt);
    Store w = Store.of(new double[3]);
    up.update(0, w, up.createState(w), new double[] {1.0, -2.0, 0.0});
    // u = g/(|g| + eps) at t = 1; ratio 1 because ||w|| = 0
    assertThat(w.get(0)).isCloseTo(-0.05 / (1 + 1e-6), within(1e-15));
    assertThat(w.get(1)).isCloseTo(0.05 * 2 / (2 + 1e-6), within(1e-15));
    assertThat(w.get(2)).isEqualTo(0.0);
  }

  @Test
  void float32NormIsOfTheAppliedDirection() {
    // float32 storage: the step must still be exactly lr * ratio * u for the stored moments
    Optimizer opt = OptimizerRegistry.create("lamb", Map.of("learning_rate", 0.05, "wd", 0.1));
    Updater up = new Updater(opt);
    Store w = Store.zeros(Precision.FLOAT32, W.length);
    for (int i = 0; i < W.length; i++) {
      w.set(i, W[i]);
    }
    ParamState s = up.createState(w);
    Store before = w.copy();
    up.update(0, w, s, G);
    double[] u = new double[W.length];
    double c1 = 1 - 0.9;
    double c2 = 1 - 0.999;
    for (int i = 0; i < W.length; i++) {
      double m = s.array(0).get(i) / c1;
      double v = s.array(1).get(i) / c2;
      u[i] = m / (Math.sqrt(v) + 1e-6) + 0.1 * before.get(i);
    }
    double wsq = 0;
    for (int i = 0; i < W.length; i++) {
      wsq += before.get(i) * before.get(i);
    }
    double ratio = Math.sqrt(wsq) / Math.sqrt(normSq(u));
    for (int i = 0; i < W.length; i++) {
      assertThat(w.get(i)).isEqualTo((double) (float) (before.get(i) - 0.05 * ratio * u[i]));
    }
  }
}
