package io.riffle.optim.yellowfin;

/**
 * Closed-loop momentum control for asynchronous training (Zhang and Mitliagkas, arXiv:1706.03471,
 * section on closed-loop YellowFin; OPTIMIZERS.md 7.6). Staleness {@code tau} adds implicit
 * momentum, so the total momentum {@code mu_T} exceeds the algorithmic momentum {@code mu_G} the
 * server applies; this controller measures {@code mu_T} and steers {@code mu_G} until {@code mu_T}
 * matches YellowFin's target {@code mu*}.
 *
 * <p><b>Measurement</b> ({@link #measure}): from three consecutive iterates a worker observed,
 * {@code x_c = x_{t-tau-2}}, {@code x_b = x_{t-tau-1}}, {@code x_a = x_{t-tau}}, and the stochastic
 * gradient {@code g_b} it computed at {@code x_b}:
 *
 * <pre>
 *   mu_hat_T = median_j [ (x_a - x_b + lr*g_b)_j / (x_b - x_c)_j ]   over j with |x_b - x_c|_j &gt; tiny
 * </pre>
 *
 * <p>i.e. a per-coordinate fit of {@code x_{s+1} - x_s = mu_T (x_s - x_{s-1}) - lr grad f(x_s)} and
 * its robust centre. Coordinates with a (near-)zero denominator are dropped; if none is left the
 * measurement is absent ({@link #lastKept()} is 0 and the result NaN).
 *
 * <p><b>Feedback</b> ({@link #update}): {@code mu_G <- mu_G + gamma (mu* - mu_hat_T)}, skipped when
 * {@code mu_hat_T} is absent or not finite. {@code mu_G} starts at {@code mu_init}.
 *
 * <p>Call order per iteration: {@link #measure}, then {@link #update} with YellowFin's current
 * {@link YellowFin#mu()} as the target (or {@link #observe} for both); the server applies {@link
 * #muG()} (e.g. through {@link YellowFin#closedLoop}).
 *
 * <p><b>Memory:</b> one scratch array of the model's coordinate count (the median is a selection
 * over it), allocated at construction; {@link #measure} and {@link #update} allocate nothing.
 * Single-threaded.
 */
public final class ClosedLoopMomentum {
  /** The paper's feedback gain. */
  public static final double DEFAULT_GAMMA = 0.01;

  /** Denominators at or below this magnitude are dropped. */
  public static final double DEFAULT_TINY = 1e-12;

  private final double gamma;
  private final double tiny;
  private final double[] scratch;
  private double muG;
  private int kept;

  /** A controller for {@code dimension} coordinates with the defaults ({@code mu_init = 0}). */
  public ClosedLoopMomentum(int dimension) {
    this(dimension, DEFAULT_GAMMA, 0.0, DEFAULT_TINY);
  }

