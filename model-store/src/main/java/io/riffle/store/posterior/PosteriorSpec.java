package io.riffle.store.posterior;

/**
 * Settings of a model's SGLD posterior chain (Welling and Teh, "Bayesian Learning via Stochastic
 * Gradient Langevin Dynamics", ICML 2011; with control variates, see {@link SgldChain}). The chain
 * samples the tempered posterior given the examples in the model's replay window:
 *
 * <pre>
 *   p(w | window) ∝ exp( -(1/T) * [ sum over the window of loss_i(w) + (lambda/2) * |w|^2 ] )
 * </pre>
 *
 * <p>The window is the posterior's data: its size {@code N} grows with the stream until the
 * window's memory bound, after which old examples leave it. That bounds how certain the model may
 * become and keeps it able to follow drift. Each row's step size follows it, {@code eta = stepScale
 * / (lambda + N * curvature * q_row)} with {@code q_row} the row's mean squared feature value, so
 * that a touch of the row stays well inside the stability limit as data grows (see {@link
 * SgldChain#stepSize}).
 *
 * @param priorPrecision {@code lambda > 0}: Gaussian prior N(0, T/lambda) per weight; default 1
 * @param temperature {@code T > 0}; 1 is the Bayesian posterior; default 1
 * @param stepScale {@code c} in the step size above, in (0, 2]; default 0.1 (a typical touch
 *     relaxes the row by about c/2 towards its conditional mean)
 * @param burnIn chain steps before the running moments start; default 100
 * @param horizon the moments forget on a horizon of {@code horizon * N} chain steps, so they track
 *     the posterior as it narrows with data; default 0.1
 * @param seed noise seed (the noise is a function of seed, element and step, so replays and shard
 *     layouts draw the same values)
 */
public record PosteriorSpec(
    double priorPrecision,
    double temperature,
    double stepScale,
    long burnIn,
    double horizon,
    long seed) {

  /** Defaults, calibrated on ordinary data (see the calibration test). */
  public static PosteriorSpec defaults() {
    return new PosteriorSpec(1.0, 1.0, 0.1, 100, 0.1, 0x5EED);
  }

  public PosteriorSpec {
    check("priorPrecision", priorPrecision, priorPrecision > 0, "(0, inf)");
    check("temperature", temperature, temperature > 0, "(0, inf)");
    check("stepScale", stepScale, stepScale > 0 && stepScale <= 2, "(0, 2]");
    check("burnIn", burnIn, burnIn >= 0, "[0, inf)");
    check("horizon", horizon, horizon > 0, "(0, inf)");
  }

  private static void check(String name, double v, boolean ok, String range) {
    if (!Double.isFinite(v) || !ok) {
      throw new IllegalArgumentException(
          "posterior " + name + "=" + v + " is outside the allowed range " + range);
    }
  }
}
