package io.riffle.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.schedule.LrScheduler;
import io.riffle.optim.schedule.LrSchedulers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference self-test's driver checks (OPTIMIZERS.md 2.1-2.3). */
class UpdaterTest {

  private static LrScheduler factor(double base) {
    return LrSchedulers.create("factor", Map.of("step", 5, "factor", 0.5, "base_lr", base));
  }

  @Test
  void firstUpdateSeesNumUpdateOne() {
    Updater up = new Updater(OptimizerRegistry.create("sgd", Map.of("learning_rate", 0.5)));
    StepContext c = up.begin(0);
    assertThat(c.t).isEqualTo(1);
    assertThat(c.numUpdate).isEqualTo(1);
  }

  @Test
  void twoXOptimizerDefaultOverwritesSchedulerBase() {
    LrScheduler s = factor(1.0);
    new Updater(OptimizerRegistry.create("sgd"), s);
    assertThat(s.baseLr()).isEqualTo(0.1);
  }

  @Test
  void oneXSgdKeepsSchedulerBase() {
    LrScheduler s = factor(1.0);
    new Updater(OptimizerRegistry.create("sgd", Map.of("version", "1.x")), s);
    assertThat(s.baseLr()).isEqualTo(1.0);
  }

  @Test
  void explicitLearningRateAlwaysOverwritesSchedulerBase() {
    LrScheduler s = factor(1.0);
    new Updater(
        OptimizerRegistry.create("ftrl", Map.of("version", "1.x", "learning_rate", 0.3)), s);
    assertThat(s.baseLr()).isEqualTo(0.3);
  }

  @Test
  void beginNumUpdateOffsetsCounts() {
    Updater up = new Updater(OptimizerRegistry.create("sgd", Map.of("begin_num_update", 5)));
    assertThat(up.begin(0).t).isEqualTo(6);
    assertThat(up.begin(1).t).isEqualTo(6);
    assertThat(up.begin(0).t).isEqualTo(7);
    assertThat(up.numUpdate()).isEqualTo(7);
  }

  @Test
  void multipliersByIndexThenByName() {
    Updater up =
        new Updater(
            OptimizerRegistry.create("sgd", Map.of("learning_rate", 1.0, "wd", 0.1)),
            null,
            Map.of(0, "fc_weight", 1, "fc_bias"),
            Map.of(0, 0.5),
            Map.of("fc_weight", 3.0, "fc_bias", 2.0),
            Map.of(),
            Map.of("fc_bias", 0.0));
    StepContext c0 = up.begin(0);
    assertThat(c0.lr).isEqualTo(0.5);
    assertThat(c0.wd).isEqualTo(0.1);
    assertThat(c0.paramName).isEqualTo("fc_weight");
    StepContext c1 = up.begin(1);
    assertThat(c1.lr).isEqualTo(2.0);
    assertThat(c1.wd).isEqualTo(0.0);
  }

  @Test
  void oneXGivesNoDecayToNonWeights() {
    Updater up =
        new Updater(
            OptimizerRegistry.create("sgd", Map.of("version", "1.x", "wd", 0.1)),
            null,
            Map.of(0, "fc_weight", 1, "fc_bias", 2, "bn_gamma"),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of());
    assertThat(up.begin(0).wd).isEqualTo(0.1);
    assertThat(up.begin(1).wd).isEqualTo(0.0);
    assertThat(up.begin(2).wd).isEqualTo(0.1);
  }

  @Test
  void multiPrecisionKeepsAFloat64MasterAndRoundsIntoFloat32() {
    Updater up =
        new Updater(
            OptimizerRegistry.create(
                "sgd", Map.of("learning_rate", 0.1, "momentum", 0.9, "multi_precision", true)));
    Store w = Store.of(new float[] {1.0f, 0.1f});
    ParamState s = up.createState(w);
    assertThat(s.master()).isNotNull();
    assertThat(s.master().precision()).isEqualTo(Precision.FLOAT64);
    assertThat(s.array(0).precision()).isEqualTo(Precision.FLOAT64);
    // a step far below float32 resolution of 1.0 still moves the master copy
    for (int k = 0; k < 3; k++) {
      up.update(0, w, s, new double[] {1e-9, 1e-9});
    }
    assertThat(s.master().get(0)).isLessThan(1.0);
    assertThat(w.get(0)).isEqualTo((double) (float) s.master().get(0));
    assertThat(w.get(1)).isEqualTo((double) (float) s.master().get(1));
  }

  @Test
  void copiedOptimizerKeepsOneXSchedulerResolution() {
    Optimizer v1 = OptimizerRegistry.create("sgd", Map.of("version", "1.x"));
    LrScheduler s = factor(1.0);
    new Updater(v1.copy(), s);
    assertThat(s.baseLr())
        .as("1.x sgd without explicit lr keeps the scheduler's base")
        .isEqualTo(1.0);
  }
}
