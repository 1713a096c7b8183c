package io.riffle.store.posterior;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.Precision;
import io.riffle.optim.random.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calibration of the lazy control-variate SGLD chain on synthetic logistic streams with known
 * weights, driven as a model drives it (window = every example so far, anchor moved to the
 * posterior mean every N/8 examples): the 90% credible interval of the predicted probability must
 * cover the true probability for 85-95% of held-out points, and narrow as data grows. Seeded, so
 * deterministic.
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

  /** Trains on {@code n} examples; returns {covered, mean interval width} on {@code m} held-out. */
  private static double[] run(int n, long seed, int m) {
    PosteriorSpec spec = PosteriorSpec.defaults();
    SgldChain chain = new SgldChain(spec, 0, 1, D, 1, Precision.FLOAT32, 0.25);
    SplitMix64 r = new SplitMix64(seed);
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    double[] cv = new double[1];
    double[] theta = new double[D];
    double[] anchor = new double[D];
    long nextAnchor = 64;
    long s = 0;
    for (int i = 1; i <= n; i++) {
      double[] x = features(r);
      double y = r.uniform() < sigmoid(dot(TRUE_W, x)) ? 1 : 0;
      xs.add(x);
      ys.add(y);
      s++;
      double nEff = i;
      for (int j = 0; j < D; j++) {
        chain.catchUp(j, s, nEff);
        theta[j] = chain.value(j, 0, s, nEff);
        anchor[j] = chain.anchorValue(j, 0);
      }
      double ga = sigmoid(dot(anchor, x)) - y;
      double gw = sigmoid(dot(theta, x)) - y;
      for (int j = 0; j < D; j++) {
        chain.addFullGradient(j, 0, ga * x[j]);
        cv[0] = nEff * (gw - ga) * x[j];
        chain.step(j, s, nEff, x[j] * x[j], cv, 0);
      }
      if (i == nextAnchor) {
        nextAnchor = i + Math.max(64, i / 8);
        chain.reanchor(s + 1, nEff);
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
    double[] mv = new double[2];
    int covered = 0;
    double width = 0;
    for (int t = 0; t < m; t++) {
      double[] x = features(r);
      double mu = 0;
      double v = 0;
      for (int j = 0; j < D; j++) {
        chain.moments(j, 0, s, n, mv);
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
    return new double[] {covered, width / m};
  }

  @Test
  void ninetyPercentIntervalCoversTrueProbabilityAndNarrowsWithData() {
    // the intervals of one data set are strongly correlated across its held-out points (they share
    // one posterior), so pool independent data sets
    int sets = 16;
    int m = 100;
    double coveredSmall = 0;
    double coveredLarge = 0;
    double widthSmall = 0;
    double widthLarge = 0;
    for (int k = 0; k < sets; k++) {
      double[] small = run(2_000, 100 + k, m);
      double[] large = run(20_000, 100 + k, m);
      coveredSmall += small[0];
      widthSmall += small[1] / sets;
      coveredLarge += large[0];
      widthLarge += large[1] / sets;
    }
    double covSmall = coveredSmall / (sets * m);
    double covLarge = coveredLarge / (sets * m);
    System.out.printf(
        "SGLD calibration: n=2000 coverage %.3f width %.4f; n=20000 coverage %.3f width %.4f%n",
        covSmall, widthSmall, covLarge, widthLarge);
    assertThat(covLarge).isBetween(0.85, 0.95);
    assertThat(widthLarge).isLessThan(widthSmall * 0.6);
  }
}
