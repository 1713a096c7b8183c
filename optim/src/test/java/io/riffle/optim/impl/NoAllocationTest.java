package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.hp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.PolarGaussianSource;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code Updater.begin} plus dense and sparse steps allocate nothing once warmed up. */
class NoAllocationTest {

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("signum", hp("momentum=0.9 wd_lh=0.01")),
        Arguments.of("signum", hp("momentum=0.0")),
        Arguments.of("lars", hp("momentum=0.9 wd=0.01")),
        Arguments.of("lbsgd", hp("batch_scale=3 momentum=0.5 warmup_strategy=sqrt")),
        Arguments.of("lbsgd", hp("batch_scale=2 warmup_strategy=lars")),
        Arguments.of("dcasgd", hp("momentum=0.5")),
        Arguments.of("ftml", hp()),
        Arguments.of("sgld", hp("wd=0.1")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configs")
  void stepsDoNotAllocate(String name, Map<String, ?> hp) {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
    assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());

    Optimizer opt = OptimizerRegistry.create(name, hp);
    Updater up = new Updater(opt).noise(new PolarGaussianSource(1));
    Store w = Store.zeros(Precision.FLOAT32, 256);
    for (int i = 0; i < 256; i++) {
      w.set(i, Math.sin(i));
    }
    ParamState st = up.createState(w);
    double[] g = new double[256];
    for (int i = 0; i < 256; i++) {
      g[i] = 0.01 * Math.cos(i);
    }
    int[] rows = {3, 17, 40, 41, 60};
    Runnable work =
        () -> {
          for (int k = 0; k < 200; k++) {
            up.update(0, w, st, g);
            StepContext c = up.begin(0);
            up.step(c, w, st, g, rows, rows.length * 4, 4, 0);
          }
        };
    work.run(); // warm up (class loading, first-use caches)
    long tid = Thread.currentThread().getId();
    long calibrate0 = bean.getThreadAllocatedBytes(tid);
    long calibrate1 = bean.getThreadAllocatedBytes(tid);
    long before = bean.getThreadAllocatedBytes(tid);
    work.run();
    long after = bean.getThreadAllocatedBytes(tid);
    long overhead = calibrate1 - calibrate0;
    assertThat(after - before - overhead).as("bytes allocated by 400 updates").isLessThan(256);
  }
}
