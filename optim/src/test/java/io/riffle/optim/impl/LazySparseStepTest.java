package io.riffle.optim.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lazy sparse step of every optimizer in this group: untouched rows keep their weight and every
 * state value bit for bit, the touched rows get exactly the dense rule (a dense step over a compact
 * copy of those rows with the same step context), and the gradient is never modified.
 */
class LazySparseStepTest {
  private static final int ROWS = 5;
  private static final int WIDTH = 3;
  private static final int[] TOUCHED = {3, 0};
  private static final int[] UNTOUCHED = {1, 2, 4};

  static Stream<Arguments> configs() {
    List<Arguments> out = new ArrayList<>();
    String common = "wd=0.03 clip_gradient=0.8 rescale_grad=1.5";
    String[][] cases = {
      {"nag", common},
      {"nag", common + " version=1.x momentum=0.7"},
      {"nag", "momentum=0.0"},
      {"adagrad", "clip_gradient=0.8 rescale_grad=1.5"},
      {"adagrad", common},
      {"rmsprop", common},
      {"rmsprop", common + " version=1.x"},
      {"rmsprop", common + " centered=True clip_weights=1.5"},
      {"rmsprop", common + " centered=True version=1.x"},
      {"adadelta", common},
      {"adadelta", common + " version=1.x"},
      {"adam", common},
      {"adam", common + " version=1.x"},
      {"adamax", common},
      {"adamax", common + " version=1.x"},
      {"nadam", common},
      {"nadam", common + " version=1.x"},
      {"lamb", common},
      {"lamb", common + " lower_bound=0.5 upper_bound=3.0 bias_correction=False"},
    };
    for (String[] c : cases) {
      for (Precision p : Precision.values()) {
        out.add(Arguments.of(c[0], c[1], p));
      }
    }
    return out.stream();
  }

  static Map<String, String> hp(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : text.trim().split("\\s+")) {
      if (!kv.isEmpty()) {
        int eq = kv.indexOf('=');
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return m;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("configs")
  void untouchedRowsAndStateStayFrozenTouchedRowsGetTheDenseRule(
      String name, String hpText, Precision precision) {
    Optimizer opt = OptimizerRegistry.create(name, hp(hpText));
    Updater up = new Updater(opt);
    Store w = Store.zeros(precision, ROWS * WIDTH);
    for (int i = 0; i < w.length(); i++) {
      w.set(i, 0.7 * Math.sin(1.3 * i + 0.2));
    }
    ParamState s = up.createState(w);

    // two dense updates so that every state array holds non-zero values
    double[] dense = new double[ROWS * WIDTH];
    for (int step = 0; step < 2; step++) {
      for (int i = 0; i < dense.length; i++) {
        dense[i] = Math.cos(0.9 * i + step) - 0.3 * step;
      }
      up.update(0, w, s, dense);
    }
    Store w0 = w.copy();
    ParamState s0 = s.copy();

    double[] g = new double[TOUCHED.length * WIDTH];
    for (int k = 0; k < g.length; k++) {
      g[k] = 0.5 - 0.37 * k;
    }
    double[] gCopy = g.clone();

    // compact copy of the touched rows, stepped densely with the same context
    int n = TOUCHED.length * WIDTH;
    Store wc = Store.zeros(precision, n);
    ParamState sc = ParamState.zeros(opt, precision, n, null);
    for (int k = 0; k < n; k++) {
      int e = TOUCHED[k / WIDTH] * WIDTH + k % WIDTH;
      wc.set(k, w.get(e));
      for (int a = 0; a < s.arrayCount(); a++) {
        sc.array(a).set(k, s.array(a).get(e));
      }
    }

    StepContext c = up.begin(0);
    StepContext copy = c.copyTo(new StepContext());
    up.step(c, w, s, g, TOUCHED, n, WIDTH, 0);
    opt.step(copy, wc, sc, g, null, n, 1, 0);

    assertThat(g).as("gradient not modified").containsExactly(gCopy);
    for (int row : UNTOUCHED) {
      for (int j = 0; j < WIDTH; j++) {
        int e = row * WIDTH + j;
        assertThat(w.get(e)).as("weight of untouched row %d", row).isEqualTo(w0.get(e));
        for (int a = 0; a < s.arrayCount(); a++) {
          assertThat(s.array(a).get(e))
              .as("state %s of untouched row %d", s.names().get(a), row)
              .isEqualTo(s0.array(a).get(e));
        }
      }
    }
    boolean moved = false;
    for (int k = 0; k < n; k++) {
      int e = TOUCHED[k / WIDTH] * WIDTH + k % WIDTH;
      moved |= w.get(e) != w0.get(e);
      assertThat(w.get(e)).as("weight of touched element %d", e).isEqualTo(wc.get(k));
      for (int a = 0; a < s.arrayCount(); a++) {
        assertThat(s.array(a).get(e))
            .as("state %s of touched element %d", s.names().get(a), e)
            .isEqualTo(sc.array(a).get(k));
      }
    }
    assertThat(moved).as("the touched rows moved").isTrue();
  }
}
