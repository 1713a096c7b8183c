package io.riffle.optim.random;

import io.riffle.optim.GaussianSource;

/**
 * The reference's portable noise: {@link SplitMix64#normal12()} (mean 0, variance 1, bounded to
 * [-6, 6], so not exactly Gaussian). Used by conformance runs; production chains use {@link
 * PolarGaussianSource}.
 */
public final class Normal12Source implements GaussianSource {
  private final SplitMix64 rng;

  public Normal12Source(long seed) {
    this.rng = new SplitMix64(seed);
  }

  @Override
  public double nextGaussian() {
    return rng.normal12();
  }

  @Override
  public long[] exportState() {
    return new long[] {rng.state()};
  }

  @Override
  public void importState(long[] state) {
    rng.state(state[0]);
  }
}
