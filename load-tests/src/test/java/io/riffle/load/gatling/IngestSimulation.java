package io.riffle.load.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Bulk NDJSON ingest: {@code riffle.rate} batches per second (default 5) of {@code riffle.batch}
 * examples (default 500) for {@code riffle.duration} seconds. 429 answers are counted, not failed.
 */
public class IngestSimulation extends RiffleSimulation {
  public IngestSimulation() {
    super("load-ingest");
    int batch = Settings.integer("riffle.batch", 500);
    double rate = Settings.number("riffle.rate", 5);
    setUp(
            scenario("ingest")
                .exec(new Chains(model).ingest(spec(), batch))
                .injectOpen(constantUsersPerSec(rate).during(duration)))
        .protocols(protocol())
        .assertions(assertions());
  }
}
