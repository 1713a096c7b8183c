package io.riffle.optim.tools;

import io.riffle.optim.Store;
import io.riffle.optim.svrg.GradientSource;

/**
 * The reference's SVRG test problem ({@code linreg_batch_grad}): MXNet's {@code
 * FullyConnected(no_bias)} + {@code LinearRegressionOutput}, whose per-example gradient is {@code
 * (x_i.w - y_i) x_i}, summed over the batch. Dense rows; memory {@code n*(d+1)} doubles.
 */
public final class LinearRegression implements GradientSource {
  private final double[][] x;
  private final double[] y;
  private final int d;

  /** Examples {@code x[i]} (all of length {@code d}) with targets {@code y[i]}; not copied. */
  public LinearRegression(double[][] x, double[] y) {
    if (x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException(
          "need the same positive number of rows and targets, got "
              + x.length
              + " and "
              + y.length);
    }
    this.x = x;
    this.y = y;
    this.d = x[0].length;
  }

  /**
   * The reference's {@code svrg} command data: 50 examples of 3 features, {@code X} row-major from
   * {@code SplitMix64(seed).sym()}, then {@code y = X.(1, -2, 0.5) + 0.1*sym()} per example.
   */
  public static LinearRegression referenceData(long seed) {
    io.riffle.optim.random.SplitMix64 r = new io.riffle.optim.random.SplitMix64(seed);
    int n = 50;
    double[] wTrue = {1.0, -2.0, 0.5};
    double[][] x = new double[n][3];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = r.sym();
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = dot(x[i], wTrue);
    }
    // noise is drawn after all of X, in example order
    for (int i = 0; i < n; i++) {
      y[i] = y[i] + 0.1 * r.sym();
    }
    return new LinearRegression(x, y);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  @Override
  public int dimension() {
    return d;
  }

  @Override
  public int examples() {
    return y.length;
  }

  @Override
  public void batchGradient(Store w, int[] examples, int count, double[] out) {
    java.util.Arrays.fill(out, 0, d, 0.0);
    for (int k = 0; k < count; k++) {
      double[] xi = x[examples[k]];
      double pred = 0;
      for (int j = 0; j < d; j++) {
        pred += xi[j] * w.get(j);
      }
      double res = pred - y[examples[k]];
      for (int j = 0; j < d; j++) {
        out[j] += xi[j] * res;
      }
    }
  }

  /** Half the mean squared error, {@code 0.5 * mean((Xw - y)^2)} (the command's {@code mse/2}). */
  public double halfMse(double[] w) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      double e = dot(x[i], w) - y[i];
      s += e * e;
    }
    return 0.5 * (s / y.length);
  }
}
