package io.riffle.optim.schedule;

import io.riffle.optim.InvalidHyperparameterException;

/**
 * Polynomial decay from the construction-time base rate to {@code final_lr} over {@code max_update}
 * updates: {@code final + (orig - final) * (1 - (n - warmup)/(max_update - warmup))^pwr}. Past
 * {@code max_update} it keeps the last value.
 */
public final class PolyScheduler extends LrScheduler {
  private final long maxUpdate;
  private final double pwr;
  private final double finalLr;
  private final double baseLrOrig;
  private final boolean cosine;

  public PolyScheduler(
      long maxUpdate,
      double baseLr,
      double pwr,
      double finalLr,
      long warmupSteps,
      double warmupBeginLr,
      String warmupMode) {
    this(maxUpdate, baseLr, pwr, finalLr, warmupSteps, warmupBeginLr, warmupMode, false);
  }

  PolyScheduler(
      long maxUpdate,
      double baseLr,
      double pwr,
      double finalLr,
      long warmupSteps,
      double warmupBeginLr,
      String warmupMode,
      boolean cosine) {
    super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
    if (maxUpdate < 1) {
      throw new InvalidHyperparameterException(
          "max_update=" + maxUpdate + " is outside the allowed range [1, inf)");
    }
    if (maxUpdate <= warmupSteps) {
      throw new InvalidHyperparameterException(
          "max_update=" + maxUpdate + " must be > warmup_steps=" + warmupSteps);
    }
    this.maxUpdate = maxUpdate;
    this.pwr = pwr;
    this.finalLr = finalLr;
    this.baseLrOrig = baseLr;
    this.cosine = cosine;
  }

  @Override
  protected double afterWarmup(long n) {
    if (n <= maxUpdate) {
      double frac = (double) (n - warmupSteps) / (double) (maxUpdate - warmupSteps);
      baseLr =
          cosine
              ? finalLr + (baseLrOrig - finalLr) * (1.0 + Math.cos(Math.PI * frac)) / 2.0
              : finalLr + (baseLrOrig - finalLr) * Math.pow(1.0 - frac, pwr);
    }
    return baseLr;
  }

  @Override
  public LrScheduler copy() {
    PolyScheduler c =
        new PolyScheduler(
            maxUpdate,
            baseLrOrig,
            pwr,
            finalLr,
            warmupSteps,
            warmupBeginLr,
            warmupLinear ? "linear" : "constant",
            cosine);
    c.importState(exportState());
    return c;
  }

  /** Cosine decay: {@code final + (orig - final) * (1 + cos(pi * frac)) / 2}. */
  public static PolyScheduler cosine(
      long maxUpdate,
      double baseLr,
      double finalLr,
      long warmupSteps,
      double warmupBeginLr,
      String warmupMode) {
    return new PolyScheduler(
        maxUpdate, baseLr, 0, finalLr, warmupSteps, warmupBeginLr, warmupMode, true);
  }
}
