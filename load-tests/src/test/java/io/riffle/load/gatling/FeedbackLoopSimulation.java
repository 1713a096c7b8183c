package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;

/**
 * The delayed-feedback loop: each user predicts, waits {@code riffle.feedbackDelayMs} (default
 * 1000), then sends the ground-truth label by predictionId. {@code riffle.rate} users per second
 * (default 50).
 */
public class FeedbackLoopSimulation extends RiffleSimulation {
  public FeedbackLoopSimulation() {
    super("load-feedback");
    double rate = Settings.number("riffle.rate", 50);
    Duration delay = Duration.ofMillis(Settings.integer("riffle.feedbackDelayMs", 1000));
    setUp(
            scenario("predict-feedback")
                .exec(new Chains(model).predictThenFeedback(spec(), delay))
                .injectOpen(constantUsersPerSec(rate).during(duration)))
        .protocols(protocol())
        .assertions(assertions());
  }
}
