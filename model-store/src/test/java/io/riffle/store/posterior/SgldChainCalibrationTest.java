package io.riffle.store.posterior;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.Precision;
import io.riffle.optim.random.SplitMix64;
import org.junit.jupiter.api.Test;

/**
 * Calibration of the lazy SGLD chain on a synthetic logistic stream with known weights: the 90%
 * credible interval of the predicted probability (from the chain's running moments, Gaussian
 * margin) must cover the true probability for 85-95% of held-out points, and narrow with data.
 * Everything is seeded, so the test is deterministic.
 */
class SgldChainCalibrationTest {
  private static final int D = 6; // 5 features + bias (row 5)
  private static final double[] TRUE_W = {1.2, -0.8, 0.5, 0.0, -1.5, 0.3};

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double[] features(SplitMix64 r) {
    double[] x = new double[D];
    for (int j = 0; j < D - 1; j++) {
      x[j] = r.normal12();
    }
    x[D - 1] = 1.0;
    return x;
  }

  /** Trains on {@code n} examples; returns {coverage, mean interval width} on 400 held-out. */
  private static double[] run(int n, long seed) {
    PosteriorSpec spec = PosteriorSpec.defaults();
    SgldChain chain = new SgldChain(spec, 0, 1, D, 1, Precision.FLOAT32);
    SplitMix64 r = new SplitMix64(seed);
    double[] rg = new double[1];
    double[] theta = new double[D];
    long s = 0;
    for (int i = 1; i <= n; i++) {
      double[] x = features(r);
      double y = r.uniform() < sigmoid(dot(TRUE_W, x)) ? 1 : 0;
      s++;
      double nEff = spec.effectiveN(i);
      double eta = spec.eta(nEff);
      for (int j = 0; j < D; j++) {
        theta[j] = chain.value(j, 0, s, eta);
      }
      double g = sigmoid(dot(theta, x)) - y;
      for (int j = 0; j < D; j++) {
        rg[0] = nEff * g * x[j];
        chain.step(j, s, eta, nEff, rg, 0);
      }
    }
    double eta = spec.eta(spec.effectiveN(n));
    double[] mv = new double[2];
    for (int j = 0; j < D; j++) {
      chain.moments(j, 0, s, eta, mv);
      System.out.printf(
          "n=%d w%d true %.3f mean %.4f sd %.4f theta %.4f%n",
          n, j, TRUE_W[j], mv[0], Math.sqrt(mv[1]), chain.value(j, 0, s + 1, eta));
    }
    int covered = 0;
    double width = 0;
    int m = 400;
    for (int t = 0; t < m; t++) {
      double[] x = features(r);
      double mu = 0;
      double v = 0;
      for (int j = 0; j < D; j++) {
        chain.moments(j, 0, s, eta, mv);
        mu += x[j] * mv[0];
        v += x[j] * x[j] * mv[1];
      }
      double lo = sigmoid(mu - 1.6448536 * Math.sqrt(v));
      double hi = sigmoid(mu + 1.6448536 * Math.sqrt(v));
      double p = sigmoid(dot(TRUE_W, x));
      if (p >= lo && p <= hi) {
        covered++;
      }
      width += hi - lo;
    }
    return new double[] {covered / (double) m, width / m};
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void ninetyPercentIntervalCoversTrueProbabilityAndNarrowsWithData() {
    double[] small = run(2_000, 11);
    double[] large = run(20_000, 11);
    System.out.printf(
        "n=2000 coverage %.3f width %.4f; n=20000 coverage %.3f width %.4f%n",
        small[0], small[1], large[0], large[1]);
    assertThat(large[0]).isBetween(0.85, 0.95);
    assertThat(large[1]).isLessThan(small[1] * 0.6);
  }
}
