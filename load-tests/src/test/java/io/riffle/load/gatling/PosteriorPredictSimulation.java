package io.riffle.load.gatling;

/**
 * Predictions with posterior uncertainty: as {@link PredictSimulation} with {@code riffle.samples}
 * defaulting to 32 (quantiles 0.05 and 0.95) and {@code riffle.rate} to 50 per second.
 */
public class PosteriorPredictSimulation extends PredictSimulation {
  public PosteriorPredictSimulation() {
    super("load-posterior", 32, 50);
  }
}
