package io.riffle.load.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.load.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenarios against {@code FakeRiffle} (the contract's shapes, no learning): proves the Gatling
 * wiring, feeders, checks and the in-process entry point work while the real jar does not exist.
 * Says nothing about the service.
 */
class GatlingWiringTest {
  private static Path dir;
  private static ServiceProcess fake;

  @BeforeAll
  static void startFake() throws Exception {
    dir = Files.createTempDirectory("riffle-fake-");
    fake = ServiceProcess.start(io.riffle.load.FakeJarAccess.write(dir), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopFake() {
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void mixedScenarioShouldRunCleanAgainstTheStandIn() throws Exception {
    assertThat(
            GatlingSmokeTest.Smoke.run(
                MixedSimulation.class,
                fake.baseUrl(),
                Map.of(
                    "riffle.ingestRate", "2",
                    "riffle.batch", "20",
                    "riffle.predictRate", "5",
                    "riffle.posteriorRate", "3",
                    "riffle.feedbackRate", "3",
                    "riffle.rankRate", "3",
                    "riffle.feedbackDelayMs", "200")))
        .isZero();
  }

  @Test
  void failedRequestsShouldMakeTheRunFail() throws Exception {
    assertThat(
            GatlingSmokeTest.Smoke.run(
                PredictSimulation.class, fake.baseUrl(), Map.of("riffle.model", "broken")))
        .isNotZero();
  }

  @Test
  void predictScenarioShouldRunCleanAgainstTheStandIn() throws Exception {
    assertThat(GatlingSmokeTest.Smoke.run(PredictSimulation.class, fake.baseUrl(), Map.of()))
        .isZero();
  }
}
