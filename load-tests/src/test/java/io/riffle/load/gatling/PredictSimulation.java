package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Single predictions at a fixed arrival rate (open model): {@code riffle.rate} per second (default
 * 200) for {@code riffle.duration} seconds; {@code riffle.samples} posterior samples (default 0).
 */
public class PredictSimulation extends RiffleSimulation {
  public PredictSimulation() {
    this("load-predict", 0, 200);
  }

  protected PredictSimulation(String defaultModel, int defaultSamples, double defaultRate) {
    super(defaultModel);
    int samples = Settings.integer("riffle.samples", defaultSamples);
    double rate = Settings.number("riffle.rate", defaultRate);
    setUp(
            scenario(samples > 0 ? "predict-" + samples + "-samples" : "predict")
                .exec(new Chains(model).predict(spec(), samples))
                .injectOpen(constantUsersPerSec(rate).during(duration)))
        .protocols(protocol())
        .assertions(assertions());
  }
}
