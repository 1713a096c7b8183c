package io.riffle.load.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.load.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both modes of the Kafka scenario at a tiny size against the real service jar and a broker in this
 * JVM: the model's count reaches exactly N, the lag ends at 0, and the files are written. Skipped
 * while {@code service/target/riffle.jar} does not exist.
 */
class KafkaLoadSmokeTest {

  @Test
  void bothModesShouldLearnExactlyNAndEndWithoutLag(@TempDir Path out) throws Exception {
    assumeTrue(ServiceProcess.locateJar().isPresent(), "service/target/riffle.jar not built yet");
    Properties p = new Properties();
    p.setProperty("riffle.records", "3000");
    p.setProperty("riffle.partitions", "3");
    p.setProperty("riffle.rate", "1500");
    p.setProperty("riffle.sampleMs", "100");
    p.setProperty("riffle.timeoutSeconds", "120");
    p.setProperty("riffle.out", out.toString());
    KafkaLoadSettings settings = KafkaLoadSettings.fromProperties(p);

    List<KafkaLoadResult> results = KafkaLoadMain.run(settings);
    System.out.println(KafkaLoadReport.table(results));

    assertThat(results).extracting(KafkaLoadResult::mode).containsExactly("preload", "concurrent");
    for (KafkaLoadResult r : results) {
      assertThat(r.error()).as(r.mode()).isNull();
      assertThat(r.complete()).as(r.mode()).isTrue();
      assertThat(r.finalLearned()).as(r.mode()).isEqualTo(3000);
      assertThat(r.finalLag()).as(r.mode()).isZero();
      assertThat(r.samples()).as(r.mode()).isNotEmpty();
      assertThat(r.samples()).allSatisfy(s -> assertThat(s.lag()).isBetween(0L, 3000L));
      assertThat(r.samples()).allSatisfy(s -> assertThat(s.learned()).isBetween(0L, 3000L));
    }
    // preload: every record was in the topic before the service started
    assertThat(results.get(0).samples().get(0).produced()).isEqualTo(3000);
    assertThat(results.get(0).maxLag()).isPositive();

    KafkaLoadReport.write(out, settings, results);
    JsonNode json = new ObjectMapper().readTree(out.resolve("kafka-load.json").toFile());
    assertThat(json.path("results")).hasSize(2);
    assertThat(json.path("results").get(1).path("finalLag").asLong(-1)).isZero();
    assertThat(Files.readAllLines(out.resolve("kafka-load-summary.csv"))).hasSize(3);
    assertThat(Files.readAllLines(out.resolve("kafka-load-concurrent-timeline.csv")))
        .first()
        .isEqualTo("seconds,produced,learned,lag,learned_per_s,produced_per_s");
    assertThat(KafkaLoadReport.table(results)).contains("| preload |").contains("| concurrent |");
  }
}
