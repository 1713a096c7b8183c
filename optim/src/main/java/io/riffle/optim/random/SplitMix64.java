package io.riffle.optim.random;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): the portable integer generator of the conformance test
 * problems (OPTIMIZERS.md 9.2). Integer-only, so Java and the NumPy reference produce the same
 * doubles bit for bit.
 */
public final class SplitMix64 {
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** Next 64 random bits. */
  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    long z = state;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 bits. */
  public double uniform() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [-1, 1). */
  public double sym() {
    return 2.0 * uniform() - 1.0;
  }

  /** Irwin-Hall approximation of N(0,1): sum of 12 uniforms minus 6 (portable, no libm). */
  public double normal12() {
    double s = 0;
    for (int i = 0; i < 12; i++) {
      s += uniform();
    }
    return s - 6.0;
  }

  /** The generator state. */
  public long state() {
    return state;
  }

  /** Sets the generator state. */
  public void state(long s) {
    state = s;
  }
}
