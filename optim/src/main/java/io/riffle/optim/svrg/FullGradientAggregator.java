package io.riffle.optim.svrg;

/**
 * Combines the partial full gradients {@code mu_d} of the {@code D} participants (devices or
 * workers) that each ran SVRG's full-gradient pass over their slice of the data, the way MXNet 1.x
 * does it through extra KVStore keys (OPTIMIZERS.md 6.5, reference {@code svrg_aggregate_devices}):
 *
 * <ol>
 *   <li>every participant pushes its {@code mu_d} to the key {@code "<name>_full"};
 *   <li>the store sums the pushes of one round into {@code S} (a fresh sum each round: MXNet's
 *       assignment optimizer stores {@code S}, it does not add it to the previous value);
 *   <li>after all {@code D} pushes (a barrier) every participant pulls {@code S / D}.
 * </ol>
 *
 * <p>Call order per participant and round: {@link #push}, then {@link #pull} with the same key.
 * Keys are recognised by the exact suffix {@value #SUFFIX} ({@link #isFullKey}); MXNet's substring
 * test {@code "full" in name} also catches ordinary parameters such as {@code
 * fullyconnected0_weight} and is deliberately not reproduced (6.6).
 *
 * <p>Note (6.5, unverified in MXNet): with several workers each pushing its device-summed gradient
 * afterwards, the full-gradient term can end up counted once per worker. Implementations divide by
 * the participant count they were built with and nothing else; a clustered implementation decides
 * what a participant is.
 */
public interface FullGradientAggregator {

  /** Suffix of the dedicated full-gradient keys. */
  String SUFFIX = "_full";

  /** {@code param + "_full"}. */
  static String fullKey(String param) {
    if (param == null || param.isEmpty()) {
      throw new IllegalArgumentException("parameter name must be non-empty");
    }
    return param + SUFFIX;
  }

  /** True iff {@code key} ends with exactly {@value #SUFFIX} and names some parameter before it. */
  static boolean isFullKey(String key) {
    return key != null && key.length() > SUFFIX.length() && key.endsWith(SUFFIX);
  }

  /** The parameter name of a full-gradient key. */
  static String paramOf(String fullKey) {
    if (!isFullKey(fullKey)) {
      throw new IllegalArgumentException(
          "\"" + fullKey + "\" is not a full-gradient key (expected suffix " + SUFFIX + ")");
    }
    return fullKey.substring(0, fullKey.length() - SUFFIX.length());
  }

  /** The number of participants {@code D} whose pushes make one round. */
  int participants();

  /**
   * Contributes participant {@code participant}'s partial full gradient to the current round of
   * {@code key}. The values are copied; {@code partial} is not modified. May block until the
   * participant's previous round on this key has been pulled by everyone.
   *
   * @param key a full-gradient key ({@link #isFullKey})
   * @param participant {@code 0 .. participants()-1}
   * @param partial {@code mu_d}
   */
  void push(String key, int participant, double[] partial);

  /**
   * Writes {@code S / D} of the current round of {@code key} into {@code out}, blocking until all
   * {@code D} participants have pushed.
   *
   * @param participant {@code 0 .. participants()-1}, who must have pushed in this round
   */
  void pull(String key, int participant, double[] out);
}