  /**
   * A controller.
   *
   * @param dimension total number of model coordinates a measurement runs over
   * @param gamma feedback gain
   * @param muInit initial {@code mu_G}
   * @param tiny smallest kept denominator magnitude (exclusive)
   */
  public ClosedLoopMomentum(int dimension, double gamma, double muInit, double tiny) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension=" + dimension + " must be >= 1");
    }
    if (!Double.isFinite(gamma) || !Double.isFinite(muInit) || !(tiny >= 0)) {
      throw new IllegalArgumentException(
          "gamma=" + gamma + ", mu_init=" + muInit + " must be finite and tiny=" + tiny + " >= 0");
    }
    this.gamma = gamma;
    this.tiny = tiny;
    this.muG = muInit;
    this.scratch = new double[dimension];
  }

  /**
   * Measures the total momentum over one array of coordinates.
   *
   * @param xA the newest iterate {@code x_{t-tau}}
   * @param xB {@code x_{t-tau-1}}, where {@code gB} was computed
   * @param xC {@code x_{t-tau-2}}
   * @param gB the stochastic gradient at {@code xB}
   * @param lr the learning rate that was applied
   * @return the median ratio, or NaN if no coordinate was kept (then {@link #lastKept()} is 0)
   */
  public double measure(double[] xA, double[] xB, double[] xC, double[] gB, double lr) {
    int n = collect(xA, xB, xC, gB, lr, 0);
    return finish(n);
  }

  /**
   * Measures over a model of several arrays, the median running over their concatenation ({@code
   * xA[i]}, ... belong to parameter {@code i}).
   */
  public double measure(double[][] xA, double[][] xB, double[][] xC, double[][] gB, double lr) {
    int n = 0;
    for (int i = 0; i < xA.length; i++) {
      n = collect(xA[i], xB[i], xC[i], gB[i], lr, n);
    }
    return finish(n);
  }

  private int collect(double[] xA, double[] xB, double[] xC, double[] gB, double lr, int n) {
    int len = xA.length;
    if (xB.length != len || xC.length != len || gB.length != len) {
      throw new IllegalArgumentException("iterates and gradient must have the same length");
    }
    if (n + len > scratch.length) {
      throw new IllegalArgumentException(
          "measurement over more than the "
              + scratch.length
              + " coordinates given at construction");
    }
    for (int j = 0; j < len; j++) {
      double den = xB[j] - xC[j];
      if (Math.abs(den) > tiny) {
        scratch[n++] = (xA[j] - xB[j] + lr * gB[j]) / den;
      }
    }
    return n;
  }

  private double finish(int n) {
    kept = n;
    if (n == 0) {
      return Double.NaN;
    }
    return median(scratch, n);
  }

  /** How many coordinates the last {@link #measure} kept (0: no measurement). */
  public int lastKept() {
    return kept;
  }

  /**
   * Feedback step {@code mu_G += gamma (muTarget - muHat)}; a non-finite {@code muHat} (including
   * the NaN of an absent measurement) leaves {@code mu_G} unchanged.
   *
   * @return the new {@code mu_G}
   */
  public double update(double muTarget, double muHat) {
    if (Double.isFinite(muHat)) {
      muG += gamma * (muTarget - muHat);
    }
    return muG;
  }

  /** {@link #measure} then {@link #update}; returns the measurement. */
  public double observe(
      double muTarget, double[] xA, double[] xB, double[] xC, double[] gB, double lr) {
    double m = measure(xA, xB, xC, gB, lr);
    update(muTarget, m);
    return m;
  }

  /** The algorithmic momentum the server should apply. */
  public double muG() {
    return muG;
  }

  /** The feedback gain. */
  public double gamma() {
    return gamma;
  }

  /** {@code mu_G}, for a snapshot. */
  public double exportState() {
    return muG;
  }

  /** Restores {@link #exportState}. */
  public void importState(double muG) {
    this.muG = muG;
  }

  /**
   * The median of {@code a[0..n)} as NumPy computes it (mean of the two middle values for even
   * {@code n}, NaN if any value is NaN), by in-place selection: O(n) expected, no allocation, and
   * {@code a}'s order is scrambled.
   */
  static double median(double[] a, int n) {
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(a[i])) {
        return Double.NaN;
      }
    }
    int mid = n >>> 1;
    double upper = select(a, n, mid);
    if ((n & 1) == 1) {
      return upper;
    }
    // after selecting mid, a[0..mid) holds the mid smallest values: the lower middle is their max
    double lower = a[0];
    for (int i = 1; i < mid; i++) {
      if (a[i] > lower) {
        lower = a[i];
      }
    }
    return (lower + upper) / 2.0;
  }

  /**
   * Hoare selection: rearranges {@code a[0..n)} so that {@code a[kth]} is the value a sort would
   * put there, everything before it {@code <=} and everything after it {@code >=}. No NaNs.
   */
  static double select(double[] a, int n, int kth) {
    int lo = 0;
    int hi = n - 1;
    while (hi > lo) {
      // median-of-three pivot keeps sorted and reversed input linear
      int mid = (lo + hi) >>> 1;
      if (a[mid] < a[lo]) {
        swap(a, lo, mid);
      }
      if (a[hi] < a[lo]) {
        swap(a, lo, hi);
      }
      if (a[hi] < a[mid]) {
        swap(a, mid, hi);
      }
      double pivot = a[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      // a[lo..j] <= pivot, a[i..hi] >= pivot, and everything strictly between equals pivot
      if (kth <= j) {
        hi = j;
      } else if (kth >= i) {
        lo = i;
      } else {
        return a[kth];
      }
    }
    return a[kth];
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
