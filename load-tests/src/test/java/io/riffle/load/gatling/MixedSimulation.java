package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;

/**
 * A mixed load on one model, all populations at once for {@code riffle.duration} seconds: ingest
 * ({@code riffle.ingestRate} batches/s, default 2, of {@code riffle.batch} = 500), predict ({@code
 * riffle.predictRate}, 100/s), predict with 32 samples ({@code riffle.posteriorRate}, 10/s), the
 * delayed-feedback loop ({@code riffle.feedbackRate}, 20/s, {@code riffle.feedbackDelayMs} = 1000)
 * and the bandit loop ({@code riffle.rankRate}, 10/s, {@code riffle.actions} = 5). A rate of 0
 * leaves that population out. Each population draws from its own seed.
 */
public class MixedSimulation extends RiffleSimulation {
  public MixedSimulation() {
    super("load-mixed");
    Chains chains = new Chains(model);
    int batch = Settings.integer("riffle.batch", 500);
    int actions = Settings.integer("riffle.actions", 5);
    Duration delay = Duration.ofMillis(Settings.integer("riffle.feedbackDelayMs", 1000));
    var populations = new java.util.ArrayList<io.gatling.javaapi.core.PopulationBuilder>();
    add(populations, "ingest", "riffle.ingestRate", 2, chains.ingest(spec(), batch));
    add(
        populations,
        "predict",
        "riffle.predictRate",
        100,
        chains.predict(spec().withSeed(seed + 1), 0));
    add(
        populations,
        "predict-32-samples",
        "riffle.posteriorRate",
        10,
        chains.predict(spec().withSeed(seed + 2), 32));
    add(
        populations,
        "predict-feedback",
        "riffle.feedbackRate",
        20,
        chains.predictThenFeedback(spec().withSeed(seed + 3), delay));
    add(
        populations,
        "rank-feedback",
        "riffle.rankRate",
        10,
        chains.rankThenFeedback(spec().withSeed(seed + 4), actions, delay));
    if (populations.isEmpty()) {
      throw new IllegalArgumentException("every rate of the mixed load is 0");
    }
    setUp(populations).protocols(protocol()).assertions(assertions());
  }

  private void add(
      java.util.List<io.gatling.javaapi.core.PopulationBuilder> out,
      String name,
      String rateProperty,
      double defaultRate,
      io.gatling.javaapi.core.ChainBuilder chain) {
    double rate = Settings.number(rateProperty, defaultRate);
    if (rate > 0) {
      out.add(scenario(name).exec(chain).injectOpen(constantUsersPerSec(rate).during(duration)));
    }
  }
}
