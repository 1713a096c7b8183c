package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.opt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Optimizer;
import io.riffle.optim.ParamState;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import org.junit.jupiter.api.Test;

class LbsgdTest {

  @Test
  void accumulatesAndWarmsUpLinearly() {
    // reference selftest: batch_scale=2, N=4: first call only accumulates, second applies
    // gbar = (1+3)/2 = 2 with m = 1 + (2-1)*2/4 = 1.5, so w = 1 - 0.1*1.5*2 = 0.7
    Optimizer lbsgd =
        opt("lbsgd", "learning_rate=0.1 batch_scale=2 warmup_epochs=1 updates_per_epoch=4");
    Updater up = new Updater(lbsgd);
    Store w = Fixtures.f64(1.0);
    ParamState st = up.createState(w);
    up.update(0, w, st, new double[] {1.0});
    assertThat(w.get(0)).isEqualTo(1.0);
    assertThat(st.array(0).get(0)).as("cum_grad").isEqualTo(1.0);
    up.update(0, w, st, new double[] {3.0});
    assertThat(w.get(0)).isCloseTo(0.7, within(1e-15));
    assertThat(st.array(0).get(0)).as("cum_grad cleared").isEqualTo(0.0);
    assertThat(st.scalarNames()).containsExactly("num_cums");
    assertThat(st.scalars()[0]).isEqualTo(2.0);
  }

  @Test
  void warmupMultipliers() {
    Lbsgd lin = lbsgd("linear");
    Lbsgd pow = lbsgd("power2");
    Lbsgd sqrt = lbsgd("sqrt");
    // batch_scale 5, N = 2*4 = 8
    assertThat(lin.warmupMultiplier(2)).isEqualTo(1 + 4 * 2 / 8.0);
    assertThat(pow.warmupMultiplier(2)).isEqualTo(1 + 4 * 4 / 64.0);
    assertThat(sqrt.warmupMultiplier(2)).isEqualTo(1 + 4 * Math.sqrt(2 / 8.0));
    assertThat(lin.warmupMultiplier(8)).isEqualTo(5.0);
    assertThat(sqrt.warmupMultiplier(100)).isEqualTo(5.0);
  }

  private static Lbsgd lbsgd(String strategy) {
    return (Lbsgd)
        opt(
            "lbsgd",
            "batch_scale=5 warmup_epochs=2 updates_per_epoch=4 warmup_strategy=" + strategy);
  }

  /**
   * Sparse semantics: per-element sums; at an applying update only the touched elements step and
   * clear their sum, an untouched element carries its partial sum to the next applying update that
   * touches it.
   */
  @Test
  void sparseAccumulationIsPerElement() {
    // warmup_epochs=0: N=0 so m = batch_scale = 2 from the start; lr*m = 0.2
    Optimizer lbsgd = opt("lbsgd", "learning_rate=0.1 batch_scale=2 warmup_epochs=0 version=1.x");
    Updater up = new Updater(lbsgd);
    Store w = Fixtures.f64(1.0, 1.0, 1.0, 1.0);
    ParamState st = up.createState(w);
    Store cum = st.array(0);

    up.sparseUpdate(0, w, st, new int[] {0, 1}, 2, 1, new double[] {1.0, 2.0}); // k=1: sum only
    assertThat(Fixtures.values(w)).containsExactly(1.0, 1.0, 1.0, 1.0);
    assertThat(Fixtures.values(cum)).containsExactly(1.0, 2.0, 0.0, 0.0);

    up.sparseUpdate(0, w, st, new int[] {1, 2}, 2, 1, new double[] {4.0, 8.0}); // k=2: apply
    assertThat(Fixtures.values(w)).containsExactly(1.0, 1.0 - 0.2 * 3.0, 1.0 - 0.2 * 4.0, 1.0);
    assertThat(Fixtures.values(cum)).containsExactly(1.0, 0.0, 0.0, 0.0);

    up.sparseUpdate(0, w, st, new int[] {0}, 1, 1, new double[] {2.0}); // k=3: sum only
    up.sparseUpdate(0, w, st, new int[] {0}, 1, 1, new double[] {1.0}); // k=4: apply (1+2+1)/2
    assertThat(w.get(0)).isEqualTo(1.0 - 0.2 * 2.0);
    assertThat(Fixtures.values(cum)).containsExactly(0.0, 0.0, 0.0, 0.0);
    assertThat(st.scalars()[0]).isEqualTo(4.0);
  }

