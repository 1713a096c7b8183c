package io.riffle.optim;

/**
 * Standard-normal draws for SGLD. Injected so that a run is reproducible: a seeded source gives the
 * same chain every time, and conformance tests feed the reference's exact noise.
 */
public interface GaussianSource {
  /** The next draw from N(0, 1) (or the source's stated approximation of it). */
  double nextGaussian();

  /**
   * The draw for global element {@code element} at update {@code step}. Keyed sources return a
   * value that depends only on the key (so the visiting order of elements does not matter);
   * sequential sources, the default, ignore the key and return {@link #nextGaussian()}.
   */
  default double gaussian(long element, long step) {
    return nextGaussian();
  }

  /** The source's state, so a snapshot can resume the same sequence. */
  default long[] exportState() {
    return new long[0];
  }

  /** Restores a state from {@link #exportState}. */
  default void importState(long[] state) {}
}
