package io.riffle.load.gatling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatling.javaapi.core.Simulation;
import io.riffle.load.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every scenario for a few seconds at tiny rates against the real service jar, through
 * Gatling's own entry point; a failed request or a failed assertion makes Gatling's exit code
 * non-zero. Skipped while {@code service/target/riffle.jar} does not exist. {@link
 * GatlingWiringTest} runs the same against a stand-in.
 */
class GatlingSmokeTest {
  private static ServiceProcess service;

  @BeforeAll
  static void startService() {
    Optional<Path> jar = ServiceProcess.locateJar();
    assumeTrue(jar.isPresent(), "service/target/riffle.jar not built yet");
    service = ServiceProcess.start(jar.get(), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void ingestShouldRunWithoutFailures() throws Exception {
    assertThat(Smoke.run(IngestSimulation.class, service.baseUrl(), Map.of("riffle.batch", "50")))
        .isZero();
  }

  @Test
  void predictShouldRunWithoutFailures() throws Exception {
    assertThat(Smoke.run(PredictSimulation.class, service.baseUrl(), Map.of())).isZero();
  }

  @Test
  void posteriorPredictShouldRunWithoutFailures() throws Exception {
    assertThat(Smoke.run(PosteriorPredictSimulation.class, service.baseUrl(), Map.of())).isZero();
  }

  @Test
  void feedbackLoopShouldRunWithoutFailures() throws Exception {
    assertThat(
            Smoke.run(
                FeedbackLoopSimulation.class,
                service.baseUrl(),
                Map.of("riffle.feedbackDelayMs", "300")))
        .isZero();
  }

  @Test
  void rankFeedbackShouldRunWithoutFailures() throws Exception {
    assertThat(Smoke.run(RankFeedbackSimulation.class, service.baseUrl(), Map.of())).isZero();
  }

  @Test
  void mixedShouldRunWithoutFailures() throws Exception {
    assertThat(
            Smoke.run(
                MixedSimulation.class,
                service.baseUrl(),
                Map.of(
                    "riffle.ingestRate", "1",
                    "riffle.batch", "50",
                    "riffle.predictRate", "5",
                    "riffle.posteriorRate", "2",
                    "riffle.feedbackRate", "2",
                    "riffle.rankRate", "2",
                    "riffle.feedbackDelayMs", "300")))
        .isZero();
  }

  /** Runs one simulation in this JVM with smoke-sized settings; returns Gatling's exit code. */
  static final class Smoke {
    private Smoke() {}

    static int run(Class<? extends Simulation> simulation, String url, Map<String, String> extra)
        throws Exception {
      return run(
          simulation,
          url,
          extra,
          Files.createDirectories(Path.of("target", "gatling-smoke")),
          false);
    }

    /** As above, into {@code results}, with the HTML report when {@code reports}. */
    static synchronized int run(
        Class<? extends Simulation> simulation,
        String url,
        Map<String, String> extra,
        Path results,
        boolean reports)
        throws Exception {
      Properties saved = (Properties) System.getProperties().clone();
      try {
        System.setProperty("riffle.url", url);
        System.setProperty("riffle.rate", "3");
        System.setProperty("riffle.duration", "3");
        System.setProperty("riffle.warmup", "200");
        System.setProperty("riffle.model", "smoke-" + simulation.getSimpleName().toLowerCase());
        extra.forEach(System::setProperty);
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--simulation",
                    simulation.getName(),
                    "--results-folder",
                    results.toAbsolutePath().toString(),
                    "--launcher",
                    "junit"));
        if (!reports) {
          args.add("--no-reports");
        }
        return io.gatling.app.Gatling$.MODULE$.fromArgs(args.toArray(String[]::new));
      } finally {
        System.setProperties(saved);
      }
    }
  }
}
