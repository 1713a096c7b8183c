package io.riffle.load.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.load.FakeJarAccess;
import io.riffle.load.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Gatling HTML report (a short predict run against {@code FakeRiffle}) carries the
 * percentiles of {@code gatling.conf}, p99.9 included, and {@link GatlingReportTable} reads them.
 */
class GatlingReportTableTest {

  @Test
  void reportShouldCarryP999AndTheTableShouldReadIt(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("gatling");
    try (ServiceProcess fake =
        ServiceProcess.start(FakeJarAccess.write(dir), Duration.ofSeconds(30))) {
      assertThat(
              GatlingSmokeTest.Smoke.run(
                  PredictSimulation.class, fake.baseUrl(), Map.of(), results, true))
          .isZero();
    }

    List<Path> reports = GatlingReportTable.reports(List.of(results), false);
    assertThat(reports).hasSize(1);
    List<GatlingReportTable.Row> rows = GatlingReportTable.read(reports.get(0));
    GatlingReportTable.Row all = rows.get(0);
    assertThat(all.simulation()).isEqualTo("PredictSimulation");
    assertThat(all.request()).isEqualTo("All Requests");
    assertThat(all.values())
        .containsKeys("Total", "KO", "Cnt/s", "50th pct", "95th pct", "99th pct", "99.9th pct")
        .containsKey("Max");
    long total = Long.parseLong(all.get("Total"));
    assertThat(total).isPositive();
    assertThat(all.get("KO")).isEqualTo("0");
    long p99 = Long.parseLong(all.get("99th pct"));
    long p999 = Long.parseLong(all.get("99.9th pct"));
    long max = Long.parseLong(all.get("Max"));
    assertThat(p999).isBetween(p99, max);
    assertThat(rows).extracting(GatlingReportTable.Row::request).contains("predict");

    String table = GatlingReportTable.markdown(List.of(all));
    assertThat(table).contains("| p99.9 |").contains("| PredictSimulation | All Requests | ");
    assertThat(table).doesNotContain("?");
  }
}