  /** The accumulation count advances once per update however many calls the update makes. */
  @Test
  void chunkedDenseCallsEqualOneDenseCall() {
    Optimizer lbsgd =
        opt(
            "lbsgd",
            "learning_rate=0.1 batch_scale=3 warmup_epochs=2 updates_per_epoch=3 begin_epoch=1 momentum=0.5 wd=0.01 begin_num_update=4 version=1.x");
    Updater a = new Updater(lbsgd);
    Updater b = new Updater(lbsgd);
    Store wa = Fixtures.f64(0.5, -1.0, 2.0, 1.5, -0.25, 0.75);
    Store wb = wa.copy();
    ParamState sa = a.createState(wa);
    ParamState sb = b.createState(wb);
    double[] g = new double[6];
    double[] lo = new double[3];
    double[] hi = new double[3];
    for (int step = 1; step <= 7; step++) {
      for (int i = 0; i < 6; i++) {
        g[i] = wa.get(i) * (i + 1) - 0.3 * step;
      }
      a.update(0, wa, sa, g);
      StepContext c = b.begin(0);
      System.arraycopy(g, 0, lo, 0, 3);
      System.arraycopy(g, 3, hi, 0, 3);
      b.step(c, wb, sb, lo, null, 3, 1, 0);
      b.step(c, wb, sb, hi, null, 3, 1, 3);
      assertThat(wb.bitEquals(wa)).as("step %d", step).isTrue();
      assertThat(sb.bitEquals(sa)).as("state after step %d", step).isTrue();
    }
    // begin_epoch*updates_per_epoch + 7 updates
    assertThat(sa.scalars()[0]).isEqualTo(10.0);
  }

  @Test
  void larsStrategyIsNotRowLocalAndUsesWholeParameterNorms() {
    Optimizer lbsgd = opt("lbsgd", "learning_rate=0.1 warmup_strategy=lars momentum=0.5 wd=0.01");
    assertThat(lbsgd.rowLocal()).isFalse();
    assertThat(opt("lbsgd").rowLocal()).isTrue();
    Updater a = new Updater(lbsgd);
    Updater b = new Updater(lbsgd);
    Store wa = Fixtures.f64(0.5, -1.0, 2.0, 1.5);
    Store wb = wa.copy();
    ParamState sa = a.createState(wa);
    ParamState sb = b.createState(wb);
    double[] g = {0.3, -0.2, 0.5, 1.0};
    for (int step = 0; step < 4; step++) {
      a.update(0, wa, sa, g);
      StepContext c = b.begin(0);
      double wn = 0;
      double gn = 0;
      for (int i = 0; i < 4; i++) {
        wn += wb.get(i) * wb.get(i);
        gn += g[i] * g[i];
      }
      c.weightNormSq = wn;
      c.gradNormSq = gn; // batch_scale 1: the averaged accumulated gradient is g
      b.step(c, wb, sb, new double[] {g[2], g[3]}, null, 2, 1, 2);
      b.step(c, wb, sb, new double[] {g[0], g[1]}, null, 2, 1, 0);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(wb.get(i)).isCloseTo(wa.get(i), within(1e-14));
    }
  }

  @Test
  void readsTheLearningRateBeforeCounting() {
    assertThat(opt("lbsgd").readsLrBeforeCount()).isTrue();
    assertThat(opt("lars").readsLrBeforeCount()).isFalse();
  }
}
