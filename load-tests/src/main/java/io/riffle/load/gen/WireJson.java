package io.riffle.load.gen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The service's JSON wire format for generated data, written by hand so the bytes depend on nothing
 * but the values: keys in insertion order, no spaces, numbers as {@link Double#toString} (valid
 * JSON for finite values), strings escaped per RFC 8259.
 *
 * <p>Kafka records: the key is the example id in UTF-8, the value the same JSON object as one
 * NDJSON line (without the newline).
 */
public final class WireJson {
  private WireJson() {}

  /**
   * One example as an NDJSON line without the newline: {@code {"id","features","label","weight"}}.
   */
  public static String example(Example e) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"id\":");
    string(sb, e.id());
    sb.append(",\"features\":");
    features(sb, e.features());
    sb.append(",\"label\":").append(e.label());
    sb.append(",\"weight\":").append(e.weight()).append('}');
    return sb.toString();
  }

  /** Several examples as an NDJSON body, each line ending in {@code '\n'}. */
  public static String ndjson(List<Example> examples) {
    StringBuilder sb = new StringBuilder(examples.size() * 256);
    for (Example e : examples) {
      sb.append(example(e)).append('\n');
    }
    return sb.toString();
  }

  /** A predict body; {@code samples <= 0} leaves out samples and quantiles. */
  public static String predict(Map<String, ?> features, int samples, double... quantiles) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"features\":");
    features(sb, features);
    if (samples > 0) {
      sb.append(",\"samples\":").append(samples);
      if (quantiles.length > 0) {
        sb.append(",\"quantiles\":[");
        for (int i = 0; i < quantiles.length; i++) {
          if (i > 0) {
            sb.append(',');
          }
          sb.append(quantiles[i]);
        }
        sb.append(']');
      }
    }
    return sb.append('}').toString();
  }

  /** A feedback body {@code {"predictionId":..,"label":..}}. */
  public static String feedback(String predictionId, int label) {
    StringBuilder sb = new StringBuilder(64);
    sb.append("{\"predictionId\":");
    string(sb, predictionId);
    return sb.append(",\"label\":").append(label).append('}').toString();
  }

  /** A rank body {@code {"context":{..},"actions":[{"id":..,"features":{..}},..]}}. */
  public static String rank(RankCase c) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("{\"context\":");
    features(sb, c.context());
    sb.append(",\"actions\":[");
    for (int i = 0; i < c.actions().size(); i++) {
      RankCase.Action a = c.actions().get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"id\":");
      string(sb, a.id());
      sb.append(",\"features\":");
      features(sb, a.features());
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  /** Kafka record key: the example id in UTF-8. */
  public static byte[] toKafkaKey(Example e) {
    return e.id().getBytes(StandardCharsets.UTF_8);
  }

  /** Kafka record value: the example's NDJSON line in UTF-8, without the newline. */
  public static byte[] toKafkaValue(Example e) {
    return example(e).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the next {@code n} examples of {@code generator} to {@code out} as NDJSON and, when
   * {@code truthOut} is not null, {@code id,trueProbability,drifted} CSV lines (with a header).
   */
  public static void writeNdjson(StreamGenerator generator, long n, Path out, Path truthOut)
      throws IOException {
    try (Writer w = writer(out);
        Writer t = truthOut == null ? Writer.nullWriter() : writer(truthOut)) {
      t.write("id,true_probability,drifted\n");
      for (long i = 0; i < n; i++) {
        Example e = generator.next();
        w.write(example(e));
        w.write('\n');
        t.write(
            e.id() + ',' + e.trueProbability() + ',' + generator.truth().drifted(e.index()) + '\n');
      }
    }
  }

  private static Writer writer(Path p) throws IOException {
    return new BufferedWriter(
        new OutputStreamWriter(Files.newOutputStream(p), StandardCharsets.UTF_8), 1 << 16);
  }

  static void features(StringBuilder sb, Map<String, ?> features) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, ?> e : features.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, e.getKey());
      sb.append(':');
      Object v = e.getValue();
      if (v instanceof String s) {
        string(sb, s);
      } else if (v instanceof Double d) {
        number(sb, d);
      } else if (v instanceof Number n) {
        number(sb, n.doubleValue());
      } else if (v instanceof List<?> bag) {
        sb.append('[');
        for (int i = 0; i < bag.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          string(sb, String.valueOf(bag.get(i)));
        }
        sb.append(']');
      } else {
        throw new IllegalArgumentException(
            "feature " + e.getKey() + " must be a String, Number or List, got " + v);
      }
    }
    sb.append('}');
  }

  private static void number(StringBuilder sb, double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("JSON numbers must be finite, got " + d);
    }
    sb.append(d);
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
