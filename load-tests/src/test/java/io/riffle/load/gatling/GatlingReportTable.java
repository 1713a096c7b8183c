package io.riffle.load.gatling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The BENCHMARKS.md rows from Gatling HTML reports. Gatling 3.15 writes no {@code stats.json} or
 * {@code global_stats.json} any more: the numbers live in the statistics table of each report's
 * {@code index.html}, whose columns are named by the percentiles configured in {@code gatling.conf}
 * (here 50, 95, 99, 99.9). This reads that table's "All Requests" row (and, with {@code
 * --requests}, each request's row).
 *
 * <p>JDK only, so it runs as a source file without a build:
 *
 * <pre>
 * java load-tests/src/test/java/io/riffle/load/gatling/GatlingReportTable.java \
 *     load-tests/target/gatling [--all-runs] [--requests]
 * </pre>
 *
 * Each argument is a report directory or a directory of them; by default only the newest run of
 * each simulation is shown.
 */
public final class GatlingReportTable {
  private static final Pattern HEAD = Pattern.compile("<th id=\"col-(\\d+)\"[^>]*>(.*?)</th>");
  private static final Pattern ROW = Pattern.compile("<tr id=\"([^\"]+)\"[^>]*>(.*?)</tr>", 32);
  private static final Pattern CELL =
      Pattern.compile("<td class=\"[^\"]*\\bcol-(\\d+)\">([^<]*)</td>");
  private static final Pattern NAME = Pattern.compile("class=\"ellipsed-name\">([^<]*)<");
  private static final Pattern SIMULATION =
      Pattern.compile("<div class=\"onglet\">\\s*([^<]*?)\\s*</div>");
  private static final Pattern TAG = Pattern.compile("<[^>]+>");

  private GatlingReportTable() {}

  /**
   * One row of a report's statistics table.
   *
   * @param simulation the simulation's name
   * @param run the report directory's name
   * @param request "All Requests" or the request's name
   * @param values cell text by column label ({@code Total}, {@code KO}, {@code Cnt/s}, {@code 50th
   *     pct}, {@code 99.9th pct}, {@code Max}, ...)
   */
  public record Row(String simulation, String run, String request, Map<String, String> values) {
    /** The cell of the first column whose label matches, or "?" if none. */
    String get(String... labels) {
      for (String l : labels) {
        String v = values.get(l);
        if (v != null) {
          return v;
        }
      }
      return "?";
    }
  }

  public static void main(String[] args) throws IOException {
    boolean allRuns = false;
    boolean requests = false;
    List<Path> roots = new ArrayList<>();
    for (String a : args) {
      switch (a) {
        case "--all-runs" -> allRuns = true;
        case "--requests" -> requests = true;
        default -> roots.add(Path.of(a));
      }
    }
    if (roots.isEmpty()) {
      roots.add(Path.of("load-tests", "target", "gatling"));
    }
    List<Row> rows = new ArrayList<>();
    for (Path dir : reports(roots, allRuns)) {
      for (Row r : read(dir)) {
        if (requests || r.request().equals("All Requests")) {
          rows.add(r);
        }
      }
    }
    System.out.print(markdown(rows));
  }

  /** Report directories under {@code roots}: the newest of each simulation unless {@code all}. */
  static List<Path> reports(List<Path> roots, boolean all) throws IOException {
    Map<String, Path> newest = new TreeMap<>();
    List<Path> every = new ArrayList<>();
    for (Path root : roots) {
      List<Path> candidates;
      if (Files.isRegularFile(root.resolve("index.html"))) {
        candidates = List.of(root);
      } else {
        try (Stream<Path> s = Files.list(root)) {
          candidates =
              s.filter(d -> Files.isRegularFile(d.resolve("index.html"))).sorted().toList();
        }
      }
      for (Path d : candidates) {
        every.add(d);
        // <simulation>-<yyyyMMddHHmmssSSS>: sorted names put the newest run last
        String name = d.getFileName().toString();
        int dash = name.lastIndexOf('-');
        newest.put(dash > 0 ? name.substring(0, dash) : name, d);
      }
    }
    return all ? every : List.copyOf(newest.values());
  }

  /** The statistics table of one report. */
  static List<Row> read(Path reportDir) throws IOException {
    String html = Files.readString(reportDir.resolve("index.html"), StandardCharsets.UTF_8);
    Map<String, String> labels = new LinkedHashMap<>();
    Matcher h = HEAD.matcher(html);
    while (h.find()) {
      labels.put(h.group(1), TAG.matcher(h.group(2)).replaceAll("").trim());
    }
    Matcher sim = SIMULATION.matcher(html);
    String simulation = sim.find() ? sim.group(1) : reportDir.getFileName().toString();
    List<Row> rows = new ArrayList<>();
    Matcher r = ROW.matcher(html);
    while (r.find()) {
      String body = r.group(2);
      Matcher name = NAME.matcher(body);
      if (!name.find()) {
        continue;
      }
      Map<String, String> values = new LinkedHashMap<>();
      Matcher c = CELL.matcher(body);
      while (c.find()) {
        String label = labels.get(c.group(1));
        if (label != null) {
          values.put(label, c.group(2).trim());
        }
      }
      if (!values.isEmpty()) {
        rows.add(
            new Row(simulation, reportDir.getFileName().toString(), name.group(1).trim(), values));
      }
    }
    if (rows.isEmpty()) {
      throw new IOException("no statistics table in " + reportDir.resolve("index.html"));
    }
    return rows;
  }

  /**
   * The BENCHMARKS.md columns: requests, throughput (Gatling's Cnt/s: requests per second over the
   * run), p50, p95, p99, p99.9, max (ms) and errors (KO requests).
   */
  static String markdown(List<Row> rows) {
    StringBuilder sb =
        new StringBuilder(
            "| simulation | request | requests | req/s | p50 | p95 | p99 | p99.9 | max | errors |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              r.simulation(),
              r.request(),
              r.get("Total"),
              r.get("Cnt/s"),
              r.get("50th pct"),
              r.get("95th pct"),
              r.get("99th pct"),
              r.get("99.9th pct"),
              r.get("Max"),
              r.get("KO")));
    }
    return sb.toString();
  }
}
