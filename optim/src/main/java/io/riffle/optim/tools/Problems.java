package io.riffle.optim.tools;

import io.riffle.optim.random.SplitMix64;

/**
 * The reference's portable test problems (OPTIMIZERS.md 9.2), generated from {@link SplitMix64} in
 * the same draw order, so Java and the NumPy reference see the same data bit for bit.
 */
public final class Problems {
  private Problems() {}

  /** A differentiable test objective. */
  public interface Problem {
    /** Starting point (a fresh copy). */
    double[] w0();

    /** Objective value. */
    double loss(double[] w);

    /** Gradient, written into {@code out}. */
    void grad(double[] w, double[] out);
  }

  /** Builds {@code quadratic} or {@code logistic}. */
  public static Problem make(String kind, long seed) {
    return switch (kind) {
      case "quadratic" -> new Quadratic(seed, 4);
      case "logistic" -> new Logistic(seed, 32, 4);
      default ->
          throw new IllegalArgumentException(
              "problem=" + kind + " is unknown; expected quadratic or logistic");
    };
  }

  /** {@code f(w) = w'Aw/2 - b'w}, {@code A = M'M/d + I/2}; draws: M row-major, b, w0. */
  public static final class Quadratic implements Problem {
    final int d;
    final double[][] a;
    final double[] b;
    final double[] w0;

    public Quadratic(long seed, int d) {
      SplitMix64 r = new SplitMix64(seed);
      this.d = d;
      double[][] m = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          m[i][j] = r.sym();
        }
      }
      a = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double s = 0;
          for (int k = 0; k < d; k++) {
            s += m[k][i] * m[k][j];
          }
          a[i][j] = s / d + (i == j ? 0.5 : 0.0);
        }
      }
      b = new double[d];
      for (int i = 0; i < d; i++) {
        b[i] = r.sym();
      }
      w0 = new double[d];
      for (int i = 0; i < d; i++) {
        w0[i] = 2.0 * r.sym();
      }
    }

    @Override
    public double[] w0() {
      return w0.clone();
    }

    @Override
    public double loss(double[] w) {
      double q = 0;
      double lin = 0;
      for (int i = 0; i < d; i++) {
        double aw = 0;
        for (int j = 0; j < d; j++) {
          aw += a[i][j] * w[j];
        }
        q += w[i] * aw;
        lin += b[i] * w[i];
      }
      return 0.5 * q - lin;
    }

    @Override
    public void grad(double[] w, double[] out) {
      for (int i = 0; i < d; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += a[i][j] * w[j];
        }
        out[i] = s - b[i];
      }
    }
  }

  /** Mean log loss on n points; draws: X row-major, w_true, label noise, w0. */
  public static final class Logistic implements Problem {
    final int n;
    final int d;
    final double[][] x;
    final double[] y;
    final double[] w0;

    public Logistic(long seed, int n, int d) {
      SplitMix64 r = new SplitMix64(seed);
      this.n = n;
      this.d = d;
      x = new double[n][d];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          x[i][j] = r.sym();
        }
      }
      double[] wTrue = new double[d];
      for (int j = 0; j < d; j++) {
        wTrue[j] = 2.0 * r.sym();
      }
      double[] noise = new double[n];
      for (int i = 0; i < n; i++) {
        noise[i] = 0.5 * r.sym();
      }
      y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = dot(x[i], wTrue) + noise[i] > 0 ? 1.0 : 0.0;
      }
      w0 = new double[d];
      for (int j = 0; j < d; j++) {
        w0[j] = 0.1 * r.sym();
      }
    }

    private static double dot(double[] a, double[] b) {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += a[i] * b[i];
      }
      return s;
    }

    @Override
    public double[] w0() {
      return w0.clone();
    }

    @Override
    public double loss(double[] w) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        double z = dot(x[i], w);
        double logAddExp = Math.max(0, z) + Math.log1p(Math.exp(-Math.abs(z)));
        s += logAddExp - y[i] * z;
      }
      return s / n;
    }

    @Override
    public void grad(double[] w, double[] out) {
      java.util.Arrays.fill(out, 0);
      for (int i = 0; i < n; i++) {
        double p = 1.0 / (1.0 + Math.exp(-dot(x[i], w)));
        for (int j = 0; j < d; j++) {
          out[j] += x[i][j] * (p - y[i]);
        }
      }
      for (int j = 0; j < d; j++) {
        out[j] /= n;
      }
    }
  }
}
