package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.riffle.load.gen.StreamSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** The request chains the simulations are built from; one instance per model. */
final class Chains {
  /** Regret of the bandit loop: sum over rank calls of (oracle's p - chosen action's p). */
  static final DoubleAdder REGRET = new DoubleAdder();

  static final LongAdder RANKS = new LongAdder();

  private final String prefix;

  Chains(String model) {
    this.prefix = "/v1/models/" + model + "/";
  }

  /** One NDJSON batch of {@code batch} examples; 200 must reject none, 429 is counted. */
  ChainBuilder ingest(StreamSpec spec, int batch) {
    return feed(Feeders.ndjsonBatches(spec, batch))
        .exec(
            http("ingest")
                .post(prefix + "examples")
                .header("Content-Type", "application/x-ndjson")
                .body(StringBody("#{body}"))
                .check(status().in(200, 429).saveAs("status"))
                .checkIf((response, session) -> response.status().code() == 200)
                .then(jmesPath("rejected").ofInt().is(0), jmesPath("accepted").ofInt().is(batch)))
        .exec(RiffleSimulation.countThrottled());
  }

  /** One predict; {@code samples > 0} asks for posterior samples and checks the uncertainty. */
  ChainBuilder predict(StreamSpec spec, int samples) {
    String name = samples > 0 ? "predict-" + samples + "-samples" : "predict";
    var request =
        http(name)
            .post(prefix + "predict")
            .body(StringBody("#{predictBody}"))
            .check(status().is(200))
            .check(jmesPath("prediction").ofDouble().exists())
            .check(jmesPath("predictionId").saveAs("predictionId"));
    if (samples > 0) {
      request = request.check(jmesPath("uncertainty.std").ofDouble().exists());
    }
    return feed(Feeders.predictions(spec, samples)).exec(request);
  }

  /**
   * The delayed-feedback loop: predict, wait {@code delay}, then send the label (drawn from the
   * true probability) for that predictionId.
   */
  ChainBuilder predictThenFeedback(StreamSpec spec, Duration delay) {
    return predict(spec, 0)
        .pause(delay)
        .exec(
            http("feedback")
                .post(prefix + "feedback")
                .body(StringBody("{\"predictionId\":\"#{predictionId}\",\"label\":#{label}}"))
                .check(status().is(200))
                .check(jmesPath("accepted").ofInt().is(1)));
  }

  /**
   * The bandit loop: rank {@code actions} candidates, wait {@code delay}, feed back the label of
   * the chosen action drawn from its true probability; regret is tallied in {@link #REGRET}.
   */
  ChainBuilder rankThenFeedback(StreamSpec spec, int actions, Duration delay) {
    return feed(Feeders.rankCases(spec, actions))
        .exec(
            http("rank")
                .post(prefix + "rank")
                .body(StringBody("#{rankBody}"))
                .check(status().is(200))
                .check(jmesPath("chosen").saveAs("chosen"))
                .check(jmesPath("predictionId").saveAs("predictionId")))
        .exec(Chains::drawRankLabel)
        .pause(delay)
        .exec(
            http("rank-feedback")
                .post(prefix + "feedback")
                .body(StringBody("{\"predictionId\":\"#{predictionId}\",\"label\":#{label}}"))
                .check(status().is(200)));
  }

  private static Session drawRankLabel(Session s) {
    Map<String, Double> p = s.getMap("trueP");
    Double chosen = p.get(s.getString("chosen"));
    if (chosen == null) {
      // an id the request did not offer: the next feedback still goes out, the run records it
      return s.set("label", 0).markAsFailed();
    }
    REGRET.add(s.getDouble("best") - chosen);
    RANKS.increment();
    return s.set("label", s.getDouble("u") < chosen ? 1 : 0);
  }
}
