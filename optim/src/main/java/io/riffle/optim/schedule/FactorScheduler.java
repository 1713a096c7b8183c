package io.riffle.optim.schedule;

import io.riffle.optim.InvalidHyperparameterException;

/**
 * {@code lr(n) = base * factor^floor((n-1)/step)}, floored at {@code stop_factor_lr}: the rate
 * changes at {@code step+1, 2*step+1, ...}. {@code count} starts at 0 even with warm-up.
 */
public final class FactorScheduler extends LrScheduler {
  private final long step;
  private final double factor;
  private final double stopFactorLr;
  private long count;

  public FactorScheduler(
      long step,
      double factor,
      double stopFactorLr,
      double baseLr,
      long warmupSteps,
      double warmupBeginLr,
      String warmupMode) {
    super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
    if (step < 1) {
      throw new InvalidHyperparameterException(
          "step=" + step + " is outside the allowed range [1, inf)");
    }
    if (!(factor <= 1.0) || factor < 0) {
      throw new InvalidHyperparameterException(
          "factor=" + factor + " is outside the allowed range [0, 1]");
    }
    this.step = step;
    this.factor = factor;
    this.stopFactorLr = stopFactorLr;
  }

  @Override
  protected double afterWarmup(long n) {
    while (n > count + step) {
      count += step;
      baseLr *= factor;
      if (baseLr < stopFactorLr) {
        baseLr = stopFactorLr;
      }
    }
    return baseLr;
  }

  @Override
  public double[] exportState() {
    return new double[] {baseLr, count};
  }

  @Override
  public void importState(double[] state) {
    baseLr = state[0];
    count = (long) state[1];
  }

  @Override
  public LrScheduler copy() {
    FactorScheduler c =
        new FactorScheduler(
            step,
            factor,
            stopFactorLr,
            warmupFinalLr,
            warmupSteps,
            warmupBeginLr,
            warmupLinear ? "linear" : "constant");
    c.importState(exportState());
    return c;
  }
}
