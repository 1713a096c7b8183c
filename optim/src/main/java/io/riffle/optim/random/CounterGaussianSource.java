package io.riffle.optim.random;

import io.riffle.optim.GaussianSource;

/**
 * A Gaussian source whose draws are keyed by (element, step) through {@link CounterGaussian}: an
 * SGLD step draws the same noise for a weight whatever order the elements are visited in, so a
 * model split into shards takes the same chain as an unsplit one. Stateless apart from the seed.
 */
public final class CounterGaussianSource implements GaussianSource {
  private final long seed;
  private long sequence;

  public CounterGaussianSource(long seed) {
    this.seed = seed;
  }

  @Override
  public double gaussian(long element, long step) {
    return CounterGaussian.normal(seed, element, step, -3);
  }

  /** Sequential draws (for callers without keys): keyed by an internal counter. */
  @Override
  public double nextGaussian() {
    return CounterGaussian.normal(seed, sequence++, -1, -4);
  }

  @Override
  public long[] exportState() {
    return new long[] {sequence};
  }

  @Override
  public void importState(long[] state) {
    sequence = state[0];
  }
}
