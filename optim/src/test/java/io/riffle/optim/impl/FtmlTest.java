package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.opt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.tools.Problems;
import org.junit.jupiter.api.Test;

class FtmlTest {

  /** With beta1 = 0 FTML is {@code w -= lr*g'/(sqrt(v/(1-beta2^t)) + eps)} (OPTIMIZERS.md 4.14). */
  @Test
  void beta1ZeroIsBiasCorrectedRmsScaling() {
    double lr = 0.05;
    double b2 = 0.9;
    double eps = 1e-3;
    double wd = 0.02;
    Problems.Problem prob = new Problems.Quadratic(3, 4);
    Updater up =
        new Updater(
            opt("ftml", "learning_rate", lr, "beta1", 0.0, "beta2", b2, "epsilon", eps, "wd", wd));
    Store w = Fixtures.f64(prob.w0());
    ParamState st = up.createState(w);
    assertThat(st.names()).containsExactly("d", "v", "z");
    double[] u = prob.w0();
    double[] v = new double[4];
    double[] g = new double[4];
    for (int t = 1; t <= 12; t++) {
      prob.grad(Fixtures.values(w), g);
      up.update(0, w, st, g);
      prob.grad(u, g);
      for (int i = 0; i < 4; i++) {
        double gp = g[i] + wd * u[i];
        v[i] = b2 * v[i] + (1 - b2) * gp * gp;
        u[i] -= lr * gp / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
      }
      assertThat(Fixtures.values(w)).as("t=%d", t).containsExactly(u, within(1e-12));
    }
  }
}
