package io.riffle.load.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scenario's outputs: a Markdown summary table for the console (and {@code BENCHMARKS.md}),
 * {@code kafka-load.json} (settings, machine, every result with its timeline), {@code
 * kafka-load-summary.csv} (one row a mode) and {@code kafka-load-<mode>-timeline.csv} (one row a
 * sample, with the learned and produced rates over the interval before it).
 */
final class KafkaLoadReport {
  private KafkaLoadReport() {}

  private static final String[] SUMMARY_COLUMNS = {
    "mode",
    "records",
    "partitions",
    "features",
    "target_rate",
    "produced_per_s",
    "consume_per_s",
    "learn_per_s",
    "end_to_end_per_s",
    "service_start_s",
    "assignment_s",
    "first_learned_s",
    "done_s",
    "drain_s",
    "max_lag",
    "mean_lag",
    "final_learned",
    "final_lag",
    "complete",
    "load_avg_before",
    "load_avg_after"
  };

  /**
   * The summary as a Markdown table. "examples/s learning" is {@code learnPerSecond} (from the
   * count's first move to N), "end to end" from the first record sent to N; "time to drain" is
   * preload: service ready to N, concurrent: last record acknowledged to N.
   */
  static String table(List<KafkaLoadResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| mode | records | partitions | produce rate | examples/s learning | examples/s end to"
            + " end | time to N | time to drain | max lag | mean lag | final count | final lag |"
            + " load avg |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (KafkaLoadResult r : results) {
      sb.append("| ")
          .append(r.mode())
          .append(r.complete() ? "" : " (INCOMPLETE)")
          .append(" | ")
          .append(r.records())
          .append(" | ")
          .append(r.partitions())
          .append(" | ")
          .append(
              r.targetRate() > 0
                  ? fmt("%.0f/s (target %.0f)", r.producedPerSecond(), r.targetRate())
                  : fmt("%.0f/s", r.producedPerSecond()))
          .append(" | ")
          .append(fmt("%.0f", r.learnPerSecond()))
          .append(" | ")
          .append(fmt("%.0f", r.endToEndPerSecond()))
          .append(" | ")
          .append(r.doneSeconds() < 0 ? "-" : fmt("%.2f s", r.doneSeconds()))
          .append(" | ")
          .append(r.drainSeconds() < 0 ? "-" : fmt("%.2f s", r.drainSeconds()))
          .append(" | ")
          .append(r.maxLag())
          .append(" | ")
          .append(fmt("%.0f", r.meanLag()))
          .append(" | ")
          .append(r.finalLearned())
          .append(" | ")
          .append(r.finalLag())
          .append(" | ")
          .append(fmt("%.2f–%.2f", r.loadAverageBefore(), r.loadAverageAfter()))
          .append(" |\n");
    }
    for (KafkaLoadResult r : results) {
      if (r.error() != null) {
        sb.append("\n").append(r.mode()).append(": ").append(r.error());
      }
    }
    return sb.toString();
  }

  /** Writes the JSON and CSV files into {@code dir}; returns the paths written. */
  static List<Path> write(Path dir, KafkaLoadSettings settings, List<KafkaLoadResult> results)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("settings", settingsMap(settings));
    doc.put("machine", machine());
    doc.put("results", results);
    Path json = dir.resolve("kafka-load.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
    written.add(json);

    StringBuilder csv = new StringBuilder(String.join(",", SUMMARY_COLUMNS)).append('\n');
    for (KafkaLoadResult r : results) {
      csv.append(
              String.join(
                  ",",
                  r.mode(),
                  Long.toString(r.records()),
                  Integer.toString(r.partitions()),
                  Integer.toString(r.features()),
                  fmt("%.1f", r.targetRate()),
                  fmt("%.1f", r.producedPerSecond()),
                  fmt("%.1f", r.consumePerSecond()),
                  fmt("%.1f", r.learnPerSecond()),
                  fmt("%.1f", r.endToEndPerSecond()),
                  fmt("%.3f", r.serviceStartSeconds()),
                  fmt("%.3f", r.assignmentSeconds()),
                  fmt("%.3f", r.firstLearnedSeconds()),
                  fmt("%.3f", r.doneSeconds()),
                  fmt("%.3f", r.drainSeconds()),
                  Long.toString(r.maxLag()),
                  fmt("%.1f", r.meanLag()),
                  Long.toString(r.finalLearned()),
                  Long.toString(r.finalLag()),
                  Boolean.toString(r.complete()),
                  fmt("%.2f", r.loadAverageBefore()),
                  fmt("%.2f", r.loadAverageAfter())))
          .append('\n');
    }
    Path summary = dir.resolve("kafka-load-summary.csv");
    Files.writeString(summary, csv, StandardCharsets.UTF_8);
    written.add(summary);

    for (KafkaLoadResult r : results) {
      Path timeline = dir.resolve("kafka-load-" + r.mode() + "-timeline.csv");
      Files.writeString(timeline, timelineCsv(r.samples()), StandardCharsets.UTF_8);
      written.add(timeline);
    }
    return written;
  }

  /**
   * {@code seconds,produced,learned,lag,learned_per_s,produced_per_s}; the rates are over the
   * interval since the previous sample (empty in the first row).
   */
  static String timelineCsv(List<LagSample> samples) {
    StringBuilder sb =
        new StringBuilder("seconds,produced,learned,lag,learned_per_s,produced_per_s\n");
    LagSample prev = null;
    for (LagSample s : samples) {
      sb.append(fmt("%.3f", s.seconds()))
          .append(',')
          .append(s.produced())
          .append(',')
          .append(s.learned())
          .append(',')
          .append(s.lag())
          .append(',');
      double dt = prev == null ? 0 : s.seconds() - prev.seconds();
      if (dt > 0) {
        sb.append(fmt("%.1f", (s.learned() - prev.learned()) / dt))
            .append(',')
            .append(fmt("%.1f", (s.produced() - prev.produced()) / dt));
      } else {
        sb.append(',');
      }
      sb.append('\n');
      prev = s;
    }
    return sb.toString();
  }

  private static Map<String, Object> settingsMap(KafkaLoadSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("records", s.records());
    m.put("partitions", s.partitions());
    m.put("features", s.features());
    m.put("seed", s.seed());
    m.put("modes", s.modes().stream().map(KafkaLoadSettings.Mode::label).toList());
    m.put("rate", s.rate());
    m.put("bootstrap", s.bootstrap() == null ? "in-JVM KRaft broker" : s.bootstrap());
    m.put("url", s.url() == null ? "service jar started per mode" : s.url());
    m.put("model", s.model());
    m.put("modelSpec", s.url() == null ? s.modelJson() : "as configured in the running service");
    m.put("consumerProperties", s.consumerProperties());
    m.put("sampleMs", s.sampleEvery().toMillis());
    return m;
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("loadAverage", KafkaLoadRun.loadAverage());
    return m;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
