package io.riffle.store.posterior;

/**
 * Settings of a model's SGLD posterior chain (Welling and Teh, "Bayesian Learning via Stochastic
 * Gradient Langevin Dynamics", ICML 2011). The chain samples the tempered posterior
 *
 * <pre>
 *   p(w | data) ∝ exp( -(1/T) * [ N * mean_i loss_i(w) + (lambda/2) * |w|^2 ] )
 * </pre>
 *
 * with one step per learn step: {@code w <- w - (eta/2) * (N * g_mean + lambda * w) + sqrt(eta * T)
 * * xi}, where {@code g_mean} is the mean loss gradient of the micro-batch (so {@code N/B} plays
 * MXNet's {@code rescale_grad} and {@code lambda} its {@code wd}).
 *
 * <p>{@code N}, the effective data size, is the number of examples learned so far, capped at {@link
 * #maxDataSize} (a stream is not a fixed data set: the cap bounds how certain the model may become,
 * which keeps it able to follow drift), or {@link #dataSize} when set. The step size follows it,
 * {@code eta = stepScale / N}, so that {@code eta * N * curvature} stays below the stability limit
 * of the discretisation as data grows.
 *
 * @param priorPrecision {@code lambda > 0}: Gaussian prior N(0, T/lambda) per weight
 * @param temperature {@code T > 0}; 1 is the Bayesian posterior
 * @param stepScale {@code c} in {@code eta = c / N}
 * @param dataSize fixed {@code N} if {@code > 0}; else examples seen
 * @param maxDataSize cap on {@code N} when it follows the stream
 * @param burnIn chain steps before the running moments start
 * @param horizon the moments forget on a horizon of {@code horizon * N} chain steps, so they track
 *     the posterior as it narrows with data; Welford's exact average until then
 * @param seed noise seed (the noise is a function of seed, row and step, so replays and shard
 *     layouts draw the same values)
 */
public record PosteriorSpec(
    double priorPrecision,
    double temperature,
    double stepScale,
    double dataSize,
    double maxDataSize,
    long burnIn,
    double horizon,
    long seed) {

  /** Defaults that are calibrated on ordinary data (see the calibration test). */
  public static PosteriorSpec defaults() {
    return new PosteriorSpec(1.0, 1.0, 0.5, 0, 1_000_000, 100, 0.1, 0x5EED);
  }

  public PosteriorSpec {
    check("priorPrecision", priorPrecision, priorPrecision > 0, "(0, inf)");
    check("temperature", temperature, temperature > 0, "(0, inf)");
    check("stepScale", stepScale, stepScale > 0 && stepScale <= 2, "(0, 2]");
    check("dataSize", dataSize, dataSize >= 0, "[0, inf)");
    check("maxDataSize", maxDataSize, maxDataSize >= 1, "[1, inf)");
    check("burnIn", burnIn, burnIn >= 0, "[0, inf)");
    check("horizon", horizon, horizon > 0, "(0, inf)");
  }

  private static void check(String name, double v, boolean ok, String range) {
    if (!Double.isFinite(v) || !ok) {
      throw new IllegalArgumentException(
          "posterior " + name + "=" + v + " is outside the allowed range " + range);
    }
  }

  /** The effective data size after {@code examples} examples. */
  public double effectiveN(long examples) {
    if (dataSize > 0) {
      return dataSize;
    }
    return Math.max(1.0, Math.min((double) examples, maxDataSize));
  }

  /** The step size for data size {@code n}. */
  public double eta(double n) {
    return stepScale / n;
  }
}
