package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.opt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Optimizer;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.schedule.LrScheduler;
import io.riffle.optim.schedule.LrSchedulers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignumTest {

  @Test
  void zeroGradientAndStateGiveOnlyDecoupledDecay() {
    // reference selftest: w = (1 - lr*wd_lh)*w because sgn(0) = 0
    Updater up = new Updater(opt("signum", "learning_rate=0.1 momentum=0.9 wd_lh=0.5"));
    Store w = Fixtures.f64(1.0, -2.0);
    up.update(0, w, up.createState(w), new double[] {0.0, 0.0});
    assertThat(Fixtures.values(w)).containsExactly(new double[] {0.95, -1.9}, within(1e-15));
  }

  @Test
  void signSgdUsesTheRawGradientSignAndBothDecays() {
    // reference selftest: (1 - lr*(wd + wd_lh))*w - lr*sgn(g)
    Optimizer signsgd =
        opt(
            "signum",
            "learning_rate=0.1 momentum=0.0 wd=0.2 wd_lh=0.3 rescale_grad=0.5 clip_gradient=0.1");
    assertThat(signsgd.stateNames()).isEmpty();
    Updater up = new Updater(signsgd);
    Store w = Fixtures.f64(1.0, -2.0);
    up.update(0, w, up.createState(w), new double[] {-5.0, 0.0});
    assertThat(Fixtures.values(w)).containsExactly(new double[] {0.95 + 0.1, -1.9}, within(1e-15));
  }

  @Test
  void signumMomentumHoldsTheNegativeAverage() {
    Optimizer signum = opt("signum", "learning_rate=0.1 momentum=0.5");
    assertThat(signum.stateNames()).containsExactly("mom");
    Updater up = new Updater(signum);
    Store w = Fixtures.f64(1.0, 1.0);
    ParamState st = up.createState(w);
    up.update(0, w, st, new double[] {2.0, -4.0});
    assertThat(Fixtures.values(st.array(0))).containsExactly(-1.0, 2.0);
    assertThat(Fixtures.values(w)).containsExactly(0.9, 1.1);
  }

  @Test
  void v1PassesItsDefaultLearningRateToAScheduler() {
    LrScheduler s = LrSchedulers.create("factor", Map.of("step", 4, "base_lr", 1.0));
    new Updater(opt("signum", "version=1.x"), s);
    assertThat(s.baseLr()).isEqualTo(0.01);
    LrScheduler kept = LrSchedulers.create("factor", Map.of("step", 4, "base_lr", 1.0));
    new Updater(opt("sgld", "version=1.x"), kept);
    assertThat(kept.baseLr()).isEqualTo(1.0);
  }
}
