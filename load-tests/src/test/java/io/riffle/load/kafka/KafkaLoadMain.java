package io.riffle.load.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka load scenario as a command (load-tests/README.md): {@code ./mvnw -B -pl load-tests -am
 * verify -DskipTests -Pkafka-load -Driffle.records=1000000}. Settings are system properties ({@link
 * KafkaLoadSettings#fromProperties}). Starts a broker in this JVM unless {@code
 * riffle.kafka.bootstrap} names one, runs each mode, prints the summary table and writes the JSON
 * and CSV files. Fails (an exception, so Maven fails too) when a mode did not end with exactly N
 * examples learned and no lag.
 */
public final class KafkaLoadMain {
  private KafkaLoadMain() {}

  public static void main(String[] args) throws Exception {
    KafkaLoadSettings settings = KafkaLoadSettings.fromProperties(System.getProperties());
    List<KafkaLoadResult> results = run(settings);
    System.out.println();
    System.out.println(KafkaLoadReport.table(results));
    for (Path p : KafkaLoadReport.write(settings.out(), settings, results)) {
      System.out.println("[riffle] wrote " + p.toAbsolutePath());
    }
    if (!results.stream().allMatch(KafkaLoadResult::complete)) {
      throw new IllegalStateException(
          "a mode did not end with exactly " + settings.records() + " examples and no lag");
    }
  }

  /** Runs every mode of {@code settings} (starting and stopping a broker when none is given). */
  static List<KafkaLoadResult> run(KafkaLoadSettings settings) throws Exception {
    List<KafkaLoadResult> results = new ArrayList<>();
    LocalKafka local = null;
    try {
      String bootstrap = settings.bootstrap();
      if (bootstrap == null) {
        local = LocalKafka.start();
        bootstrap = local.bootstrapServers();
      }
      for (KafkaLoadSettings.Mode mode : settings.modes()) {
        System.out.printf(
            "[riffle] kafka %s: %d records, %d partitions, %d features%n",
            mode.label(), settings.records(), settings.partitions(), settings.features());
        KafkaLoadResult r = new KafkaLoadRun(settings, mode, bootstrap).run();
        results.add(r);
      }
    } finally {
      if (local != null) {
        local.close();
      }
    }
    return results;
  }
}
