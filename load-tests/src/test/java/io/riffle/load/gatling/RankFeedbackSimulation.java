package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;

/**
 * The bandit loop: rank {@code riffle.actions} candidates (default 5), wait {@code
 * riffle.feedbackDelayMs} (default 200), feed back the chosen action's ground-truth label. {@code
 * riffle.rate} users per second (default 50). Prints the mean regret at the end.
 */
public class RankFeedbackSimulation extends RiffleSimulation {
  public RankFeedbackSimulation() {
    super("load-rank");
    double rate = Settings.number("riffle.rate", 50);
    int actions = Settings.integer("riffle.actions", 5);
    Duration delay = Duration.ofMillis(Settings.integer("riffle.feedbackDelayMs", 200));
    setUp(
            scenario("rank-feedback")
                .exec(new Chains(model).rankThenFeedback(spec(), actions, delay))
                .injectOpen(constantUsersPerSec(rate).during(duration)))
        .protocols(protocol())
        .assertions(assertions());
  }

  @Override
  public void before() {
    Chains.REGRET.reset();
    Chains.RANKS.reset();
    super.before();
  }

  @Override
  public void after() {
    long n = Chains.RANKS.sum();
    System.out.printf(
        "[riffle] rank calls %d, mean regret %.4f%n", n, n == 0 ? 0 : Chains.REGRET.sum() / n);
    super.after();
  }
}
