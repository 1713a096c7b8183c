package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.hp;
import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.PolarGaussianSource;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lazy sparse step of every optimizer in this package group: untouched rows keep their weight
 * and every state value bit for bit, and the touched rows get exactly the dense rule applied to
 * those rows alone (same step scalars, same noise).
 */
class LazySparseStepExtensionsTest {
  private static final int WIDTH = 3;
  private static final int[] ROWS = {2, 0};

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("signum", hp("momentum=0.9 wd=0.1 wd_lh=0.05")),
        Arguments.of("signum", hp("momentum=0.0 wd=0.1 wd_lh=0.05")),
        Arguments.of("lars", hp("momentum=0.9 wd=0.01 eta=0.5")),
        Arguments.of("lars", hp("momentum=0.9 eta=0.5 version=1.x")),
        Arguments.of(
            "lbsgd", hp("batch_scale=2 momentum=0.5 wd=0.01 warmup_epochs=1 updates_per_epoch=4")),
        Arguments.of("lbsgd", hp("warmup_strategy=lars momentum=0.5 wd=0.01")),
        Arguments.of("dcasgd", hp("momentum=0.5 lamda=0.5 wd=0.01")),
        Arguments.of("dcasgd", hp("lamda=0.5 wd=0.01 version=1.x")),
        Arguments.of("ftml", hp("wd=0.01 learning_rate=0.05")),
        Arguments.of("ftml", hp("wd=0.01 version=1.x")),
        Arguments.of("sgld", hp("wd=0.1 learning_rate=0.01")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configs")
  void untouchedRowsFrozenAndTouchedRowsFollowTheDenseRule(String name, Map<String, ?> hp) {
    Optimizer opt = OptimizerRegistry.create(name, hp);
    PolarGaussianSource noise = new PolarGaussianSource(42);
    Updater up = new Updater(opt).noise(noise);
    Store w = Fixtures.f64(0.5, -1.0, 2.0, 1.5, -0.25, 0.75, -2.0, 1.0, 0.3, 0.9, -0.6, 0.1);
    ParamState st = up.createState(w);
    // a dense update first, so that every state array holds non-zero values
    up.update(
        0, w, st, new double[] {0.3, -0.2, 0.5, 1.0, -0.4, 0.2, -0.7, 0.6, 0.1, 0.8, -0.9, 0.4});

    Store w0 = w.copy();
    ParamState s0 = st.copy();
    double[] g = {0.2, -0.5, 0.9, -0.3, 0.4, 0.7};

    StepContext c = up.begin(0);
    // the expected touched rows: a dense step over just those rows with the same scalars/noise
    StepContext c2 = c.copyTo(new StepContext());
    PolarGaussianSource noise2 = new PolarGaussianSource(0);
    noise2.importState(noise.exportState());
    c2.noise = noise2;
    Store sub = Fixtures.rowsOf(w, ROWS, WIDTH);
    ParamState subState = Fixtures.rowsOf(opt, st, ROWS, WIDTH);
    opt.step(c2, sub, subState, g, null, ROWS.length * WIDTH, 1, 0);

    up.step(c, w, st, g, ROWS, ROWS.length * WIDTH, WIDTH, 0);

    for (int row : new int[] {1, 3}) {
      for (int j = 0; j < WIDTH; j++) {
        int e = row * WIDTH + j;
        assertThat(w.get(e)).as("weight %d", e).isEqualTo(w0.get(e));
        for (int a = 0; a < st.arrayCount(); a++) {
          assertThat(st.array(a).get(e))
              .as("state %s element %d", st.names().get(a), e)
              .isEqualTo(s0.array(a).get(e));
        }
      }
    }
    boolean changed = false;
    for (int i = 0; i < ROWS.length; i++) {
      for (int j = 0; j < WIDTH; j++) {
        int e = ROWS[i] * WIDTH + j;
        int k = i * WIDTH + j;
        assertThat(w.get(e)).as("touched weight %d", e).isEqualTo(sub.get(k));
        for (int a = 0; a < st.arrayCount(); a++) {
          assertThat(st.array(a).get(e))
              .as("touched state %s element %d", st.names().get(a), e)
              .isEqualTo(subState.array(a).get(k));
          changed |= st.array(a).get(e) != s0.array(a).get(e);
        }
        changed |= w.get(e) != w0.get(e);
      }
    }
    assertThat(changed).as("the sparse step changed the touched rows").isTrue();
  }
}
