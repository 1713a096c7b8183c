package io.riffle.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints Markdown tables from a JMH JSON result ({@code -rf json -rff FILE}) of {@link
 * OptimizerStepBenchmark}: ns per step and per touched row for the sparse step, ns per step, ns per
 * element and GB/s for the dense step, and {@code gc.alloc.rate.norm} (bytes allocated per step,
 * present when run with {@code -prof gc}); and, for {@link ModelLearnBenchmark}, ns per example,
 * examples per second and allocation per example.
 *
 * <p>GB/s uses {@link OptimizerStepBenchmark#denseBytesPerStep} with the number of state arrays
 * taken from the optimizer itself (it is built through the registry, so every registered optimizer
 * works): {@code N * (8 * (1 + S) + 8) * steps/s / 1e9}.
 *
 * <pre>
 *   java -cp load-tests/target/benchmarks.jar io.riffle.bench.BenchReport /tmp/bench.json
 * </pre>
 */
public final class BenchReport {
  private BenchReport() {}

  /** Entry point: one argument, the JSON file. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BenchReport <jmh-result.json>");
      System.exit(2);
    }
    String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    print(Json.parse(json), System.out);
  }

  /** Writes the tables for the parsed JMH result {@code root} (a JSON array). */
  static void print(Object root, PrintStream out) {
    List<String> sparse = new ArrayList<>();
    List<String> dense = new ArrayList<>();
    List<String> learn = new ArrayList<>();
    for (Object o : (List<?>) root) {
      Map<?, ?> r = (Map<?, ?>) o;
      String bench = (String) r.get("benchmark");
      Map<?, ?> params = r.get("params") instanceof Map<?, ?> p ? p : Map.of();
      Map<?, ?> pm = (Map<?, ?>) r.get("primaryMetric");
      double score = number(pm.get("score"));
      double err = number(pm.get("scoreError"));
      String unit = (String) pm.get("scoreUnit");
      double nsPerStep = nsPerOp(score, unit);
      double nsErr =
          Double.isNaN(err) ? Double.NaN : Math.abs(nsPerOp(score + err, unit) - nsPerStep);
      double alloc = allocNorm(r.get("secondaryMetrics"));
      double[] range = rawRange(pm.get("rawData"), unit);
      String opt = String.valueOf(params.get("opt"));
      if (bench.endsWith(".sparseStep")) {
        int touched = Integer.parseInt(String.valueOf(params.get("touched")));
        sparse.add(
            row(
                opt,
                Integer.toString(touched),
                spread(nsPerStep, nsErr, range, 1),
                fmt(nsPerStep / touched),
                fmt(alloc)));
      } else if (bench.endsWith(".denseStep")) {
        int s = OptimizerStepBenchmark.stateArrays(opt);
        long bytes = OptimizerStepBenchmark.denseBytesPerStep(OptimizerStepBenchmark.DENSE_N, s);
        double gbs = bytes / nsPerStep; // bytes per ns = GB/s (1e9 bytes)
        dense.add(
            row(
                opt,
                Integer.toString(s),
                spread(nsPerStep, nsErr, range, 1e3),
                fmt(nsPerStep / OptimizerStepBenchmark.DENSE_N),
                fmt(bytes / 1048576.0),
                fmt(gbs),
                fmt(alloc)));
      } else if (bench.contains("ModelLearnBenchmark.")) {
        Object posterior = params.get("posterior");
        Object pool = params.get("pool");
        learn.add(
            row(
                bench.substring(bench.lastIndexOf('.') + 1),
                String.valueOf(params.get("features")),
                posterior == null ? "-" : "true".equals(posterior) ? "SGLD" : "none",
                pool == null ? Integer.toString(ModelLearnBenchmark.POOL) : String.valueOf(pool),
                spread(nsPerStep, nsErr, range, 1),
                fmt(1e9 / nsPerStep),
                fmt(alloc)));
      }
    }
    if (!sparse.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "Sparse step, %d rows, float32, random unique rows:%n%n",
          OptimizerStepBenchmark.ROWS);
      out.println("| opt | touched | ns/step | ns/row | alloc B/op |");
      out.println("|---|---:|---:|---:|---:|");
      sparse.forEach(out::println);
      out.println();
    }
    if (!dense.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "Dense step, %d elements, float32 weights and state, float64 gradient:%n%n",
          OptimizerStepBenchmark.DENSE_N);
      out.println("| opt | state arrays | µs/step | ns/element | MiB/step | GB/s | alloc B/op |");
      out.println("|---|---:|---:|---:|---:|---:|---:|");
      dense.forEach(out::println);
      out.println();
    }
    if (!learn.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "Model learn path, logistic, FTRL, 2^%d rows, one shard:%n%n",
          ModelLearnBenchmark.BITS);
      out.println(
          "| benchmark | features | posterior | pool | ns/example | examples/s | alloc B/op |");
      out.println("|---|---:|---|---:|---:|---:|---:|");
      learn.forEach(out::println);
      out.println();
    }
  }

  /**
   * {@code score ± error}, divided by {@code div}; when JMH gives no error (fewer than three
   * iterations), {@code score (min–max)} over the measurement iterations instead.
   */
  private static String spread(double ns, double err, double[] range, double div) {
    if (!Double.isNaN(err) || range == null) {
      return fmt(ns / div) + " ± " + fmt(err / div);
    }
    return fmt(ns / div) + " (" + fmt(range[0] / div) + "–" + fmt(range[1] / div) + ")";
  }

  /** Smallest and largest measurement iteration in ns per op, or null without raw data. */
  private static double[] rawRange(Object rawData, String unit) {
    if (!(rawData instanceof List<?> forks)) {
      return null;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Object f : forks) {
      if (f instanceof List<?> its) {
        for (Object it : its) {
          double ns = nsPerOp(number(it), unit);
          lo = Math.min(lo, ns);
          hi = Math.max(hi, ns);
        }
      }
    }
    return lo <= hi ? new double[] {lo, hi} : null;
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |";
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 0.01) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.1e", v);
  }

  /** JMH writes NaN (and infinities) as strings. */
  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    if (o instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** {@code gc.alloc.rate.norm} (JMH 1.37 spells it without, older versions with a "·"). */
  private static double allocNorm(Object secondary) {
    if (secondary instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (String.valueOf(e.getKey()).endsWith("gc.alloc.rate.norm")) {
          return number(((Map<?, ?>) e.getValue()).get("score"));
        }
      }
    }
    return Double.NaN;
  }

  /** Converts a JMH score in {@code unit} ("ns/op", "ops/s", ...) to nanoseconds per operation. */
  static double nsPerOp(double score, String unit) {
    String[] parts = unit.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("unknown unit " + unit);
    }
    if (parts[1].equals("op")) {
      return score * nanos(parts[0]);
    }
    if (parts[0].equals("ops")) {
      return nanos(parts[1]) / score;
    }
    throw new IllegalArgumentException("unknown unit " + unit);
  }

  private static double nanos(String u) {
    return switch (u) {
      case "ns" -> 1;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "min" -> 60e9;
      default -> throw new IllegalArgumentException("unknown time unit " + u);
    };
  }

  /**
   * A minimal JSON reader, enough for JMH's result files: objects become {@link LinkedHashMap},
   * arrays {@link ArrayList}, numbers {@link Double}, plus strings, booleans and null.
   */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    /** Parses one JSON document. */
    static Object parse(String text) {
      Json p = new Json(text);
      Object v = p.value();
      p.ws();
      if (p.i != p.s.length()) {
        throw p.error("trailing characters");
      }
      return v;
    }

    private Object value() {
      ws();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char ch = s.charAt(i);
      switch (ch) {
        case '{':
          return object();
        case '[':
          return array();
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          return number();
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      ws();
      if (peek() == '}') {
        i++;
        return m;
      }
      while (true) {
        ws();
        if (peek() != '"') {
          throw error("expected a key");
        }
        String k = string();
        ws();
        expect(':');
        m.put(k, value());
        ws();
        char ch = next();
        if (ch == '}') {
          return m;
        }
        if (ch != ',') {
          throw error("expected , or }");
        }
      }
    }

    private List<Object> array() {
      List<Object> a = new ArrayList<>();
      i++;
      ws();
      if (peek() == ']') {
        i++;
        return a;
      }
      while (true) {
        a.add(value());
        ws();
        char ch = next();
        if (ch == ']') {
          return a;
        }
        if (ch != ',') {
          throw error("expected , or ]");
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char ch = next();
        if (ch == '"') {
          return b.toString();
        }
        if (ch != '\\') {
          b.append(ch);
          continue;
        }
        char e = next();
        switch (e) {
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e); // \" \\ \/
        }
      }
    }

    private Double number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      if (start == i) {
        throw error("unexpected character '" + s.charAt(i) + "'");
      }
      return Double.valueOf(s.substring(start, i));
    }

    private Object literal(String word, Object v) {
      if (!s.startsWith(word, i)) {
        throw error("expected " + word);
      }
      i += word.length();
      return v;
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(i++);
    }

    private void expect(char ch) {
      if (next() != ch) {
        throw error("expected '" + ch + "'");
      }
    }

    private IllegalArgumentException error(String msg) {
      return new IllegalArgumentException("JSON at " + i + ": " + msg);
    }
  }
}
