package io.riffle.store.posterior;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.Precision;
import io.riffle.optim.random.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calibration of the lazy control-variate SGLD chain on a synthetic logistic stream with known
 * weights, driven exactly as a model drives it (window = every example so far, anchor moved to the
 * posterior mean at doubling intervals): the 90% credible interval of the predicted probability
 * must cover the true probability for 85-95% of held-out points, and narrow as data grows. Seeded,
 * so deterministic.
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

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Trains on {@code n} examples; returns {coverage, mean interval width} on 400 held-out. */
  private static double[] run(int n, long seed) {
    PosteriorSpec d0 = PosteriorSpec.defaults();
    PosteriorSpec spec =
        new PosteriorSpec(
            1,
            1,
            Double.parseDouble(System.getProperty("c", "0.5")),
            0,
            1e6,
            d0.burnIn(),
            Double.parseDouble(System.getProperty("h", "0.25")),
            5);
    SgldChain chain = new SgldChain(spec, 0, 1, D, 1, Precision.FLOAT32);
    SplitMix64 r = new SplitMix64(seed);
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    double[] cv = new double[1];
    double[] theta = new double[D];
    double[] anchor = new double[D];
    long nextAnchor = 64;
    long s = 0;
    double[] sum = new double[D];
    double[] sum2 = new double[D];
    int cnt = 0;
    for (int i = 1; i <= n; i++) {
      if (i > n * 3 / 4) {
        for (int j = 0; j < D; j++) {
          double v = chain.value(j, 0, s + 1, spec.eta(spec.effectiveN(i)));
          sum[j] += v;
          sum2[j] += v * v;
        }
        cnt++;
      }
      double[] x = features(r);
      double y = r.uniform() < sigmoid(dot(TRUE_W, x)) ? 1 : 0;
      xs.add(x);
      ys.add(y);
      s++;
      double nEff = spec.effectiveN(i);
      double eta = spec.eta(nEff);
      for (int j = 0; j < D; j++) {
        chain.catchUp(j, s, eta, nEff);
        theta[j] = chain.value(j, 0, s, eta);
        anchor[j] = chain.anchorValue(j, 0);
      }
      double ga = sigmoid(dot(anchor, x)) - y;
      double gw = sigmoid(dot(theta, x)) - y;
      for (int j = 0; j < D; j++) {
        chain.addFullGradient(j, 0, ga * x[j]);
        cv[0] = nEff * (gw - ga) * x[j];
        chain.step(j, s, eta, nEff, cv, 0);
      }
      if (i == nextAnchor) {
        nextAnchor =
            i + Math.max(64, (long) (i * Double.parseDouble(System.getProperty("ra", "1.0"))));
        chain.reanchor(s + 1, eta, nEff);
        for (int j = 0; j < D; j++) {
          anchor[j] = chain.anchorValue(j, 0);
        }
        for (int t = 0; t < xs.size(); t++) {
          double g = sigmoid(dot(anchor, xs.get(t))) - ys.get(t);
          for (int j = 0; j < D; j++) {
            chain.addFullGradient(j, 0, g * xs.get(t)[j]);
          }
        }
      }
    }
    double eta = spec.eta(spec.effectiveN(n));
    double[] mv = new double[2];
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
    for (int j = 0; j < D; j++) {
      double mm = sum[j] / cnt;
      System.out.printf(
          "raw chain last quarter w%d mean %.4f sd %.4f%n",
          j, mm, Math.sqrt(sum2[j] / cnt - mm * mm));
    }
    double[][] h = new double[D][D];
    for (int t = 0; t < xs.size(); t++) {
      double[] x = xs.get(t);
      double p = sigmoid(dot(TRUE_W, x));
      for (int a = 0; a < D; a++) {
        for (int b = 0; b < D; b++) {
          h[a][b] += p * (1 - p) * x[a] * x[b];
        }
      }
    }
    for (int j = 0; j < D; j++) {
      System.out.printf("laplace-diag sd w%d %.4f%n", j, 1 / Math.sqrt(h[j][j] + 1));
    }
    for (int j = 0; j < D; j++) {
      chain.moments(j, 0, s, eta, mv);
      System.out.printf(
          "n=%d w%d true %.3f mean %.4f sd %.4f%n", n, j, TRUE_W[j], mv[0], Math.sqrt(mv[1]));
    }
    return new double[] {covered / (double) m, width / m};
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
