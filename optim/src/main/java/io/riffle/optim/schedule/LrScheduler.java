package io.riffle.optim.schedule;

import io.riffle.optim.InvalidHyperparameterException;

/**
 * A stateful learning-rate schedule, as in MXNet's {@code lr_scheduler.py} (OPTIMIZERS.md 3).
 *
 * <p>{@link #lr(long)} is called with the optimizer's {@code num_update} (1 on the first update)
 * and only moves forward: Factor and MultiFactor mutate {@link #baseLr()} as steps pass, Poly and
 * Cosine remember the last value past {@code max_update}. The state is exported for snapshots.
 *
 * <p>Warm-up ({@code warmup_steps}, {@code warmup_begin_lr}, {@code warmup_mode}) is common to all:
 * for {@code n < warmup_steps} the rate ramps linearly from {@code warmup_begin_lr} to the base
 * rate frozen at construction, or stays at {@code warmup_begin_lr} in constant mode.
 */
public abstract class LrScheduler {
  /** Current base rate (mutated by Factor/MultiFactor, overwritten by the optimizer's lr). */
  protected double baseLr;

  /** Warm-up length in updates. */
  protected final long warmupSteps;

  /** Warm-up target: the base rate at construction. */
  protected final double warmupFinalLr;

  /** Warm-up start. */
  protected final double warmupBeginLr;

  /** True for linear warm-up, false for constant. */
  protected final boolean warmupLinear;

  protected LrScheduler(double baseLr, long warmupSteps, double warmupBeginLr, String warmupMode) {
    if (!Double.isFinite(baseLr) || baseLr < 0) {
      throw new InvalidHyperparameterException(
          "base_lr=" + baseLr + " is outside the allowed range [0, inf)");
    }
    if (warmupBeginLr > baseLr) {
      throw new InvalidHyperparameterException(
          "warmup_begin_lr=" + warmupBeginLr + " must be <= base_lr=" + baseLr);
    }
    if (warmupSteps < 0) {
      throw new InvalidHyperparameterException(
          "warmup_steps=" + warmupSteps + " is outside the allowed range [0, inf)");
    }
    if (!warmupMode.equals("linear") && !warmupMode.equals("constant")) {
      throw new InvalidHyperparameterException(
          "warmup_mode=\"" + warmupMode + "\" is not allowed; expected linear or constant");
    }
    this.baseLr = baseLr;
    this.warmupSteps = warmupSteps;
    this.warmupFinalLr = baseLr;
    this.warmupBeginLr = warmupBeginLr;
    this.warmupLinear = warmupMode.equals("linear");
  }

  /** The learning rate for update number {@code n}; advances the schedule's state. */
  public final double lr(long n) {
    if (n < warmupSteps) {
      return warmupLinear
          ? warmupBeginLr + (warmupFinalLr - warmupBeginLr) * (double) n / (double) warmupSteps
          : warmupBeginLr;
    }
    return afterWarmup(n);
  }

  /** The rate once warm-up is over. */
  protected abstract double afterWarmup(long n);

  /** The current base rate. */
  public double baseLr() {
    return baseLr;
  }

  /**
   * Overwrites the base rate, as MXNet's optimizer does with its own learning rate (affects Factor
   * and MultiFactor only: Poly, Cosine and warm-up use values frozen at construction).
   */
  public void setBaseLr(double lr) {
    this.baseLr = lr;
  }

  /** Mutable state, for a snapshot. */
  public double[] exportState() {
    return new double[] {baseLr};
  }

  /** Restores {@link #exportState}. */
  public void importState(double[] state) {
    baseLr = state[0];
  }

  /** A copy with the same configuration and state. */
  public abstract LrScheduler copy();
}
