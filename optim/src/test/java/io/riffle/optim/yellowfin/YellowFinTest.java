package io.riffle.optim.yellowfin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.riffle.optim.InvalidHyperparameterException;
import io.riffle.optim.Store;
import io.riffle.optim.random.SplitMix64;
import io.riffle.optim.tools.Problems;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** YellowFin checks of the reference self-test (OPTIMIZERS.md 7) plus snapshot and options. */
class YellowFinTest {
  private static final double E = YellowFin.EPS;

  private static YellowFin tuner(Map<String, ?> hp, int... lengths) {
    return new YellowFin(YellowFinConfig.fromMap(hp), lengths);
  }

  @Test
  void cubicRootSolvesTheStationarityCondition() {
    double[][] cases = {{1.0, 1.0, 1.0}, {0.3, 5.0, 2.0}, {10.0, 0.01, 0.5}};
    for (double[] c : cases) {
      double x = YellowFin.cubicRoot(c[0], c[1], c[2], E);
      double p = (c[0] + E) * (c[0] + E) * (c[2] + E) * (c[2] + E) / 2 / (c[1] + E);
      assertThat(x).isBetween(0.0, 1.0);
      assertThat(Math.abs(p * x - Math.pow(1 - x, 3)))
          .as("D=%s C=%s h=%s", c[0], c[1], c[2])
          .isLessThan(1e-6 * Math.max(1.0, p));
    }
  }

  @Test
  void tunedStatisticsStayOrderedAndLossDecreases() {
    Problems.Quadratic prob = new Problems.Quadratic(21, 4);
    YellowFin yf = tuner(Map.of("learning_rate", 0.01), 4);
    double[] w = prob.w0();
    double[] g = new double[4];
    double l0 = prob.loss(w);
    for (int k = 0; k < 300; k++) {
      prob.grad(w, g);
      yf.step(w, g);
      assertThat(yf.hMin()).as("k=%d", k).isLessThanOrEqualTo(yf.hMax() * (1 + 1e-9));
      assertThat(yf.mu()).as("k=%d", k).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
    }
    assertThat(prob.loss(w)).isLessThan(l0 - 1e-3);
  }

  @Test
  void closedLoopMeasurementRecoversMomentumWithoutStaleness() {
    Problems.Quadratic prob = new Problems.Quadratic(4, 4);
    double[][] xs = new double[7][];
    xs[0] = prob.w0();
    xs[1] = prob.w0();
    for (int j = 0; j < 4; j++) {
      xs[1][j] += 0.1;
    }
    double[] g = new double[4];
    for (int t = 2; t < 7; t++) {
      prob.grad(xs[t - 1], g);
      xs[t] = new double[4];
      for (int j = 0; j < 4; j++) {
        xs[t][j] = xs[t - 1][j] + 0.7 * (xs[t - 1][j] - xs[t - 2][j]) - 0.05 * g[j];
      }
    }
    prob.grad(xs[5], g);
    ClosedLoopMomentum loop = new ClosedLoopMomentum(4);
    double mh = loop.measure(xs[6], xs[5], xs[4], g, 0.05);
    assertThat(loop.lastKept()).isEqualTo(4);
    assertThat(Math.abs(mh - 0.7)).isLessThan(1e-9);
  }

  @Test
  void closedLoopFeedbackSkipsAbsentAndNonFiniteMeasurements() {
    ClosedLoopMomentum loop = new ClosedLoopMomentum(3, 0.5, 0.2, 1e-12);
    double[] x = {1, 2, 3};
    double m = loop.measure(x, x, x, new double[3], 0.1);
    assertThat(loop.lastKept()).isZero();
    assertThat(m).isNaN();
    assertThat(loop.update(0.9, m)).isEqualTo(0.2);
    assertThat(loop.update(0.9, Double.POSITIVE_INFINITY)).isEqualTo(0.2);
    assertThat(loop.update(0.9, 0.5)).isEqualTo(0.2 + 0.5 * (0.9 - 0.5));
    // coordinates with a tiny denominator are dropped, the rest decide
    double[] xa = {1.0, 5.0, 0.0};
    double[] xb = {0.0, 5.0, 1.0};
    double[] xc = {-1.0, 5.0, 3.0};
    assertThat(loop.measure(xa, xb, xc, new double[3], 0.0)).isEqualTo((1.0 + 0.5) / 2);
    assertThat(loop.lastKept()).isEqualTo(2);
  }

