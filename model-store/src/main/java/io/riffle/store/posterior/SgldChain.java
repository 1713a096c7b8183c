package io.riffle.store.posterior;

import io.riffle.optim.Precision;
import io.riffle.optim.Store;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SGLD chain of one shard's rows, run lazily: only rows an example touches are stepped, and a
 * row untouched for {@code k} steps is caught up with the exact k-step transition of the dynamics
 * it followed meanwhile (see {@link PosteriorSpec} for the chain itself).
 *
 * <p><b>Untouched rows.</b> Under the prior alone a weight follows an Ornstein-Uhlenbeck process
 * {@code w <- a*w + sqrt(eta*T)*xi}, {@code a = 1 - eta*lambda/2}, whose k-step transition is
 * {@code w_k = a^k * w_0 + N(0, s2 * (1 - a^(2k)))} with stationary variance {@code s2 = eta*T/(1 -
 * a^2)} (about {@code T/lambda}, the prior). The skipped steps are also counted in the running
 * moments, as a batch whose mean and variance are the OU path's expected moments, so a rare
 * feature's uncertainty widens back towards the prior instead of freezing. A row never touched
 * reports the prior, {@code N(0, T/lambda)}; its first touch draws a stationary start.
 *
 * <p><b>Running moments.</b> Per element: mean and variance of the chain's iterates after burn-in,
 * Welford's exact average until the row has {@code horizon * N} iterates, then an exponentially
 * weighted average with that horizon (the posterior narrows as N grows; the moments follow it).
 *
 * <p><b>Noise.</b> Every draw is {@link CounterGaussian#normal} of (seed, global element, step,
 * kind), so the chain is identical for any shard layout, and {@link #value} can predict a pending
 * catch-up without writing anything.
 *
 * <p><b>Threads.</b> Written by the owning shard's thread only; {@link #value} and {@link #moments}
 * may run concurrently on other threads and then see slightly stale, but finite, values.
 *
 * <p><b>Memory.</b> Three arrays per element (chain, mean, variance) in the model's precision plus
 * two float64 per row (iterate count, last step): 12 bytes per element + 16 per row in float32.
 */
public final class SgldChain {
  private static final long KIND_START = -1;
  private static final long KIND_STEP = -2;

  private final PosteriorSpec spec;
  private final int shard;
  private final int shards;
  private final int width;
  private final Store theta;
  private final Store mean;
  private final Store var;
  private final Store count;
  private final Store last;
  private final double priorVar;
  private final double[] scratch = new double[2];

  /**
   * @param spec chain settings
   * @param shard this shard's id
   * @param shards shard count (global row = local * shards + shard)
   * @param localRows rows owned
   * @param width elements per row
   * @param precision storage of the per-element arrays
   */
  public SgldChain(
      PosteriorSpec spec, int shard, int shards, int localRows, int width, Precision precision) {
    this.spec = spec;
    this.shard = shard;
    this.shards = shards;
    this.width = width;
    int n = Math.multiplyExact(localRows, width);
    this.theta = Store.zeros(precision, n);
    this.mean = Store.zeros(precision, n);
    this.var = Store.zeros(precision, n);
    this.count = Store.zeros(Precision.FLOAT64, localRows);
    this.last = Store.zeros(Precision.FLOAT64, localRows);
    this.last.fill(-1);
    this.priorVar = spec.temperature() / spec.priorPrecision();
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
    long lo = Math.max(from, spec.burnIn());
    return Math.max(0, to - lo);
  }

  /**
   * The chain value of element {@code (localRow, j)} just before step {@code s} (what the gradient
   * of step {@code s} must be evaluated at), including a pending catch-up. Read-only.
   */
  public double value(int localRow, int j, long s, double eta) {
    long lastStep = (long) last.get(localRow);
    long ge = globalElement(localRow, j);
    if (lastStep < 0) {
      return Math.sqrt(priorVar) * CounterGaussian.normal(spec.seed(), ge, s, KIND_START);
    }
    long k = s - 1 - lastStep;
    double w = theta.get(localRow * width + j);
    if (k <= 0) {
      return w;
    }
    double lam = spec.priorPrecision();
    double logA = Math.log1p(-eta * lam / 2);
    double ak = Math.exp(k * logA);
    double s2 = stationaryVar(eta, lam);
    double sd = Math.sqrt(s2 * -Math.expm1(2 * k * logA));
    return ak * w + sd * CounterGaussian.normal(spec.seed(), ge, lastStep, s);
  }

  private double stationaryVar(double eta, double lam) {
    double oneMinusA = eta * lam / 2;
    return eta * spec.temperature() / (oneMinusA * (2 - oneMinusA));
  }

  /**
   * Step {@code s} for one row: catch up from its last step, then {@code w <- w - (eta/2) * (rg +
   * lambda*w) + sqrt(eta*T)*xi} per element, then the moments.
   *
   * @param localRow the row
   * @param s this step's number (1, 2, ...; increasing)
   * @param eta step size of this step
   * @param n effective data size of this step (sets the moments' horizon)
   * @param rg per-element likelihood gradient already scaled to the whole data, {@code N * g_mean},
   *     starting at {@code rgOff}
   */
  public void step(int localRow, long s, double eta, double n, double[] rg, int rgOff) {
    catchUp(localRow, s, eta, n);
    double lam = spec.priorPrecision();
    double noiseSd = Math.sqrt(eta * spec.temperature());
    boolean counted = s > spec.burnIn();
    double cap = Math.max(1, spec.horizon() * n);
    double c = count.get(localRow);
    double cNew = c + 1;
    double wgt = 1.0 / cNew;
    for (int j = 0; j < width; j++) {
      int e = localRow * width + j;
      double w = theta.get(e);
      double xi = CounterGaussian.normal(spec.seed(), globalElement(localRow, j), s, KIND_STEP);
      w = w - 0.5 * eta * (rg[rgOff + j] + lam * w) + noiseSd * xi;
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

  /** Brings a row to the state after step {@code s - 1}. */
  private void catchUp(int localRow, long s, double eta, double n) {
    long lastStep = (long) last.get(localRow);
    double cap = Math.max(1, spec.horizon() * n);
    if (lastStep < 0) {
      // stationary start; the steps before were prior draws: the moments start at the prior
      long k = countable(0, s - 1);
      for (int j = 0; j < width; j++) {
        int e = localRow * width + j;
        theta.set(e, value(localRow, j, s, eta));
        mean.set(e, 0);
        var.set(e, priorVar);
      }
      count.set(localRow, Math.min(k, cap));
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
      double w0 = theta.get(e);
      if (kc > 0) {
        ouBatch(w0, k, kc, eta, scratch);
        double wgt = kc / (c + kc);
        double m = mean.get(e);
        double d = scratch[0] - m;
        mean.set(e, m + wgt * d);
        var.set(e, (1 - wgt) * (var.get(e) + wgt * d * d) + wgt * scratch[1]);
      }
      theta.set(e, value(localRow, j, s, eta));
    }
    if (kc > 0) {
      count.set(localRow, Math.min(c + kc, cap));
    }
    last.set(localRow, s - 1);
  }

  /**
   * Expected mean and variance of the last {@code kc} iterates of a {@code k}-step OU path from
   * {@code w0} (the iterates before burn-in end are not counted), into {@code out[0..1]}.
   */
  private void ouBatch(double w0, long k, long kc, double eta, double[] out) {
    double lam = spec.priorPrecision();
    double logA = Math.log1p(-eta * lam / 2);
    double s2 = stationaryVar(eta, lam);
    // iterates i = k-kc+1 .. k; sums of a^i and a^(2i) over them
    long i0 = k - kc;
    double a = Math.exp(logA);
    double sum1 = Math.exp((i0 + 1) * logA) * -Math.expm1(kc * logA) / (1 - a);
    double sum2 = Math.exp(2 * (i0 + 1) * logA) * -Math.expm1(2 * kc * logA) / (1 - a * a);
    double mb = w0 * sum1 / kc;
    // E[w_i^2] = a^(2i) w0^2 + s2 (1 - a^(2i))
    double ex2 = (w0 * w0 * sum2 + s2 * (kc - sum2)) / kc;
    out[0] = mb;
    out[1] = Math.max(0, ex2 - mb * mb);
  }

  /**
   * Posterior mean and variance of element {@code (localRow, j)} as of after step {@code s}
   * (pending OU steps folded in), written to {@code out[0..1]}. A never-touched row gives the
   * prior. Read-only.
   */
  public void moments(int localRow, int j, long s, double eta, double[] out) {
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
      ouBatch(theta.get(e), k, kc, eta, out);
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
    out.put("count", count);
    out.put("last", last);
    return out;
  }

  /** Overwrites the chain from {@link #exportArrays} of an identical layout. */
  public void importArrays(Map<String, Store> arrays) {
    exportArrays().forEach((k, v) -> v.copyFrom(require(arrays, k)));
  }

  private static Store require(Map<String, Store> arrays, String k) {
    Store s = arrays.get(k);
    if (s == null) {
      throw new IllegalArgumentException("posterior array '" + k + "' missing");
    }
    return s;
  }
}
