package io.riffle.load.gen;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with {@code P(k) ∝ 1 / (k + 1)^s} (Zipf's law; exponent 0 is uniform)
 * by inverting a precomputed cumulative distribution with a binary search.
 *
 * <p>Memory: one {@code double} per value ({@code 8 n} bytes). Immutable and thread-safe; the
 * randomness comes from the caller's generator, so a sampler may be shared.
 */
public final class ZipfSampler {
  private final double[] cdf;
  private final double exponent;

  /**
   * @param n number of values, at least 1
   * @param exponent Zipf exponent {@code s}, finite and at least 0
   */
  public ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("cardinality must be >= 1, got " + n);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("Zipf exponent must be finite and >= 0, got " + exponent);
    }
    this.exponent = exponent;
    cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += Math.pow(k + 1, -exponent);
      cdf[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    // guards against a rounding shortfall: a uniform draw below 1 always finds a rank
    cdf[n - 1] = 1.0;
  }

  /** Number of values. */
  public int cardinality() {
    return cdf.length;
  }

  /** The exponent {@code s}. */
  public double exponent() {
    return exponent;
  }

  /** Exact probability of rank {@code k}. */
  public double probability(int k) {
    return k == 0 ? cdf[0] : cdf[k] - cdf[k - 1];
  }

  /** Draws one rank using {@code random}. */
  public int sample(SplittableRandom random) {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cdf.length - 1;
    // smallest k with cdf[k] > u
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
