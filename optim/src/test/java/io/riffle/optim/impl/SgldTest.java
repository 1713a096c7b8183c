package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.opt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.riffle.optim.GaussianSource;
import io.riffle.optim.Optimizer;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.PolarGaussianSource;
import io.riffle.optim.random.SplitMix64;
import io.riffle.optim.tools.Problems;
import org.junit.jupiter.api.Test;

class SgldTest {

  @Test
  void seededChainIsReproducibleAndResumable() {
    Optimizer sgld = opt("sgld", "learning_rate=0.05 wd=0.2");
    double[] a = chain(sgld, new PolarGaussianSource(7), 100);
    double[] b = chain(sgld, new PolarGaussianSource(7), 100);
    double[] other = chain(sgld, new PolarGaussianSource(8), 100);
    assertThat(b).containsExactly(a);
    assertThat(other).isNotEqualTo(a);

    // stop after 40 steps, snapshot the updater (incl. the noise source) and resume elsewhere
    Updater up = new Updater(sgld).noise(new PolarGaussianSource(7));
    Store w = Fixtures.f64(1, -1, 0.5, 2, -3);
    ParamState st = up.createState(w);
    for (int k = 0; k < 40; k++) {
      up.update(0, w, st, grad(w));
    }
    Updater resumed = new Updater(sgld).noise(new PolarGaussianSource(12345));
    resumed.importState(up.exportState());
    Store w2 = w.copy();
    ParamState st2 = st.copy();
    for (int k = 40; k < 100; k++) {
      resumed.update(0, w2, st2, grad(w2));
    }
    assertThat(Fixtures.values(w2)).containsExactly(a);
  }

  private static double[] chain(Optimizer sgld, GaussianSource noise, int steps) {
    Updater up = new Updater(sgld).noise(noise);
    Store w = Fixtures.f64(1, -1, 0.5, 2, -3);
    ParamState st = up.createState(w);
    for (int k = 0; k < steps; k++) {
      up.update(0, w, st, grad(w));
    }
    return Fixtures.values(w);
  }

  private static double[] grad(Store w) {
    double[] g = new double[w.length()];
    for (int i = 0; i < g.length; i++) {
      g[i] = (i + 1) * w.get(i) - 1.0;
    }
    return g;
  }

  @Test
  void zeroNoiseEqualsSgdAtHalfTheRate() {
    // reference selftest: sgld(noise=0, lr=0.2, wd=0.1) == sgd(lr=0.1, wd=0.1)
    Problems.Problem prob = new Problems.Quadratic(13, 4);
    Updater sgld = new Updater(opt("sgld", "learning_rate=0.2 wd=0.1")).noise(() -> 0.0);
    Updater sgd = new Updater(opt("sgd", "learning_rate=0.1 wd=0.1"));
    Updater cold = new Updater(opt("sgld", "learning_rate=0.2 wd=0.1 temperature=0.0"));
    Store a = Fixtures.f64(prob.w0());
    Store b = Fixtures.f64(prob.w0());
    Store c = Fixtures.f64(prob.w0());
    ParamState sa = sgld.createState(a);
    ParamState sb = sgd.createState(b);
    ParamState sc = cold.createState(c);
    double[] g = new double[4];
    for (int k = 0; k < 15; k++) {
      prob.grad(Fixtures.values(a), g);
      sgld.update(0, a, sa, g);
      prob.grad(Fixtures.values(b), g);
      sgd.update(0, b, sb, g);
      prob.grad(Fixtures.values(c), g);
      cold.update(0, c, sc, g); // temperature 0 needs no noise source
      for (int i = 0; i < 4; i++) {
        assertThat(a.get(i)).isCloseTo(b.get(i), within(1e-14));
        assertThat(c.get(i)).isCloseTo(b.get(i), within(1e-14));
      }
    }
  }

