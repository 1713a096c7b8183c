package io.riffle.load.kafka;

import io.riffle.load.gen.StreamSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Everything one run of the Kafka scenario needs, read from system properties (see {@link
 * #fromProperties(Properties)} for names and defaults).
 *
 * @param records records produced per mode (N)
 * @param partitions partitions of each topic the scenario creates (P)
 * @param features fields per record (the default CTR stream has 11; 10 drops {@code recency})
 * @param seed generator seed
 * @param modes the measurements to run, in order
 * @param rate records/s of the producer in {@link Mode#CONCURRENT} (0: as fast as it can)
 * @param bootstrap a broker to use, or null to start one in this JVM
 * @param url an already running service whose Kafka source reads {@code topic} into {@code model},
 *     or null to start the service jar once per mode
 * @param model the model fed by the source
 * @param topic the topic to produce into; null makes a fresh one per mode (required with {@code
 *     url})
 * @param groupId with {@code url}: the source's consumer group, to wait for its assignment before
 *     producing (null: do not wait)
 * @param shards shards of the model the scenario creates
 * @param bits hashed space of that model, {@code 2^bits}
 * @param posterior {@code sgld}, or {@code none} for a point model
 * @param consumerProperties Kafka consumer properties for the source ({@code
 *     riffle.kafka.consumer.<name>})
 * @param sampleEvery how often lag and count are sampled
 * @param timeout how long one mode may take before it is reported incomplete
 * @param stall how long the count may stand still (while not at N) before the mode is given up
 * @param out directory for the JSON and CSV files
 */
public record KafkaLoadSettings(
    long records,
    int partitions,
    int features,
    long seed,
    List<Mode> modes,
    double rate,
    String bootstrap,
    String url,
    String model,
    String topic,
    String groupId,
    int shards,
    int bits,
    String posterior,
    Map<String, String> consumerProperties,
    Duration sampleEvery,
    Duration timeout,
    Duration stall,
    Path out) {

  /** Prefix of system properties passed to the source's consumer. */
  public static final String CONSUMER_PREFIX = "riffle.kafka.consumer.";

  /** How records reach the topic relative to the service. */
  public enum Mode {
    /** All N records are in the topic before the service starts (backlog drain). */
    PRELOAD,
    /** The service runs first; records are produced at {@code rate} while it consumes. */
    CONCURRENT;

    /** Lower-case name, as in {@code riffle.modes}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Validates. */
  public KafkaLoadSettings {
    if (records < 1) {
      throw new IllegalArgumentException("riffle.records must be >= 1, got " + records);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("riffle.partitions must be >= 1, got " + partitions);
    }
    if (features < 1) {
      throw new IllegalArgumentException("riffle.features must be >= 1, got " + features);
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("riffle.rate must be finite and >= 0, got " + rate);
    }
    modes = List.copyOf(modes);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("riffle.modes names no mode");
    }
    if (url != null && bootstrap == null) {
      throw new IllegalArgumentException(
          "riffle.url needs riffle.kafka.bootstrap: the running service reads a broker it knows");
    }
    if (url != null && topic == null) {
      throw new IllegalArgumentException(
          "riffle.url needs riffle.topic: the topic that service's Kafka source reads");
    }
    if (url != null && modes.contains(Mode.PRELOAD)) {
      throw new IllegalArgumentException(
          "mode preload starts the service after producing; with riffle.url use"
              + " -Driffle.modes=concurrent (and -Driffle.rate=0 for an unthrottled producer)");
    }
    if (!posterior.equals("sgld") && !posterior.equals("none")) {
      throw new IllegalArgumentException("riffle.posterior must be sgld or none, got " + posterior);
    }
    consumerProperties = Map.copyOf(consumerProperties);
  }

  /**
   * From properties: {@code riffle.records} (100000), {@code riffle.partitions} (4), {@code
   * riffle.features} (10), {@code riffle.seed} (1), {@code riffle.modes} ({@code
   * preload,concurrent}; {@code concurrent} with {@code riffle.url}), {@code riffle.rate} (10000
   * records/s), {@code riffle.kafka.bootstrap}, {@code riffle.url}, {@code riffle.model} ({@code
   * load-kafka}), {@code riffle.topic}, {@code riffle.groupId}, {@code riffle.shards} (2), {@code
   * riffle.bits} (18), {@code riffle.posterior} ({@code sgld}), {@code riffle.kafka.consumer.*},
   * {@code riffle.sampleMs} (250), {@code riffle.timeoutSeconds} (900), {@code riffle.stallSeconds}
   * (120), {@code riffle.out} (else {@code riffle.kafka.defaultOut}, else {@code
   * target/kafka-load}).
   */
  public static KafkaLoadSettings fromProperties(Properties p) {
    String url = str(p, "riffle.url", null);
    List<Mode> modes = new ArrayList<>();
    for (String m :
        str(p, "riffle.modes", url == null ? "preload,concurrent" : "concurrent").split(",")) {
      if (!m.isBlank()) {
        try {
          modes.add(Mode.valueOf(m.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "riffle.modes: unknown mode " + m.trim() + " (preload, concurrent)", e);
        }
      }
    }
    Map<String, String> consumer = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith(CONSUMER_PREFIX) && name.length() > CONSUMER_PREFIX.length()) {
        consumer.put(name.substring(CONSUMER_PREFIX.length()), p.getProperty(name));
      }
    }
    return new KafkaLoadSettings(
        integer(p, "riffle.records", 100_000),
        (int) integer(p, "riffle.partitions", 4),
        (int) integer(p, "riffle.features", 10),
        integer(p, "riffle.seed", 1),
        modes,
        number(p, "riffle.rate", 10_000),
        str(p, "riffle.kafka.bootstrap", null),
        url == null ? null : stripSlash(url),
        str(p, "riffle.model", "load-kafka"),
        str(p, "riffle.topic", null),
        str(p, "riffle.groupId", null),
        (int) integer(p, "riffle.shards", 2),
        (int) integer(p, "riffle.bits", 18),
        str(p, "riffle.posterior", "sgld"),
        consumer,
        Duration.ofMillis(integer(p, "riffle.sampleMs", 250)),
        Duration.ofSeconds(integer(p, "riffle.timeoutSeconds", 900)),
        Duration.ofSeconds(integer(p, "riffle.stallSeconds", 120)),
        Path.of(str(p, "riffle.out", str(p, "riffle.kafka.defaultOut", "target/kafka-load"))));
  }

  /**
   * The generated stream with exactly {@code features} fields: the default CTR stream's first
   * fields in order (eight categorical, then {@code price}, {@code user_age}, {@code recency}), and
   * beyond its eleven, extra categorical fields {@code f11, f12, ..} with 1000 Zipf(1.0) values.
   */
  public StreamSpec streamSpec() {
    StreamSpec base = StreamSpec.ctr(seed);
    List<StreamSpec.CategoricalField> cat = new ArrayList<>(base.categorical());
    List<StreamSpec.NumericField> num = new ArrayList<>(base.numeric());
    int have = cat.size() + num.size();
    if (features < have) {
      int dropNumeric = Math.min(num.size(), have - features);
      num = new ArrayList<>(num.subList(0, num.size() - dropNumeric));
      cat = new ArrayList<>(cat.subList(0, features - num.size()));
    }
    for (int i = have; i < features; i++) {
      cat.add(new StreamSpec.CategoricalField("f" + i, 1000, 1.0));
    }
    return base.withCategorical(cat).withNumeric(num);
  }

  /** The body of the model the scenario creates (also the config's {@code models} entry). */
  public String modelJson() {
    return "{\"kind\":\"binary\",\"bits\":"
        + bits
        + ",\"shards\":"
        + shards
        + ",\"optimizer\":{\"name\":\"ftrl\",\"learning_rate\":0.1}"
        + (posterior.equals("sgld") ? ",\"posterior\":{\"method\":\"sgld\"}" : "")
        + "}";
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String str(Properties p, String name, String def) {
    String v = p.getProperty(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private static double number(Properties p, String name, double def) {
    String v = str(p, name, null);
    if (v == null) {
      return def;
    }
    try {
      return Double.parseDouble(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + v, e);
    }
  }

  private static long integer(Properties p, String name, long def) {
    double d = number(p, name, def);
    if (d != Math.rint(d) || Math.abs(d) > 1e15) {
      throw new IllegalArgumentException(name + " must be an integer, got " + d);
    }
    return (long) d;
  }
}
