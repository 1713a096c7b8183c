package io.riffle.optim.schedule;

import io.riffle.optim.InvalidHyperparameterException;

/** {@code lr(n) = base * factor^k}, {@code k = #{s in steps : n > s}}: changes at {@code s+1}. */
public final class MultiFactorScheduler extends LrScheduler {
  private final long[] steps;
  private final double factor;
  private int cur;

  public MultiFactorScheduler(
      long[] steps,
      double factor,
      double baseLr,
      long warmupSteps,
      double warmupBeginLr,
      String warmupMode) {
    super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
    if (steps.length == 0 || steps[0] < 1) {
      throw new InvalidHyperparameterException(
          "step="
              + java.util.Arrays.toString(steps)
              + " must be a non-empty list of integers >= 1");
    }
    for (int i = 1; i < steps.length; i++) {
      if (steps[i] <= steps[i - 1]) {
        throw new InvalidHyperparameterException(
            "step=" + java.util.Arrays.toString(steps) + " must be increasing");
      }
    }
    if (!(factor <= 1.0) || factor < 0) {
      throw new InvalidHyperparameterException(
          "factor=" + factor + " is outside the allowed range [0, 1]");
    }
    this.steps = steps.clone();
    this.factor = factor;
  }

  @Override
  protected double afterWarmup(long n) {
    while (cur < steps.length && n > steps[cur]) {
      cur++;
      baseLr *= factor;
    }
    return baseLr;
  }

  @Override
  public double[] exportState() {
    return new double[] {baseLr, cur};
  }

  @Override
  public void importState(double[] state) {
    baseLr = state[0];
    cur = (int) state[1];
  }

  @Override
  public LrScheduler copy() {
    MultiFactorScheduler c =
        new MultiFactorScheduler(
            steps,
            factor,
            warmupFinalLr,
            warmupSteps,
            warmupBeginLr,
            warmupLinear ? "linear" : "constant");
    c.importState(exportState());
    return c;
  }
}
