package io.riffle.optim.random;

import io.riffle.optim.GaussianSource;

/**
 * Exact N(0,1) draws by Marsaglia's polar method over {@link SplitMix64} uniforms. Seedable and
 * with exportable state (generator state plus the cached second draw), so an SGLD chain restored
 * from a snapshot continues with the same noise. Allocates nothing.
 */
public final class PolarGaussianSource implements GaussianSource {
  private final SplitMix64 rng;
  private boolean hasSpare;
  private double spare;

  public PolarGaussianSource(long seed) {
    this.rng = new SplitMix64(seed);
  }

  @Override
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = rng.sym();
      v = rng.sym();
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = Math.sqrt(-2.0 * Math.log(s) / s);
    spare = v * m;
    hasSpare = true;
    return u * m;
  }

  @Override
  public long[] exportState() {
    return new long[] {rng.state(), hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
  }

  @Override
  public void importState(long[] state) {
    rng.state(state[0]);
    hasSpare = state[1] != 0;
    spare = Double.longBitsToDouble(state[2]);
  }
}