  @Test
  void missingNoiseSourceIsAnError() {
    Updater up = new Updater(opt("sgld"));
    Store w = Fixtures.f64(1, 2);
    ParamState st = up.createState(w);
    assertThatThrownBy(() -> up.update(0, w, st, new double[] {1, 1}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("noise");
  }

  /**
   * A 1-D Gaussian target {@code N(3, 1/precision)}: the loss is {@code 0.5*precision*(w-3)^2}. The
   * chain is AR(1), {@code w-3 <- (1 - lr*p/2)(w-3) + sqrt(lr*T)*xi}, with stationary mean 3 and
   * variance {@code T/(p*(1 - lr*p/4))} (the discretisation bias is 1% here).
   */
  @Test
  void chainSamplesAOneDimensionalGaussian() {
    double precision = 4.0;
    double lr = 0.01;
    for (double temperature : new double[] {1.0, 0.25}) {
      Updater up =
          new Updater(opt("sgld", "learning_rate", lr, "temperature", temperature))
              .noise(new PolarGaussianSource(2024));
      double[] moments = sample(up, w -> precision * (w - 3.0), 5_000, 400_000);
      double var = temperature / (precision * (1 - lr * precision / 4));
      assertThat(moments[0]).as("mean at T=%s", temperature).isCloseTo(3.0, within(0.04));
      assertThat(moments[1]).as("variance at T=%s", temperature).isCloseTo(var, within(0.1 * var));
    }
  }

  /** {@code wd} is the precision of a zero-mean Gaussian prior: a flat likelihood samples it. */
  @Test
  void weightDecayIsThePriorPrecision() {
    Updater up =
        new Updater(opt("sgld", "learning_rate=0.01 wd=2.0")).noise(new PolarGaussianSource(99));
    double[] moments = sample(up, w -> 0.0, 5_000, 400_000);
    double var = 1.0 / (2.0 * (1 - 0.01 * 2.0 / 4));
    assertThat(moments[0]).isCloseTo(0.0, within(0.05));
    assertThat(moments[1]).isCloseTo(var, within(0.1 * var));
  }

  /**
   * Bayesian mean of {@code N} unit-variance observations with a Gaussian prior of precision {@code
   * wd}, sampled with minibatches of {@code B} summed gradients and {@code rescale_grad = N/B}: the
   * posterior is {@code N(sum(x)/(N + wd), 1/(N + wd))}.
   */
  @Test
  void minibatchChainWithRescaleNOverBSamplesThePosterior() {
    int n = 100;
    int batch = 10;
    double wd = 5.0;
    SplitMix64 data = new SplitMix64(17);
    double[] x = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      x[i] = 1.5 + 2.0 * data.sym();
      sum += x[i];
    }
    SplitMix64 pick = new SplitMix64(18);
    Updater up =
        new Updater(
                opt("sgld", "learning_rate", 1e-4, "wd", wd, "rescale_grad", (double) n / batch))
            .noise(new PolarGaussianSource(19));
    double[] moments =
        sample(
            up,
            w -> {
              double g = 0;
              for (int b = 0; b < batch; b++) {
                g += w - x[(int) (pick.uniform() * n)];
              }
              return g;
            },
            20_000,
            1_000_000);
    double postMean = sum / (n + wd);
    double postVar = 1.0 / (n + wd);
    assertThat(moments[0]).isCloseTo(postMean, within(0.3 * Math.sqrt(postVar)));
    assertThat(moments[1]).isCloseTo(postVar, within(0.15 * postVar));
  }

  private interface Grad1 {
    double at(double w);
  }

  /** Mean and variance of a 1-D chain after {@code burnIn} steps. */
  private static double[] sample(Updater up, Grad1 grad, int burnIn, int steps) {
    Store w = Fixtures.f64(0.0);
    ParamState st = up.createState(w);
    double[] g = new double[1];
    double mean = 0;
    double m2 = 0;
    for (int k = 0; k < burnIn + steps; k++) {
      g[0] = grad.at(w.get(0));
      up.update(0, w, st, g);
      if (k >= burnIn) {
        int i = k - burnIn + 1;
        double d = w.get(0) - mean;
        mean += d / i;
        m2 += d * (w.get(0) - mean);
      }
    }
    return new double[] {mean, m2 / (steps - 1)};
  }
}
