package io.riffle.store.refine;

/**
 * Limited-memory BFGS (Nocedal, "Updating quasi-Newton matrices with limited storage", Math. Comp.
 * 1980; two-loop recursion as in Nocedal and Wright, "Numerical Optimization", Alg. 7.4) with a
 * backtracking Armijo line search, and its orthant-wise extension OWL-QN for an added {@code
 * l1*|w|_1} (Andrew and Gao, "Scalable training of L1-regularized log-linear models", ICML 2007):
 * the pseudo-gradient replaces the gradient, the direction is constrained to agree in sign with the
 * negative pseudo-gradient, and every trial point is projected onto the orthant of the current
 * point (coordinates that would cross zero stay exactly zero). The curvature pairs use the smooth
 * part's gradients only.
 *
 * <p>Memory: {@code (2m + 6) * n} doubles, allocated by the constructor; {@link #minimize}
 * allocates nothing. Not thread-safe.
 */
final class Lbfgs {
  /** The smooth part of the objective. */
  interface Objective {
    /** Writes the gradient at {@code w} into {@code grad} and returns the value. */
    double valueAndGradient(double[] w, double[] grad);
  }

  /**
   * The end of a run.
   *
   * @param iterations iterations taken
   * @param value final objective (smooth part plus L1)
   * @param converged whether a tolerance was met (rather than the iteration limit)
   */
  record Outcome(int iterations, double value, boolean converged) {}

  private static final double ARMIJO = 1e-4;
  private static final int MAX_BACKTRACKS = 60;

  private final int n;
  private final int m;
  private final double[][] s;
  private final double[][] y;
  private final double[] rho;
  private final double[] alpha;
  private final double[] g;
  private final double[] pg;
  private final double[] d;
  private final double[] wNew;
  private final double[] gNew;
  private final double[] orthant;

  Lbfgs(int n, int m) {
    this.n = n;
    this.m = m;
    this.s = new double[m][n];
    this.y = new double[m][n];
    this.rho = new double[m];
    this.alpha = new double[m];
    this.g = new double[n];
    this.pg = new double[n];
    this.d = new double[n];
    this.wNew = new double[n];
    this.gNew = new double[n];
    this.orthant = new double[n];
  }

  /**
   * Minimises {@code f(w) + l1*|w|_1} from {@code w} (updated in place; on return the best point
   * found, always finite if the start was).
   */
  Outcome minimize(Objective f, double[] w, double l1, int maxIterations, double tolerance) {
    double fx = f.valueAndGradient(w, g) + l1 * norm1(w);
    if (!Double.isFinite(fx)) {
      return new Outcome(0, fx, false);
    }
    pseudoGradient(w, g, l1, pg);
    int stored = 0;
    int newest = -1;
    for (int it = 1; it <= maxIterations; it++) {
      if (norm2(pg) <= tolerance * Math.max(1, norm2(w))) {
        return new Outcome(it - 1, fx, true);
      }
      direction(stored, newest);
      if (l1 > 0) {
        for (int i = 0; i < n; i++) {
          if (d[i] * pg[i] >= 0) {
            d[i] = 0;
          }
        }
      }
      double slope = dot(pg, d);
      if (!(slope < 0)) {
        // no descent along the quasi-Newton direction: restart from steepest descent
        stored = 0;
        newest = -1;
        direction(0, -1);
        slope = dot(pg, d);
        if (!(slope < 0)) {
          return new Outcome(it - 1, fx, true);
        }
      }
      for (int i = 0; i < n; i++) {
        orthant[i] = w[i] != 0 ? Math.signum(w[i]) : Math.signum(-pg[i]);
      }
      double step = 1;
      double fNew = Double.NaN;
      boolean accepted = false;
      for (int bt = 0; bt < MAX_BACKTRACKS; bt++) {
        for (int i = 0; i < n; i++) {
          double v = w[i] + step * d[i];
          if (l1 > 0 && Math.signum(v) != orthant[i]) {
            v = 0;
          }
          wNew[i] = v;
        }
        fNew = f.valueAndGradient(wNew, gNew) + l1 * norm1(wNew);
        double decrease = 0;
        for (int i = 0; i < n; i++) {
          decrease += pg[i] * (wNew[i] - w[i]);
        }
        if (Double.isFinite(fNew) && fNew <= fx + ARMIJO * decrease) {
          accepted = true;
          break;
        }
        step *= 0.5;
      }
      if (!accepted) {
        if (stored > 0) {
          // a stale curvature model can give a bad direction; retry once from steepest descent
          stored = 0;
          newest = -1;
          continue;
        }
        return new Outcome(it - 1, fx, true);
      }
      int slot = (newest + 1) % m;
      double sy = 0;
      double yy = 0;
      for (int i = 0; i < n; i++) {
        double si = wNew[i] - w[i];
        double yi = gNew[i] - g[i];
        s[slot][i] = si;
        y[slot][i] = yi;
        sy += si * yi;
        yy += yi * yi;
      }
      if (sy > 1e-12 * yy && yy > 0) {
        rho[slot] = 1 / sy;
        newest = slot;
        stored = Math.min(stored + 1, m);
      }
      double rel = (fx - fNew) / Math.max(1, Math.abs(fx));
      System.arraycopy(wNew, 0, w, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      pseudoGradient(w, g, l1, pg);
      if (rel < tolerance) {
        return new Outcome(it, fx, true);
      }
    }
    return new Outcome(maxIterations, fx, false);
  }

  /** {@code d = -H pg} by the two-loop recursion over the {@code stored} newest pairs. */
  private void direction(int stored, int newest) {
    System.arraycopy(pg, 0, d, 0, n);
    int k = newest;
    for (int c = 0; c < stored; c++) {
      double a = rho[k] * dot(s[k], d);
      alpha[k] = a;
      axpy(-a, y[k], d);
      k = k == 0 ? m - 1 : k - 1;
    }
    double gamma;
    if (stored > 0) {
      gamma = 1 / (rho[newest] * dot(y[newest], y[newest]));
    } else {
      // first step (or restart): unit length, so the line search starts at a sane scale
      double norm = norm2(pg);
      gamma = norm > 0 ? 1 / norm : 1;
    }
    for (int i = 0; i < n; i++) {
      d[i] *= gamma;
    }
    k = (newest - stored + 1 + m) % m;
    for (int c = 0; c < stored; c++) {
      double b = rho[k] * dot(y[k], d);
      axpy(alpha[k] - b, s[k], d);
      k = (k + 1) % m;
    }
    for (int i = 0; i < n; i++) {
      d[i] = -d[i];
    }
  }

  /** OWL-QN's pseudo-gradient of {@code f + l1*|w|_1}; the gradient itself when {@code l1 = 0}. */
  static void pseudoGradient(double[] w, double[] g, double l1, double[] out) {
    for (int i = 0; i < w.length; i++) {
      if (l1 == 0) {
        out[i] = g[i];
      } else if (w[i] > 0) {
        out[i] = g[i] + l1;
      } else if (w[i] < 0) {
        out[i] = g[i] - l1;
      } else if (g[i] + l1 < 0) {
        out[i] = g[i] + l1;
      } else if (g[i] - l1 > 0) {
        out[i] = g[i] - l1;
      } else {
        out[i] = 0;
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double r = 0;
    for (int i = 0; i < a.length; i++) {
      r += a[i] * b[i];
    }
    return r;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double norm2(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static double norm1(double[] a) {
    double r = 0;
    for (double v : a) {
      r += Math.abs(v);
    }
    return r;
  }
}
