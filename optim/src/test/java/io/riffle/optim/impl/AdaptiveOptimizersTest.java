package io.riffle.optim.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.Hyperparams;
import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.schedule.LrScheduler;
import io.riffle.optim.schedule.LrSchedulers;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Registration, defaults, flags and the edge semantics of NAG, AdaGrad, RMSProp, AdaDelta, Adam,
 * Adamax, Nadam and LAMB that the golden trajectories do not exercise.
 */
class AdaptiveOptimizersTest {

  /** {@code steps} dense updates of a 1-D quadratic {@code f = 0.5*a*(w - b)^2} from {@code w0}. */
  private static double[] trajectory(String name, Map<String, ?> hp, double[] w0, int steps) {
    Optimizer opt = OptimizerRegistry.create(name, hp);
    Updater up = new Updater(opt);
    Store w = Store.of(w0.clone());
    ParamState s = up.createState(w);
    double[] g = new double[w0.length];
    for (int k = 0; k < steps; k++) {
      for (int i = 0; i < g.length; i++) {
        g[i] = (1.0 + i) * (w.get(i) - 0.5);
      }
      up.update(0, w, s, g);
    }
    double[] out = new double[w0.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = w.get(i);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "nag, false, true",
    "adagrad, false, true",
    "rmsprop, true, true",
    "adadelta, false, true",
    "adam, true, true",
    "adamax, true, true",
    "nadam, true, true",
    "lamb, true, false",
  })
  void registeredWithFlags(String name, boolean v1PassesLr, boolean rowLocal) {
    Optimizer opt = OptimizerRegistry.create(name.toUpperCase(Locale.ROOT));
    assertThat(opt.name()).isEqualTo(name);
    assertThat(opt.v1PassesDefaultLr()).isEqualTo(v1PassesLr);
    assertThat(opt.rowLocal()).isEqualTo(rowLocal);
    assertThat(opt.readsLrBeforeCount()).isFalse();
    assertThat(opt.copy().hyperparams().values()).isEqualTo(opt.hyperparams().values());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "nag, 2.x, learning_rate, 0.1",
    "nag, 1.x, learning_rate, 0.01",
    "nag, 2.x, momentum, 0.9",
    "nag, 1.x, momentum, 0.0",
    "adagrad, 2.x, learning_rate, 0.01",
    "adagrad, 2.x, epsilon, 1e-6",
    "adagrad, 1.x, epsilon, 1e-7",
    "rmsprop, 2.x, learning_rate, 0.001",
    "rmsprop, 1.x, rho, 0.9",
    "rmsprop, 1.x, momentum, 0.9",
    "rmsprop, 2.x, epsilon, 1e-8",
    "adadelta, 2.x, learning_rate, 1.0",
    "adadelta, 2.x, epsilon, 1e-6",
    "adadelta, 1.x, epsilon, 1e-5",
    "adam, 1.x, learning_rate, 0.001",
    "adam, 2.x, beta2, 0.999",
    "adamax, 1.x, learning_rate, 0.002",
    "nadam, 2.x, schedule_decay, 0.004",
    "lamb, 2.x, epsilon, 1e-6",
    "lamb, 1.x, learning_rate, 0.001",
  })
  void defaultsPerVersion(String name, String version, String param, double expected) {
    Hyperparams hp = OptimizerRegistry.create(name, Map.of("version", version)).hyperparams();
    assertThat(hp.real(param)).isEqualTo(expected);
  }

  @Test
  void booleanAndNoneDefaults() {
    assertThat(OptimizerRegistry.create("adam").hyperparams().bool("lazy_update")).isFalse();
    assertThat(
            OptimizerRegistry.create("adam", Map.of("version", "1.x"))
                .hyperparams()
                .bool("lazy_update"))
        .isTrue();
    Hyperparams rms = OptimizerRegistry.create("rmsprop").hyperparams();
    assertThat(rms.bool("centered")).isFalse();
    assertThat(rms.isNone("clip_weights")).isTrue();
    Hyperparams lamb = OptimizerRegistry.create("lamb").hyperparams();
    assertThat(lamb.isNone("lower_bound")).isTrue();
    assertThat(lamb.isNone("upper_bound")).isTrue();
    assertThat(lamb.bool("bias_correction")).isTrue();
  }

  @Test
  void stateArrays() {
    assertThat(OptimizerRegistry.create("nag").stateNames()).containsExactly("mom");
    assertThat(OptimizerRegistry.create("nag", Map.of("version", "1.x")).stateNames()).isEmpty();
    assertThat(OptimizerRegistry.create("adagrad").stateNames()).containsExactly("history");
    assertThat(OptimizerRegistry.create("rmsprop").stateNames()).containsExactly("var");
    assertThat(OptimizerRegistry.create("rmsprop", Map.of("centered", true)).stateNames())
        .containsExactly("mean", "var", "delta");
    assertThat(OptimizerRegistry.create("adadelta").stateNames())
        .containsExactly("acc_g", "acc_delta");
    assertThat(OptimizerRegistry.create("adam").stateNames()).containsExactly("mean", "var");
    assertThat(OptimizerRegistry.create("adamax").stateNames()).containsExactly("mean", "u");
    assertThat(OptimizerRegistry.create("nadam").stateNames()).containsExactly("mean", "var");
    assertThat(OptimizerRegistry.create("lamb").stateNames()).containsExactly("mean", "var");
    for (String n : List.of("nag", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "lamb")) {
      assertThat(OptimizerRegistry.create(n).globalNames()).as(n).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"adam, 0.001", "rmsprop, 0.001", "adamax, 0.002", "nadam, 0.001", "lamb, 0.001"})
  void v1DefaultLrOverwritesSchedulerBase(String name, double defaultLr) {
    LrScheduler fs =
        LrSchedulers.create("factor", Map.of("step", 5, "factor", 0.5, "base_lr", 1.0));
    new Updater(OptimizerRegistry.create(name, Map.of("version", "1.x")), fs);
    assertThat(fs.baseLr()).isEqualTo(defaultLr);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"nag", "adagrad", "adadelta"})
  void v1SchedulerBaseIsKept(String name) {
    LrScheduler fs =
        LrSchedulers.create("factor", Map.of("step", 5, "factor", 0.5, "base_lr", 1.0));
    new Updater(OptimizerRegistry.create(name, Map.of("version", "1.x")), fs);
    assertThat(fs.baseLr()).isEqualTo(1.0);
  }

  @Test
  void nagIsSutskeverNesterovAtTheLookAheadPoint() {
    // theta, v: Sutskever et al. 2013; MXNet's iterate is w = theta + mu*v
    double lr = 0.1;
    double mu = 0.8;
    double theta = 2.0;
    double v = 0.0;
    Optimizer opt = OptimizerRegistry.create("nag", Map.of("learning_rate", lr, "momentum", mu));
    Updater up = new Updater(opt);
    Store w = Store.of(new double[] {theta});
    ParamState s = up.createState(w);
    for (int k = 0; k < 15; k++) {
      double gLook = 3.0 * (theta + mu * v) - 1.0;
      v = mu * v - lr * gLook;
      theta = theta + v;
      up.update(0, w, s, new double[] {3.0 * w.get(0) - 1.0});
      assertThat(w.get(0)).as("step %d", k + 1).isCloseTo(theta + mu * v, within(1e-12));
    }
  }

  @Test
  void nagWithoutMomentumIsSgd() {
    Map<String, Object> hp = Map.of("learning_rate", 0.1, "momentum", 0.0, "wd", 0.02);
    double[] nag = trajectory("nag", hp, new double[] {1.0, -2.0}, 10);
    double[] sgd = trajectory("sgd", hp, new double[] {1.0, -2.0}, 10);
    assertThat(nag).containsExactly(sgd);
  }

  @Test
  void rmspropClipWeightsZeroOrNegativeIsOff() {
    double[] w0 = {1.0, -2.0, 0.1};
    for (boolean centered : new boolean[] {false, true}) {
      Map<String, Object> base = new HashMap<>(Map.of("learning_rate", 0.05, "centered", centered));
      double[] off = trajectory("rmsprop", base, w0, 8);
      for (double cw : new double[] {0.0, -1.0}) {
        Map<String, Object> hp = new HashMap<>(base);
        hp.put("clip_weights", cw);
        assertThat(trajectory("rmsprop", hp, w0, 8)).as("clip_weights=%s", cw).containsExactly(off);
      }
      Map<String, Object> hp = new HashMap<>(base);
      hp.put("clip_weights", 0.4);
      double[] clipped = trajectory("rmsprop", hp, w0, 1);
      assertThat(clipped[0]).isEqualTo(0.4);
      assertThat(clipped[1]).isEqualTo(-0.4);
      assertThat(Math.abs(clipped[2])).isLessThan(0.4);
    }
  }

  @Test
  void rmspropV1PlainPutsEpsilonInsideTheRoot() {
    Map<String, Object> hp = Map.of("learning_rate", 0.1, "epsilon", 0.5, "rho", 0.0);
    Map<String, Object> hp1 = new HashMap<>(hp);
    hp1.put("version", "1.x");
    // rho = 0: n = g'^2 = 0.25 with g' = 0.5 (w0 = 1, gradient 1*(1 - 0.5))
    assertThat(trajectory("rmsprop", hp, new double[] {1.0}, 1)[0])
        .isCloseTo(1.0 - 0.1 * 0.5 / (0.5 + 0.5), within(1e-15));
    assertThat(trajectory("rmsprop", hp1, new double[] {1.0}, 1)[0])
        .isCloseTo(1.0 - 0.1 * 0.5 / Math.sqrt(0.25 + 0.5), within(1e-15));
  }

  @Test
  void adadeltaV1IgnoresTheLearningRate() {
    double[] w0 = {1.0, -2.0};
    double[] a =
        trajectory("adadelta", Map.of("version", "1.x", "learning_rate", 1.0, "wd", 0.1), w0, 6);
    double[] b =
        trajectory("adadelta", Map.of("version", "1.x", "learning_rate", 0.01, "wd", 0.1), w0, 6);
    assertThat(b).containsExactly(a);
    double[] c = trajectory("adadelta", Map.of("learning_rate", 0.01, "wd", 0.1), w0, 6);
    double[] d = trajectory("adadelta", Map.of("learning_rate", 1.0, "wd", 0.1), w0, 6);
    assertThat(c).isNotEqualTo(d);
  }

  @Test
  void adamaxV1HasNoEpsilonSoAZeroGradientGivesNaN() {
    // element 0 sits at the optimum 0.5, so its gradient is exactly 0
    double[] v1 = trajectory("adamax", Map.of("version", "1.x"), new double[] {0.5, 1.0}, 1);
    assertThat(v1[0]).isNaN();
    assertThat(v1[1]).isFinite();
    double[] v2 = trajectory("adamax", Map.of(), new double[] {0.5, 1.0}, 1);
    assertThat(v2[0]).isEqualTo(0.5);
  }

  @Test
  void adamEpsilonIsNotBiasCorrected() {
    // Adam's w -= lr_t*m/(sqrt(v) + eps) equals the paper's lr*m^/(sqrt(v^) + eps/sqrt(1-b2^t))
    double lr = 0.05;
    double eps = 0.3;
    double w = 1.0;
    double m = 0;
    double v = 0;
    for (int t = 1; t <= 4; t++) {
      double g = w - 0.5;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      double mHat = m / (1 - Math.pow(0.9, t));
      double vHat = v / (1 - Math.pow(0.999, t));
      w = w - lr * mHat / (Math.sqrt(vHat) + eps / Math.sqrt(1 - Math.pow(0.999, t)));
    }
    double[] got =
        trajectory("adam", Map.of("learning_rate", lr, "epsilon", eps), new double[] {1.0}, 4);
    assertThat(got[0]).isCloseTo(w, within(1e-12));
  }
}
