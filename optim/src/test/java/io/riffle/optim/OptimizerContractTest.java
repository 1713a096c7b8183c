package io.riffle.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.random.PolarGaussianSource;
import io.riffle.optim.random.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every registered optimizer must keep, built-in or custom (found through the
 * registry, so a new optimizer is covered the moment it registers). Run on its defaults, in float32
 * and float64.
 */
class OptimizerContractTest {
  private static final int ROWS = 64;
  private static final int WIDTH = 3;

  private static Stream<String> names() {
    return OptimizerRegistry.providers().keySet().stream();
  }

  private static Stream<DynamicTest> each(String what, java.util.function.Consumer<String> body) {
    return names().map(n -> DynamicTest.dynamicTest(what + " [" + n + "]", () -> body.accept(n)));
  }

  private static Updater updater(String name) {
    Updater up = new Updater(OptimizerRegistry.create(name));
    up.noise(new PolarGaussianSource(42));
    return up;
  }

  private static Store randomWeights(Precision p, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    Store w = Store.zeros(p, ROWS * WIDTH);
    for (int i = 0; i < w.length(); i++) {
      w.set(i, 0.5 * r.sym());
    }
    return w;
  }

  private static double[] randomGrad(int n, SplitMix64 r) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = r.sym();
    }
    return g;
  }

  @TestFactory
  Stream<DynamicTest> sparseStepLeavesUntouchedRowsAndTheirStateAlone() {
    return each(
        "untouched rows",
        name -> {
          for (Precision p : Precision.values()) {
            Updater up = updater(name);
            Store w = randomWeights(p, 1);
            ParamState s = up.createState(w);
            SplitMix64 r = new SplitMix64(7);
            // warm the state up on every row, so "unchanged" is a real check
            for (int k = 0; k < 3; k++) {
              up.update(0, w, s, randomGrad(w.length(), r));
            }
            Store w0 = w.copy();
            ParamState s0 = s.copy();
            int[] rows = {5, 17, 40};
            for (int k = 0; k < 4; k++) {
              up.sparseUpdate(
                  0, w, s, rows, rows.length, WIDTH, randomGrad(rows.length * WIDTH, r));
            }
            for (int row = 0; row < ROWS; row++) {
              if (row == 5 || row == 17 || row == 40) {
                continue;
              }
              for (int j = 0; j < WIDTH; j++) {
                int e = row * WIDTH + j;
                assertThat(w.get(e)).as("%s %s weight %d", name, p, e).isEqualTo(w0.get(e));
                for (int a = 0; a < s.arrayCount(); a++) {
                  assertThat(s.array(a).get(e))
                      .as("%s %s state %s[%d]", name, p, s.names().get(a), e)
                      .isEqualTo(s0.array(a).get(e));
                }
              }
            }
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> denseStepOverARangeEqualsSparseStepOverItsRows() {
    return names()
        .filter(n -> OptimizerRegistry.create(n).rowLocal())
        .map(
            name ->
                DynamicTest.dynamicTest(
                    "dense == sparse [" + name + "]",
                    () -> {
                      Updater a = updater(name);
                      Updater b = updater(name);
                      Store wa = randomWeights(Precision.FLOAT32, 3);
                      Store wb = wa.copy();
                      ParamState sa = a.createState(wa);
                      ParamState sb = b.createState(wb);
                      int from = 10;
                      int to = 30;
                      int[] rows = new int[to - from];
                      for (int i = 0; i < rows.length; i++) {
                        rows[i] = from + i;
                      }
                      SplitMix64 r = new SplitMix64(11);
                      for (int k = 0; k < 5; k++) {
                        double[] g = randomGrad(rows.length, r);
                        StepContext ca = a.begin(0);
                        a.step(ca, wa, sa, g, null, g.length, 1, from);
                        b.sparseUpdate(0, wb, sb, rows, rows.length, 1, g);
                      }
                      assertThat(wa.bitEquals(wb)).as("weights").isTrue();
                      assertThat(sa.bitEquals(sb)).as("state").isTrue();
                    }));
  }

  @TestFactory
  Stream<DynamicTest> exportAndImportResumesBitForBit() {
    return each(
        "resume",
        name -> {
          for (Precision p : Precision.values()) {
            Updater a = updater(name);
            Store wa = randomWeights(p, 5);
            ParamState sa = a.createState(wa);
            SplitMix64 r = new SplitMix64(13);
            for (int k = 0; k < 6; k++) {
              a.update(0, wa, sa, randomGrad(wa.length(), r));
              a.sparseUpdate(0, wa, sa, new int[] {2, 9}, 2, WIDTH, randomGrad(2 * WIDTH, r));
            }
            // a fresh process: new optimizer from the copy, new updater, state imported
            Updater b = new Updater(a.optimizer().copy());
            b.noise(new PolarGaussianSource(999));
            Store wb = wa.copy();
            ParamState sb = b.createState(wb);
            sb.importFrom(sa);
            b.importState(a.exportState());
            List<double[]> grads = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
              grads.add(randomGrad(wa.length(), r));
            }
            for (double[] g : grads) {
              a.update(0, wa, sa, g);
              b.update(0, wb, sb, g);
            }
            assertThat(wb.bitEquals(wa)).as("%s %s weights", name, p).isTrue();
            assertThat(sb.bitEquals(sa)).as("%s %s state", name, p).isTrue();
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> copyKeepsAllHyperparameters() {
    return each(
        "copy",
        name -> {
          Optimizer o = OptimizerRegistry.create(name, Map.of("wd", 0.125, "rescale_grad", 2.0));
          Optimizer c = o.copy();
          assertThat(c).isNotSameAs(o);
          assertThat(c.getClass()).isEqualTo(o.getClass());
          assertThat(c.hyperparams().values()).isEqualTo(o.hyperparams().values());
          assertThat(c.hyperparams().explicit()).isEqualTo(o.hyperparams().explicit());
          assertThat(c.stateNames()).isEqualTo(o.stateNames());
        });
  }

  @TestFactory
  Stream<DynamicTest> stepDoesNotModifyTheGradient() {
    return each(
        "gradient untouched",
        name -> {
          Updater up = updater(name);
          Store w = randomWeights(Precision.FLOAT64, 8);
          ParamState s = up.createState(w);
          double[] g = randomGrad(w.length(), new SplitMix64(3));
          double[] g0 = g.clone();
          up.update(0, w, s, g);
          assertThat(g).isEqualTo(g0);
        });
  }

  @TestFactory
  Stream<DynamicTest> finiteInputsGiveFiniteWeightsAndState() {
    return each(
        "finite",
        name -> {
          Updater up = updater(name);
          Store w = randomWeights(Precision.FLOAT32, 9);
          ParamState s = up.createState(w);
          SplitMix64 r = new SplitMix64(17);
          for (int k = 0; k < 50; k++) {
            double[] g = randomGrad(w.length(), r);
            if (k % 7 == 0) {
              java.util.Arrays.fill(g, 0.0); // all-zero gradients must not give 0/0
            }
            up.update(0, w, s, g);
          }
          for (int i = 0; i < w.length(); i++) {
            assertThat(Double.isFinite(w.get(i))).as("%s w[%d]=%s", name, i, w.get(i)).isTrue();
            for (int a = 0; a < s.arrayCount(); a++) {
              assertThat(Double.isFinite(s.array(a).get(i)))
                  .as("%s %s[%d]", name, s.names().get(a), i)
                  .isTrue();
            }
          }
        });
  }
}
