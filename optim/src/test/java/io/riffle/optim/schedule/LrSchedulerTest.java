package io.riffle.optim.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.InvalidHyperparameterException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference self-test's scheduler checks, plus state export and validation. */
class LrSchedulerTest {

  @Test
  void factorChangesAfterEachStepBoundary() {
    LrScheduler s =
        LrSchedulers.create("factor", Map.of("step", 10, "factor", 0.5, "base_lr", 1.0));
    assertThat(new double[] {s.lr(1), s.lr(10), s.lr(11), s.lr(20), s.lr(21)})
        .containsExactly(1.0, 1.0, 0.5, 0.5, 0.25);
  }

  @Test
  void factorIsFlooredAtStopFactorLr() {
    LrScheduler s =
        LrSchedulers.create(
            "factor", Map.of("step", 1, "factor", 0.1, "base_lr", 1.0, "stop_factor_lr", 0.05));
    assertThat(s.lr(5)).isEqualTo(0.05);
  }

  @Test
  void multiFactorChangesAfterEachListedStep() {
    LrScheduler s =
        LrSchedulers.create(
            "multifactor", Map.of("step", List.of(5, 8), "factor", 0.1, "base_lr", 1.0));
    assertThat(s.lr(5)).isEqualTo(1.0);
    assertThat(s.lr(6)).isCloseTo(0.1, within(1e-15));
    assertThat(s.lr(8)).isCloseTo(0.1, within(1e-15));
    assertThat(s.lr(9)).isCloseTo(0.01, within(1e-15));
  }

  @Test
  void polyWarmsUpDecaysAndStays() {
    LrScheduler s =
        LrSchedulers.create(
            "poly",
            Map.of("max_update", 10, "base_lr", 1.0, "pwr", 2, "final_lr", 0.0, "warmup_steps", 2));
    assertThat(s.lr(1)).isEqualTo(0.5);
    assertThat(s.lr(2)).isEqualTo(1.0);
    assertThat(s.lr(10)).isEqualTo(0.0);
    assertThat(s.lr(50)).isEqualTo(0.0);
  }

  @Test
  void cosineHalfWayIsTheMean() {
    LrScheduler s =
        LrSchedulers.create("cosine", Map.of("max_update", 10, "base_lr", 1.0, "final_lr", 0.2));
    assertThat(s.lr(5)).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void constantWarmupHoldsTheBeginRate() {
    LrScheduler s =
        LrSchedulers.create(
            "factor",
            Map.of(
                "step",
                100,
                "base_lr",
                1.0,
                "warmup_steps",
                5,
                "warmup_begin_lr",
                0.1,
                "warmup_mode",
                "constant"));
    assertThat(s.lr(3)).isEqualTo(0.1);
    assertThat(s.lr(5)).isEqualTo(1.0);
  }

  @Test
  void exportedStateResumesTheSchedule() {
    LrScheduler a = LrSchedulers.create("factor", Map.of("step", 3, "factor", 0.5, "base_lr", 1.0));
    for (int n = 1; n <= 7; n++) {
      a.lr(n);
    }
    LrScheduler b = LrSchedulers.create("factor", Map.of("step", 3, "factor", 0.5, "base_lr", 1.0));
    b.importState(a.exportState());
    for (int n = 8; n <= 20; n++) {
      assertThat(b.lr(n)).isEqualTo(a.lr(n));
    }
    LrScheduler c = a.copy();
    assertThat(c.lr(30)).isEqualTo(a.lr(30));
  }

  @Test
  void badSchedulesAreRejected() {
    assertThatThrownBy(() -> LrSchedulers.create("factor", Map.of("step", 0)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("step");
    assertThatThrownBy(() -> LrSchedulers.create("factor", Map.of("step", 2, "factor", 1.5)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("factor=1.5");
    assertThatThrownBy(() -> LrSchedulers.create("multifactor", Map.of("step", List.of(5, 3))))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("step");
    assertThatThrownBy(
            () -> LrSchedulers.create("factor", Map.of("base_lr", 0.1, "warmup_begin_lr", 0.5)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("warmup_begin_lr");
    assertThatThrownBy(() -> LrSchedulers.create("step", Map.of()))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("factor, multifactor, poly, cosine");
  }
}
