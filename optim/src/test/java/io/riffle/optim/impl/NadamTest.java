package io.riffle.optim.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nadam's optimizer-wide momentum schedule M (OPTIMIZERS.md 4.8). */
class NadamTest {
  private static final double TOL = 1e-15;
  private static final double MU1 = Nadam.momentumAt(1, 0.9, 0.004);
  private static final double MU2 = Nadam.momentumAt(2, 0.9, 0.004);

  /** Hand calculation of the first update from w = 0 with gradient g and schedule M before it. */
  private static double firstStep(double g, double mBefore) {
    double m = mBefore * MU1;
    double mNext = m * MU2;
    double mHat = 0.1 * g / (1 - mNext);
    double gHat = g / (1 - m);
    double vHat = 0.001 * g * g / 0.001;
    return -0.01 * (MU2 * mHat + (1 - MU1) * gHat) / (Math.sqrt(vHat) + 1e-8);
  }

  @Test
  void scheduleIsDozatsWarmingMomentum() {
    assertThat(MU1).isCloseTo(0.9 * (1 - 0.5 * Math.pow(0.96, 0.004)), within(TOL));
    assertThat(MU2).isCloseTo(0.9 * (1 - 0.5 * Math.pow(0.96, 0.008)), within(TOL));
  }

  @Test
  void firstStepMatchesHandCalculation() {
    Optimizer opt = OptimizerRegistry.create("nadam", Map.of("learning_rate", 0.01));
    Updater up = new Updater(opt);
    Store w = Store.of(new double[] {0.0});
    up.update(0, w, up.createState(w), new double[] {0.5});
    assertThat(w.get(0)).isCloseTo(firstStep(0.5, 1.0), within(1e-12));
    assertThat(up.exportState().globals()).containsExactly(MU1);
  }

  @Test
  void mScheduleIsSharedByAllParameters() {
    // the reference's selftest "driver nadam: m_schedule is shared (two params -> mu_1^2)"
    Optimizer opt = OptimizerRegistry.create("nadam", Map.of("learning_rate", 0.01));
    assertThat(opt.globalNames()).containsExactly("m_schedule");
    assertThat(opt.initialGlobals()).containsExactly(1.0);
    Updater up = new Updater(opt);
    Store w0 = Store.of(new double[2]);
    Store w1 = Store.of(new double[2]);
    ParamState s0 = up.createState(w0);
    ParamState s1 = up.createState(w1);
    up.update(0, w0, s0, new double[] {1.0, 1.0});
    up.update(1, w1, s1, new double[] {1.0, 1.0});
    assertThat(up.count(0)).isEqualTo(1);
    assertThat(up.count(1)).isEqualTo(1);
    assertThat(up.exportState().globals()[0]).isCloseTo(MU1 * MU1, within(TOL));
    // both parameters are at t = 1, but the second saw M = mu_1^2 instead of mu_1
    assertThat(w0.get(0)).isCloseTo(firstStep(1.0, 1.0), within(1e-12));
    assertThat(w1.get(0)).isCloseTo(firstStep(1.0, MU1), within(1e-12));
    assertThat(w1.get(0)).isNotEqualTo(w0.get(0));
  }

  @Test
  void mAdvancesOncePerUpdateHoweverManyShards() {
    Optimizer opt = OptimizerRegistry.create("nadam", Map.of("learning_rate", 0.01));
    Updater up = new Updater(opt);
    Store w = Store.of(new double[4]);
    ParamState s = up.createState(w);
    StepContext c = up.begin(0);
    up.step(c, w, s, new double[] {1.0, 1.0}, null, 2, 1, 0);
    up.step(c, w, s, new double[] {1.0, 1.0}, null, 2, 1, 2);
    assertThat(up.exportState().globals()[0]).isCloseTo(MU1, within(TOL));
    for (int i = 0; i < 4; i++) {
      assertThat(w.get(i)).isCloseTo(firstStep(1.0, 1.0), within(1e-12));
    }
  }

  @Test
  void mSurvivesAnUpdaterSnapshot() {
    Optimizer opt = OptimizerRegistry.create("nadam", Map.of("learning_rate", 0.01));
    Updater a = new Updater(opt);
    Store wa = Store.of(new double[] {0.3});
    ParamState sa = a.createState(wa);
    for (int i = 0; i < 3; i++) {
      a.update(0, wa, sa, new double[] {0.5 - i});
    }
    Updater b = new Updater(opt);
    b.importState(a.exportState());
    Store wb = wa.copy();
    ParamState sb = sa.copy();
    a.update(0, wa, sa, new double[] {0.25});
    b.update(0, wb, sb, new double[] {0.25});
    assertThat(wb.bitEquals(wa)).isTrue();
    assertThat(b.exportState().globals()).containsExactly(a.exportState().globals());
  }
}
