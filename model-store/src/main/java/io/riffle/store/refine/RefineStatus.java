package io.riffle.store.refine;

/** How a refinement job ended. */
public enum RefineStatus {
  /** The challenger's held-back loss is finite and lower than the live model's. */
  PROMOTABLE,
  /** The challenger is finite but does not beat the live model on the held-back tail. */
  REJECTED,
  /**
   * No challenger: the run diverged (a non-finite or absurd weight, beyond {@link
   * io.riffle.store.learn.Model#MAX_MAGNITUDE}), or there was nothing to train on or judge with.
   */
  FAILED
}
