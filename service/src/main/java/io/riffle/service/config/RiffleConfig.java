package io.riffle.service.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.riffle.api.ModelSpecRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every setting of a Riffle process, read from {@code riffle.yaml} (JSON is YAML too) with
 * environment overrides. Every key is optional; unknown keys are refused with their path, so a typo
 * never passes silently. The README lists every setting with its default.
 *
 * <p>Environment overrides (applied after the file): {@code RIFFLE_HTTP_HOST}, {@code
 * RIFFLE_HTTP_PORT}, {@code RIFFLE_DATA_DIR}, {@code RIFFLE_ADMIN_TOKEN}, {@code
 * RIFFLE_KAFKA_BOOTSTRAP_SERVERS}, {@code RIFFLE_QUEUE_CAPACITY}; the file itself is named by
 * {@code --config} or {@code RIFFLE_CONFIG}.
 *
 * @param http HTTP server settings
 * @param dataDir directory of the filesystem snapshot store
 * @param adminToken bearer token of the admin routes, or null (then the server binds to loopback)
 * @param snapshots snapshot retention
 * @param ingest queue and batching
 * @param feedback delayed-feedback cache
 * @param models models created at start-up when no snapshot of that name exists
 * @param kafka Kafka sources (used by the Kafka ingest)
 */
