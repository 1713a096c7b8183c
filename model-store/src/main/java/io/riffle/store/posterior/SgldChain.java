package io.riffle.store.posterior;

import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import io.riffle.optim.random.CounterGaussian;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SGLD chain of one shard's rows with control variates, run lazily: only rows an example
 * touches are stepped, and a row untouched for {@code k} steps is caught up with the exact k-step
 * transition of the dynamics it followed meanwhile.
 *
 * <p><b>Why control variates.</b> Plain SGLD with one example per step estimates the full-data
 * gradient as {@code N * g_i}; its noise then dominates the injected noise by a factor of about
 * {@code eta * N^2 * Var(g) / (4 * eta)}, and the chain samples a distribution far wider than the
 * posterior (measured here: a posterior s.d. of 0.4 where 0.02 is right). Following Baker,
 * Fearnhead, Fox and Nemeth, "Control variates for stochastic gradient MCMC" (Stat. Comput. 2019)
 * and Dubey et al., "Variance reduction in stochastic gradient Langevin dynamics" (NeurIPS 2016),
 * the gradient of step {@code s} is
 *
 * <pre>
 *   grad U(w) = lambda*w + G + N * (g_s(w) - g_s(anchor)),   G = sum over the window of g_i(anchor)
 * </pre>
 *
 * where the window is the model's replay window (so {@code N} is its size), {@code anchor} a fixed
 * weight vector near the posterior mean, and {@code G} the exact full-data gradient at the anchor,
 * kept exact as examples enter and leave the window ({@link #addFullGradient}) and rebuilt when the
 * anchor moves ({@link #reanchor}). The caller computes the bracket; this class adds {@code G} and
 * the prior and applies {@code w <- w - (eta/2) * grad U + sqrt(eta*T) * xi} with a per-row step
 * size {@code eta} (see {@link #stepSize}).
 *
 * <p><b>Untouched rows.</b> A row no example touches feels only the prior and its constant {@code
 * G_j}: an Ornstein-Uhlenbeck process around {@code c = -G_j/lambda} with {@code a = 1 -
 * eta*lambda/2}, whose k-step transition is {@code w_k = c + a^k (w_0 - c) + N(0, s2 (1 -
 * a^(2k)))}, {@code s2 = eta*T/(1 - a^2)}. The skipped steps are counted in the running moments as
 * a batch with the path's expected mean and variance, so a rare feature's uncertainty widens back
 * towards the prior instead of freezing. A row never touched reports the prior {@code N(0,
 * T/lambda)}; its first touch draws a stationary start.
 *
 * <p><b>Running moments.</b> Per element, of the iterates after burn-in: Welford's exact average
 * until the row has {@code horizon * N} iterates, then an exponentially weighted average with that
 * horizon, so the moments follow the posterior as it narrows.
 *
 * <p><b>Noise.</b> Every draw is {@link CounterGaussian#normal} of (seed, global element, step,
 * kind): the chain is identical for any shard layout, and {@link #value} can predict a pending
 * catch-up without writing anything.
 *
 * <p><b>Threads.</b> Written by the owning shard's thread only; {@link #value}, {@link
 * #anchorValue} and {@link #moments} may run on other threads and then see slightly stale, finite
 * values.
 *
 * <p><b>Memory.</b> Four arrays per element in the model's precision (chain, mean, variance,
 * anchor), the full gradient in float64, and three float64 per row (iterate count, last step,
 * feature scale): 24 bytes per element + 24 per row with float32 weights.
 */
public final class SgldChain {
  private static final long KIND_START = -1;
  private static final long KIND_STEP = -2;

  private final PosteriorSpec spec;
  private final int shard;
  private final int shards;
  private final int width;
  private final int localRows;
  private final Store theta;
  private final Store mean;
  private final Store var;
  private final Store anchor;
  private final Store fullGrad;
  private final Store count;
  private final Store last;
  private final Store scale;
  private final double curvature;
  private final double priorVar;
  private final double[] scratch = new double[2];
  // steps up to this one are burn-in (spec.burnIn() at the start, later moved by restart)
  private long burnInEnd;

  /**
   * @param spec chain settings
   * @param shard this shard's id
   * @param shards shard count (global row = local * shards + shard)
   * @param localRows rows owned
   * @param width elements per row
   * @param precision storage of the per-element arrays
   * @param curvature a typical second derivative of the loss in the margin (0.25 for logistic and
   *     softmax, 1 for squared loss): with a row's mean squared feature value it sets the row's
   *     step size
   */
  public SgldChain(
      PosteriorSpec spec,
      int shard,
      int shards,
      int localRows,
      int width,
      Precision precision,
      double curvature) {
    this.spec = spec;
    this.shard = shard;
    this.shards = shards;
    this.width = width;
    this.localRows = localRows;
    int n = Math.multiplyExact(localRows, width);
    this.theta = Store.zeros(precision, n);
    this.mean = Store.zeros(precision, n);
    this.var = Store.zeros(precision, n);
    this.anchor = Store.zeros(precision, n);
    this.fullGrad = Store.zeros(Precision.FLOAT64, n);
    this.count = Store.zeros(Precision.FLOAT64, localRows);
    this.last = Store.zeros(Precision.FLOAT64, localRows);
    this.last.fill(-1);
    this.scale = Store.zeros(Precision.FLOAT64, localRows);
    this.curvature = curvature;
    this.priorVar = spec.temperature() / spec.priorPrecision();
    this.burnInEnd = spec.burnIn();
  }

  /** The settings. */
  public PosteriorSpec spec() {
    return spec;
  }

  private long globalElement(int localRow, int j) {
    return ((long) localRow * shards + shard) * width + j;
  }

  /** Number of post-burn-in steps in {@code (from, to]}. */
  private long countable(long from, long to) {
    long lo = Math.max(from, burnInEnd);
    return Math.max(0, to - lo);
  }

  /**
   * The row's step size for window size {@code n}: {@code c / (lambda + n * curvature * q)}, {@code
   * q} the mean squared feature value of the row's examples. A diagonal preconditioner (Li et al.,
   * "Preconditioned SGLD", AAAI 2016, with a fixed rather than adaptive matrix): the stationary
   * distribution is the same for any positive step, but the step that keeps a touch of the row
   * stable is inversely proportional to its curvature there, and a text token counted 50 times in a
   * message has 2,500 times the curvature of a binary feature.
   */
  public double stepSize(int localRow, double n) {
    double q = scale.get(localRow);
    return spec.stepScale() / (spec.priorPrecision() + n * curvature * (q > 0 ? q : 1));
  }

  private double stationaryVar(double eta) {
    double oneMinusA = eta * spec.priorPrecision() / 2;
    return eta * spec.temperature() / (oneMinusA * (2 - oneMinusA));
  }

  private double center(int e) {
    return -fullGrad.get(e) / spec.priorPrecision();
  }

  /**
   * The chain value of element {@code (localRow, j)} just before step {@code s} (where the gradient
   * of step {@code s} must be evaluated), including a pending catch-up. Read-only.
   */
  public double value(int localRow, int j, long s, double n) {
    double eta = stepSize(localRow, n);
    long lastStep = (long) last.get(localRow);
    long ge = globalElement(localRow, j);
    if (lastStep < 0) {
      return Math.sqrt(priorVar) * CounterGaussian.normal(spec.seed(), ge, s, KIND_START);
    }
    int e = localRow * width + j;
    double w = theta.get(e);
    long k = s - 1 - lastStep;
    if (k <= 0) {
      return w;
    }
    double logA = Math.log1p(-eta * spec.priorPrecision() / 2);
    double c = center(e);
    double sd = Math.sqrt(stationaryVar(eta) * -Math.expm1(2 * k * logA));
    return c
        + Math.exp(k * logA) * (w - c)
        + sd * CounterGaussian.normal(spec.seed(), ge, lastStep, s);
  }

  /** The anchor weight of element {@code (localRow, j)}. Read-only. */
  public double anchorValue(int localRow, int j) {
    return anchor.get(localRow * width + j);
  }

  /**
   * Brings a row to the state after step {@code s - 1} (idempotent). Must precede {@link
   * #addFullGradient} on that row, because the catch-up assumes {@code G} was constant.
   */
  public void catchUp(int localRow, long s, double n) {
    double eta = stepSize(localRow, n);
    long lastStep = (long) last.get(localRow);
    double cap = Math.max(1, spec.horizon() * n);
    if (lastStep < 0) {
      // stationary start; the steps before were prior draws, so the moments start at the prior
      for (int j = 0; j < width; j++) {
        int e = localRow * width + j;
        theta.set(e, value(localRow, j, s, n));
        mean.set(e, 0);
        var.set(e, priorVar);
      }
      count.set(localRow, Math.min(countable(0, s - 1), cap));
      last.set(localRow, s - 1);
      return;
    }
    long k = s - 1 - lastStep;
    if (k <= 0) {
      return;
    }
    long kc = countable(lastStep, s - 1);
    double c = count.get(localRow);
    for (int j = 0; j < width; j++) {
      int e = localRow * width + j;
      if (kc > 0) {
        ouBatch(theta.get(e), center(e), k, kc, eta, scratch);
        double wgt = kc / (c + kc);
        double m = mean.get(e);
        double d = scratch[0] - m;
        mean.set(e, m + wgt * d);
        var.set(e, (1 - wgt) * (var.get(e) + wgt * d * d) + wgt * scratch[1]);
      }
      theta.set(e, value(localRow, j, s, n));
    }
    if (kc > 0) {
      count.set(localRow, Math.min(c + kc, cap));
    }
    last.set(localRow, s - 1);
  }

  /**
   * Adds {@code d} to the full-data gradient at the anchor of element {@code (localRow, j)} (an
   * example entered the window: {@code +g_i(anchor)}; left it: {@code -g_i(anchor)}). Call {@link
   * #catchUp} on the row first.
   */
  public void addFullGradient(int localRow, int j, double d) {
    int e = localRow * width + j;
    fullGrad.set(e, fullGrad.get(e) + d);
  }

  /**
   * Step {@code s} for one row: catch up (at the row's old step size), update the row's feature
   * scale, then per element {@code w <- w - (eta/2) * (cv + G + lambda*w) + sqrt(eta*T)*xi} with
   * the row's new step size, then the moments.
   *
   * @param localRow the row
   * @param s this step's number (1, 2, ...; increasing)
   * @param n window size of this step (sets the step size and the moments' horizon)
   * @param x2 squared feature value of this row in this step's examples
   * @param cv the control-variate bracket per element, {@code N * (g_s(w) - g_s(anchor))}, starting
   *     at {@code off}
   */
  public void step(int localRow, long s, double n, double x2, double[] cv, int off) {
    catchUp(localRow, s, n);
    double q = scale.get(localRow);
    scale.set(localRow, q == 0 ? x2 : 0.95 * q + 0.05 * x2);
    double eta = stepSize(localRow, n);
    double lam = spec.priorPrecision();
    double noiseSd = Math.sqrt(eta * spec.temperature());
    boolean counted = s > burnInEnd;
    double cap = Math.max(1, spec.horizon() * n);
    double cNew = count.get(localRow) + 1;
    double wgt = 1.0 / cNew;
    for (int j = 0; j < width; j++) {
      int e = localRow * width + j;
      double w = theta.get(e);
      double xi = CounterGaussian.normal(spec.seed(), globalElement(localRow, j), s, KIND_STEP);
      w = w - 0.5 * eta * (cv[off + j] + fullGrad.get(e) + lam * w) + noiseSd * xi;
      theta.set(e, w);
      if (counted) {
        double m = mean.get(e);
        double d = w - m;
        mean.set(e, m + wgt * d);
        var.set(e, (1 - wgt) * (var.get(e) + wgt * d * d));
      }
    }
    if (counted) {
      count.set(localRow, Math.min(cNew, cap));
    }
    last.set(localRow, s);
  }

  /**
   * Moves the anchor to the current posterior mean: every touched row is caught up to the state
   * after step {@code s - 1}, the anchor set to its running mean and {@code G} cleared. The caller
   * then rebuilds {@code G} by {@link #addFullGradient} over the whole window at the new anchor.
   * O(rows).
   */
  public void reanchor(long s, double n) {
    for (int r = 0; r < localRows; r++) {
      if (last.get(r) < 0) {
        continue;
      }
      catchUp(r, s, n);
      for (int j = 0; j < width; j++) {
        int e = r * width + j;
        anchor.set(e, count.get(r) > 0 ? mean.get(e) : theta.get(e));
        fullGrad.set(e, 0);
      }
    }
  }

  /**
   * Restarts the chain at {@code w} (this shard's primary weights, local layout) after step {@code
   * s}: every row the chain has touched is caught up, then its iterate and anchor set to {@code w}
   * and {@code G} cleared (the caller rebuilds it over the window, as after {@link #reanchor}); the
   * running moments are kept, and steps {@code s+1 .. s+burnIn} are burn-in again. Rows never
   * touched keep reporting the prior.
   */
  public void restart(Store w, long s, double n) {
    if (w.length() != theta.length()) {
      throw new IllegalArgumentException(
          "restart from " + w.length() + " weights; the chain holds " + theta.length());
    }
    for (int r = 0; r < localRows; r++) {
      if (last.get(r) < 0) {
        continue;
      }
      catchUp(r, s + 1, n);
      for (int j = 0; j < width; j++) {
        int e = r * width + j;
        theta.set(e, w.get(e));
        anchor.set(e, w.get(e));
        fullGrad.set(e, 0);
      }
    }
    burnInEnd = Math.max(burnInEnd, s + spec.burnIn());
  }

  /**
   * Expected mean and variance of the last {@code kc} iterates of a {@code k}-step OU path from
   * {@code w0} around {@code c} (iterates before burn-in are not counted), into {@code out[0..1]}.
   */
  private void ouBatch(double w0, double c, long k, long kc, double eta, double[] out) {
    double logA = Math.log1p(-eta * spec.priorPrecision() / 2);
    double s2 = stationaryVar(eta);
    double a = Math.exp(logA);
    long i0 = k - kc;
    // sums of a^i and a^(2i) over the counted iterates i = i0+1 .. k
    double sum1 = Math.exp((i0 + 1) * logA) * -Math.expm1(kc * logA) / (1 - a);
    double sum2 = Math.exp(2 * (i0 + 1) * logA) * -Math.expm1(2 * kc * logA) / (1 - a * a);
    double d0 = w0 - c;
    double mb = c + d0 * sum1 / kc;
    // E[w_i^2] = (c + a^i d0)^2 + s2 (1 - a^(2i))
    double ex2 = (kc * c * c + 2 * c * d0 * sum1 + d0 * d0 * sum2 + s2 * (kc - sum2)) / kc;
    out[0] = mb;
    out[1] = Math.max(0, ex2 - mb * mb);
  }

  /**
   * Posterior mean and variance of element {@code (localRow, j)} as of after step {@code s}
   * (pending OU steps folded in), into {@code out[0..1]}. A never-touched row gives the prior.
   * Read-only.
   */
  public void moments(int localRow, int j, long s, double n, double[] out) {
    double eta = stepSize(localRow, n);
    long lastStep = (long) last.get(localRow);
    if (lastStep < 0) {
      out[0] = 0;
      out[1] = priorVar;
      return;
    }
    int e = localRow * width + j;
    double m = mean.get(e);
    double v = var.get(e);
    double c = count.get(localRow);
    long k = s - lastStep;
    long kc = countable(lastStep, s);
    if (k > 0 && kc > 0) {
      ouBatch(theta.get(e), center(e), k, kc, eta, out);
      double wgt = kc / (c + kc);
      double d = out[0] - m;
      m += wgt * d;
      v = (1 - wgt) * (v + wgt * d * d) + wgt * out[1];
    }
    out[0] = m;
    out[1] = Math.max(v, 0);
  }

  /** Every array by name, live (for a snapshot). */
  public Map<String, Store> exportArrays() {
    Map<String, Store> out = new LinkedHashMap<>();
    out.put("theta", theta);
    out.put("mean", mean);
    out.put("var", var);
    out.put("anchor", anchor);
    out.put("fullgrad", fullGrad);
    out.put("count", count);
    out.put("last", last);
    out.put("scale", scale);
    out.put("burnin", Store.of(new double[] {burnInEnd}));
    return out;
  }

  /** Overwrites the chain from {@link #exportArrays} of an identical layout. */
  public void importArrays(Map<String, Store> arrays) {
    for (Map.Entry<String, Store> e : exportArrays().entrySet()) {
      Store s = arrays.get(e.getKey());
      if (e.getKey().equals("burnin")) {
        // absent in format-1 snapshots: the burn-in was then always the spec's
        burnInEnd = s == null ? spec.burnIn() : (long) s.get(0);
        continue;
      }
      if (s == null) {
        throw new IllegalArgumentException("posterior array '" + e.getKey() + "' missing");
      }
      e.getValue().copyFrom(s);
    }
  }
}