  @Test
  void medianMatchesSortingIncludingTiesAndEvenCounts() {
    SplitMix64 r = new SplitMix64(8);
    for (int n = 1; n <= 60; n++) {
      for (int rep = 0; rep < 20; rep++) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
          // few distinct values on some reps to exercise ties
          a[i] = rep % 3 == 0 ? Math.floor(4 * r.uniform()) : r.sym() * 100;
        }
        if (rep % 5 == 1) {
          Arrays.sort(a);
        }
        double[] s = a.clone();
        Arrays.sort(s);
        double want = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        assertThat(ClosedLoopMomentum.median(a.clone(), n))
            .as("n=%d rep=%d", n, rep)
            .isEqualTo(want);
      }
    }
    assertThat(ClosedLoopMomentum.median(new double[] {1, Double.NaN, 3}, 3)).isNaN();
    assertThat(ClosedLoopMomentum.median(new double[] {Double.NEGATIVE_INFINITY, 1, 2}, 3))
        .isEqualTo(1.0);
  }

  /** Gradients of a quadratic over two parameter arrays of lengths 3 and 2. */
  private static void twoArrayGrad(Problems.Quadratic prob, double[][] p, double[][] g) {
    double[] w = {p[0][0], p[0][1], p[0][2], p[1][0], p[1][1]};
    double[] gw = new double[5];
    prob.grad(w, gw);
    System.arraycopy(gw, 0, g[0], 0, 3);
    System.arraycopy(gw, 3, g[1], 0, 2);
  }

  private static Map<String, Object> allOptions() {
    Map<String, Object> hp = new HashMap<>();
    hp.put("learning_rate", 0.02);
    hp.put("momentum", 0.1);
    hp.put("clip_thresh", 3.0);
    hp.put("use_unsmoothed_lr_mu", false);
    hp.put("use_nesterov", true);
    hp.put("sparsity_debias", true);
    hp.put("curv_win_width", 5);
    hp.put("delta_mu", 0.01);
    hp.put("lr_factor", 0.8);
    return hp;
  }

  @Test
  void exportImportResumesBitForBit() {
    for (Map<String, Object> hp :
        java.util.List.of(Map.<String, Object>of("learning_rate", 0.01), allOptions())) {
      Problems.Quadratic prob = new Problems.Quadratic(13, 5);
      YellowFin a = tuner(hp, 3, 2);
      double[][] p = {{0.5, -1.0, 2.0}, {1.5, -0.3}};
      double[][] g = {new double[3], new double[2]};
      for (int k = 0; k < 37; k++) {
        twoArrayGrad(prob, p, g);
        a.step(p, g);
      }
      YellowFinState saved = a.exportState();
      double[][] q = {p[0].clone(), p[1].clone()};
      for (int k = 0; k < 40; k++) {
        twoArrayGrad(prob, p, g);
        a.step(p, g);
      }
      YellowFin b = tuner(hp, 3, 2);
      b.importState(saved);
      for (int k = 0; k < 40; k++) {
        twoArrayGrad(prob, q, g);
        b.step(q, g);
      }
      assertThat(q[0]).containsExactly(p[0]);
      assertThat(q[1]).containsExactly(p[1]);
      YellowFinState sa = a.exportState();
      YellowFinState sb = b.exportState();
      assertThat(sb.iteration()).isEqualTo(sa.iteration()).isEqualTo(77);
      assertThat(sb.scalars()).containsExactly(sa.scalars());
      assertThat(sb.window()).containsExactly(sa.window());
      assertThat(Arrays.deepEquals(sb.gradEma(), sa.gradEma())).isTrue();
      assertThat(Arrays.deepEquals(sb.velocity(), sa.velocity())).isTrue();
    }
  }

  @Test
  void storeAndArrayPathsAgreeAndGradientsAreNotModified() {
    Problems.Quadratic prob = new Problems.Quadratic(3, 5);
    Map<String, Object> hp = allOptions();
    hp.put("clip_thresh", 0.05); // clips every iteration
    YellowFin a = tuner(hp, 3, 2);
    YellowFin b = tuner(hp, 3, 2);
    double[][] p = {{0.5, -1.0, 2.0}, {1.5, -0.3}};
    double[][] q = {p[0].clone(), p[1].clone()};
    Store[] qs = {Store.of(q[0]), Store.of(q[1])};
    double[][] g = {new double[3], new double[2]};
    for (int k = 0; k < 25; k++) {
      twoArrayGrad(prob, p, g);
      double[][] before = {g[0].clone(), g[1].clone()};
      a.step(p, g);
      assertThat(Arrays.deepEquals(g, before)).as("gradient untouched").isTrue();
      b.step(qs, g);
    }
    assertThat(q[0]).containsExactly(p[0]);
    assertThat(q[1]).containsExactly(p[1]);
  }

  @Test
  void manualClipAppliesBeforeTheStatistics() {
    YellowFin yf = tuner(Map.of("clip_thresh", 0.5, "learning_rate", 0.1), 2);
    double[] w = {0.0, 0.0};
    double[] g = {6.0, 8.0}; // norm 10, clipped to 0.5
    yf.step(w, g);
    // k = 0: h = 0.25, the window holds h + EPS, h_min = exp(log(h + 2 EPS)) after debiasing
    assertThat(yf.hMax()).isCloseTo(0.25 + 2 * E, offset(1e-12));
    // the update is lr * clipped g (v = g at k = 0, momentum 0)
    assertThat(w[0]).isCloseTo(-0.1 * 0.3, offset(1e-15));
    assertThat(w[1]).isCloseTo(-0.1 * 0.4, offset(1e-15));
  }

  @Test
  void firstIterationUsesInitialValuesWithNesterovLrFactorAndDeltaMu() {
    Map<String, Object> hp = new HashMap<>();
    hp.put("learning_rate", 0.1);
    hp.put("momentum", 0.5);
    hp.put("use_nesterov", true);
    hp.put("lr_factor", 0.5);
    hp.put("delta_mu", 0.1);
    hp.put("use_unsmoothed_lr_mu", false);
    YellowFin yf = tuner(hp, 2);
    double[] w = {1.0, -1.0};
    double[] g = {0.2, -0.4};
    yf.step(w, g);
    assertThat(yf.mu()).isCloseTo(0.5, offset(1e-15));
    assertThat(yf.lr()).isCloseTo(0.1, offset(1e-15));
    // v = 0.6*0 + g ; x -= 0.1*0.5*(g + 0.6 v)
    assertThat(w[0]).isCloseTo(1.0 - 0.05 * (0.2 + 0.6 * 0.2), offset(1e-15));
    assertThat(w[1]).isCloseTo(-1.0 - 0.05 * (-0.4 - 0.6 * 0.4), offset(1e-15));
  }

  @Test
  void sparsityDebiasScalesTheStatistics() {
    Map<String, Object> hp = Map.of("sparsity_debias", true);
    YellowFin on = tuner(hp, 4);
    YellowFin off = tuner(Map.of(), 4);
    double[] g = {3.0, 0.0, 4.0, 0.0}; // half the entries non-zero
    on.step(new double[4], g);
    off.step(new double[4], g);
    assertThat(on.hMin()).isCloseTo(off.hMin() * 0.5, offset(1e-12));
    assertThat(on.hMax()).isCloseTo(off.hMax() * 0.5, offset(1e-12));
    assertThat(on.gradVar()).isCloseTo(off.gradVar() * 0.5, offset(1e-15));
    assertThat(on.distToOpt()).isCloseTo(off.distToOpt() / (Math.sqrt(0.5) + E), offset(1e-12));
  }

  @Test
  void closedLoopOptionAppliesMuG() {
    Map<String, Object> hp = Map.of("learning_rate", 0.05, "use_adapt_grad_clip", false);
    YellowFin yf = tuner(hp, 2);
    ClosedLoopMomentum loop = new ClosedLoopMomentum(2, 0.01, 0.3, 1e-12);
    yf.closedLoop(loop);
    double[] w = {1.0, 2.0};
    double[] want = w.clone();
    double[] v = new double[2];
    SplitMix64 r = new SplitMix64(3);
    double[] g = new double[2];
    for (int k = 0; k < 15; k++) {
      g[0] = r.sym();
      g[1] = r.sym();
      yf.step(w, g);
      for (int j = 0; j < 2; j++) {
        v[j] = 0.3 * v[j] + g[j];
        want[j] = want[j] - yf.lr() * v[j];
      }
    }
    assertThat(w).containsExactly(want);
    assertThat(yf.mu()).isNotEqualTo(0.3);
  }

  @Test
  void configHasTheTfNamesAndDefaults() {
    YellowFinConfig d = YellowFinConfig.defaults();
    assertThat(d.learningRate()).isEqualTo(1e-4);
    assertThat(d.momentum()).isEqualTo(0.0);
    assertThat(d.hasClipThresh()).isFalse();
    assertThat(d.beta()).isEqualTo(0.999);
    assertThat(d.curvWinWidth()).isEqualTo(20);
    assertThat(d.zeroDebias()).isTrue();
    assertThat(d.deltaMu()).isEqualTo(0.0);
    assertThat(d.sparsityDebias()).isFalse();
    assertThat(d.useNesterov()).isFalse();
    assertThat(d.useUnsmoothedLrMu()).isTrue();
    assertThat(d.hMaxLogSmooth()).isTrue();
    assertThat(d.hMinLogSmooth()).isTrue();
    assertThat(d.useAdaptGradClip()).isTrue();
    assertThat(d.statProtectFac()).isEqualTo(100.0);
    assertThat(d.lrFactor()).isEqualTo(1.0);
    assertThat(d.toMap()).containsEntry("clip_thresh", null);
    YellowFinConfig c = YellowFinConfig.fromMap(allOptions());
    assertThat(YellowFinConfig.fromMap(c.toMap())).isEqualTo(c);
    assertThat(YellowFinConfig.fromMap(Map.of("clip_thresh", "None")).hasClipThresh()).isFalse();
    assertThatThrownBy(() -> YellowFinConfig.fromMap(Map.of("lr", 0.1)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("learning_rate");
    assertThatThrownBy(() -> YellowFinConfig.fromMap(Map.of("beta", 1.0)))
        .isInstanceOf(InvalidHyperparameterException.class);
    assertThatThrownBy(() -> YellowFinConfig.fromMap(Map.of("clip_thresh", -1.0)))
        .isInstanceOf(InvalidHyperparameterException.class);
  }

  @Test
  void callOrderAndShapesAreChecked() {
    YellowFin yf = tuner(Map.of(), 2, 3);
    double[][] p = {new double[2], new double[3]};
    double[][] g = {new double[2], new double[3]};
    assertThatThrownBy(() -> yf.apply(p, g)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> yf.observe(new double[][] {new double[2]}))
        .isInstanceOf(IllegalArgumentException.class);
    yf.observe(g);
    assertThatThrownBy(yf::exportState).isInstanceOf(IllegalStateException.class);
    yf.apply(p, g);
    assertThat(yf.iteration()).isEqualTo(1);
  }

  @Test
  void stepAndMeasurementAllocateNothing() {
    Assumptions.assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
    mx.setThreadAllocatedMemoryEnabled(true);
    Map<String, Object> hp = allOptions();
    YellowFin yf = tuner(hp, 64, 36);
    Store[] ps = {Store.of(new double[64]), Store.of(new double[36])};
    double[][] p = {new double[64], new double[36]};
    double[][] g = {new double[64], new double[36]};
    double[] single = new double[100];
    double[] sg = new double[100];
    YellowFin one = tuner(Map.of(), 100);
    ClosedLoopMomentum loop = new ClosedLoopMomentum(100);
    yf.closedLoop(loop);
    double[] xa = new double[100];
    double[] xb = new double[100];
    double[] xc = new double[100];
    SplitMix64 r = new SplitMix64(1);
    for (int i = 0; i < 100; i++) {
      sg[i] = r.sym();
      xa[i] = r.sym();
      xb[i] = r.sym();
      xc[i] = r.sym();
    }
    for (int i = 0; i < 64; i++) {
      g[0][i] = r.sym();
    }
    for (int i = 0; i < 36; i++) {
      g[1][i] = r.sym();
    }
    Runnable work =
        () -> {
          yf.step(p, g);
          yf.step(ps, g);
          one.step(single, sg);
          double m = loop.measure(xa, xb, xc, sg, 0.1);
          loop.update(yf.mu(), m);
        };
    for (int i = 0; i < 20_000; i++) {
      work.run();
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 5_000; i++) {
      work.run();
    }
    long after = mx.getCurrentThreadAllocatedBytes();
    // a few bytes of measurement overhead at most, not 5000 iterations' worth of anything
    assertThat(after - before).isLessThan(1024);
  }
}