public record RiffleConfig(
    Http http,
    String dataDir,
    String adminToken,
    Snapshots snapshots,
    Ingest ingest,
    Feedback feedback,
    Map<String, ModelSpecRequest> models,
    Kafka kafka) {

  /** Default HTTP port. */
  public static final int DEFAULT_PORT = 8080;

  public RiffleConfig {
    http = http == null ? new Http(null, null, null, null) : http;
    dataDir = dataDir == null || dataDir.isBlank() ? "./riffle-data" : dataDir;
    adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
    snapshots = snapshots == null ? new Snapshots(null) : snapshots;
    ingest = ingest == null ? new Ingest(null, null) : ingest;
    feedback = feedback == null ? new Feedback(null, null) : feedback;
    models =
        models == null
            ? Map.of(
                "demo",
                new ModelSpecRequest(
                    "binary",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Map.of("method", "sgld"),
                    null,
                    null,
                    null,
                    null,
                    null))
            : Map.copyOf(models);
    kafka = kafka == null ? new Kafka(null, null) : kafka;
  }

  /**
   * HTTP server.
   *
   * @param host bind address; default 127.0.0.1 without an admin token, 0.0.0.0 with one
   * @param port port (default 8080; 0 picks a free port)
   * @param instances server verticle instances (default 0 = one per event-loop thread)
   * @param maxBodyBytes largest request body (default 64 MiB); larger gets 413
   */
  public record Http(String host, Integer port, Integer instances, Long maxBodyBytes) {
    public Http {
      port = port == null ? DEFAULT_PORT : port;
      require("http.port", port, port >= 0 && port <= 65535, "[0, 65535]");
      instances = instances == null ? 0 : instances;
      require("http.instances", instances, instances >= 0 && instances <= 256, "[0, 256]");
      maxBodyBytes = maxBodyBytes == null ? 64L << 20 : maxBodyBytes;
      require("http.maxBodyBytes", maxBodyBytes, maxBodyBytes >= 1024, "[1024, inf)");
    }
  }

  /**
   * Snapshot retention.
   *
   * @param keep newest snapshots kept per model (default 5)
   */
  public record Snapshots(Integer keep) {
    public Snapshots {
      keep = keep == null ? 5 : keep;
      require("snapshots.keep", keep, keep >= 1, "[1, inf)");
    }
  }

  /**
   * Ingest queues.
   *
   * @param queueCapacity examples waiting per model before intake answers 429 (default 65536)
   * @param batchSize examples per learner message (default 256)
   */
  public record Ingest(Integer queueCapacity, Integer batchSize) {
    public Ingest {
      queueCapacity = queueCapacity == null ? 65_536 : queueCapacity;
      require("ingest.queueCapacity", queueCapacity, queueCapacity >= 1, "[1, inf)");
      batchSize = batchSize == null ? 256 : batchSize;
      require("ingest.batchSize", batchSize, batchSize >= 1 && batchSize <= 65_536, "[1, 65536]");
    }
  }

  /**
   * Delayed-feedback cache.
   *
   * @param cacheSize predictions kept per model (default 100000)
   * @param ttlSeconds how long a prediction waits for its label (default 3600)
   */
  public record Feedback(Integer cacheSize, Double ttlSeconds) {
    public Feedback {
      cacheSize = cacheSize == null ? 100_000 : cacheSize;
      require("feedback.cacheSize", cacheSize, cacheSize >= 1, "[1, inf)");
      ttlSeconds = ttlSeconds == null ? 3600.0 : ttlSeconds;
      require("feedback.ttlSeconds", ttlSeconds, ttlSeconds > 0, "(0, inf)");
    }
  }

  /**
   * Kafka.
   *
   * @param bootstrapServers default bootstrap servers of every source
   * @param sources sources by name: {@code topic}, {@code model}, {@code groupId}, {@code format},
   *     {@code deadLetterTopic}, {@code bootstrapServers}, {@code properties}
   */
  public record Kafka(String bootstrapServers, Map<String, Map<String, Object>> sources) {
    public Kafka {
      sources = sources == null ? Map.of() : Map.copyOf(sources);
    }
  }

  private static void require(String key, Number v, boolean ok, String range) {
    if (!ok) {
      throw new IllegalArgumentException(key + "=" + v + " is outside " + range);
    }
  }

  /**
   * The bind address. Without an admin token the admin routes are open, so the server binds to
   * loopback only, whatever {@code http.host} says; with a token it is {@code http.host} (default
   * all interfaces).
   */
  public String bindHost() {
    if (adminToken == null) {
      return "127.0.0.1";
    }
    return http.host() != null && !http.host().isBlank() ? http.host() : "0.0.0.0";
  }

  /** The defaults (no file, no environment). */
  public static RiffleConfig defaults() {
    return new RiffleConfig(null, null, null, null, null, null, null, null);
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * Reads {@code file} (or only defaults when null) and applies the overrides of {@code env}.
   *
   * @throws IllegalArgumentException naming the bad key on an unknown or invalid setting
   */
  public static RiffleConfig load(Path file, Map<String, String> env) {
    RiffleConfig c = defaults();
    if (file != null) {
      try {
        byte[] bytes = Files.readAllBytes(file);
        c = bytes.length == 0 ? defaults() : YAML.readValue(bytes, RiffleConfig.class);
        if (c == null) {
          c = defaults();
        }
      } catch (JsonMappingException e) {
        String path =
            e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        Throwable root = e.getCause() instanceof IllegalArgumentException ia ? ia : e;
        String msg = root.getMessage();
        int nl = msg == null ? -1 : msg.indexOf('\n');
        throw new IllegalArgumentException(
            file + ": bad setting '" + path + "': " + (nl > 0 ? msg.substring(0, nl) : msg), e);
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": cannot read config: " + e.getMessage(), e);
      }
    }
    return c.withEnv(env);
  }

  /** This config with the environment overrides applied. */
  public RiffleConfig withEnv(Map<String, String> env) {
    Http h = http;
    String host = env.get("RIFFLE_HTTP_HOST");
    String port = env.get("RIFFLE_HTTP_PORT");
    if (host != null || port != null) {
      h =
          new Http(
              host != null ? host : h.host(),
              port != null ? parseInt("RIFFLE_HTTP_PORT", port) : h.port(),
              h.instances(),
              h.maxBodyBytes());
    }
    Ingest in = ingest;
    String cap = env.get("RIFFLE_QUEUE_CAPACITY");
    if (cap != null) {
      in = new Ingest(parseInt("RIFFLE_QUEUE_CAPACITY", cap), in.batchSize());
    }
    Kafka k = kafka;
    String bs = env.get("RIFFLE_KAFKA_BOOTSTRAP_SERVERS");
    if (bs != null) {
      k = new Kafka(bs, k.sources());
    }
    return new RiffleConfig(
        h,
        env.getOrDefault("RIFFLE_DATA_DIR", dataDir),
        env.getOrDefault("RIFFLE_ADMIN_TOKEN", adminToken),
        snapshots,
        in,
        feedback,
        models,
        k);
  }

  /** A copy with another HTTP port (tests: 0 for a free one) and data directory. */
  public RiffleConfig with(int port, String dir) {
    return new RiffleConfig(
        new Http(http.host(), port, http.instances(), http.maxBodyBytes()),
        dir,
        adminToken,
        snapshots,
        ingest,
        feedback,
        models,
        kafka);
  }

  /** A copy with other Kafka sources. */
  public RiffleConfig withKafka(Kafka k) {
    return new RiffleConfig(http, dataDir, adminToken, snapshots, ingest, feedback, models, k);
  }

  /** A copy with other start-up models. */
  public RiffleConfig withModels(Map<String, ModelSpecRequest> m) {
    return new RiffleConfig(
        http, dataDir, adminToken, snapshots, ingest, feedback, new LinkedHashMap<>(m), kafka);
  }

  /** A copy with an admin token. */
  public RiffleConfig withAdminToken(String token) {
    return new RiffleConfig(http, dataDir, token, snapshots, ingest, feedback, models, kafka);
  }

  /** A copy with other ingest settings. */
  public RiffleConfig withIngest(Ingest in) {
    return new RiffleConfig(http, dataDir, adminToken, snapshots, in, feedback, models, kafka);
  }

  /** A copy with other feedback settings. */
  public RiffleConfig withFeedback(Feedback f) {
    return new RiffleConfig(http, dataDir, adminToken, snapshots, ingest, f, models, kafka);
  }

  private static int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "='" + v + "' is not an integer", e);
    }
  }
}
