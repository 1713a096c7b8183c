package io.riffle.optim.random;

/**
 * Counter-based N(0,1) draws: the value is a pure function of {@code (seed, a, b, c)}. A chain
 * keyed by (element, step) draws the same noise whichever thread or shard layout applies the step,
 * and a reader can compute the value a pending catch-up will produce without changing anything.
 * SplitMix64 finalisers mix the key; Box-Muller turns two 53-bit uniforms into one normal.
 */
public final class CounterGaussian {
  private CounterGaussian() {}

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A standard normal for key {@code (seed, a, b, c)}. */
  public static double normal(long seed, long a, long b, long c) {
    long h = mix(seed + 0x9E3779B97F4A7C15L);
    h = mix(h ^ (a * 0xD1B54A32D192ED03L));
    h = mix(h ^ (b * 0xABC98388FB8FAC03L));
    h = mix(h ^ (c * 0x8CB92BA72F3D8DD7L));
    long h2 = mix(h + 0x9E3779B97F4A7C15L);
    double u1 = ((h >>> 11) + 1) * 0x1.0p-53; // (0, 1]
    double u2 = (h2 >>> 11) * 0x1.0p-53;
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
