package io.riffle.service.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.riffle.api.ApiException;
import io.riffle.api.Example;
import io.riffle.api.Examples;
import io.riffle.api.FeedbackRequest;
import io.riffle.api.Json;
import io.riffle.api.Problem;
import io.riffle.api.ProblemType;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.ingest.IngestPipeline;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.service.model.LearnerVerticle;
import io.riffle.service.model.ModelRegistry;
import io.riffle.service.model.ModelRuntime;
import io.riffle.store.features.SparseVector;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka source: a vertx-kafka-client consumer (auto commit off) on one topic feeding one model.
 *
 * <p><b>Records.</b> The verticle polls; each poll's records are grouped by partition and every
 * value is parsed as JSON: an example ({@code features}, {@code label}, optional {@code id} and
 * {@code weight}) or delayed feedback ({@code predictionId}, {@code label}, optional {@code
 * weight}) that joins the features cached by an earlier predict, as over HTTP. A record that cannot
 * be learned goes to the dead-letter topic with {@code riffle.error.*} and {@code riffle.source.*}
 * headers and is counted; its partition goes on. Each partition's learnable records are hashed on
 * this verticle's event loop and submitted in order through {@link IngestPipeline} with the
 * partition's next offset attached: the learner puts {@code kafka/<topic>/<partition>} into the
 * model's {@code offsets()} right after learning that batch, on the writer thread, so every
 * snapshot holds exactly the offsets of what it learned. The next poll starts when the previous
 * poll's records are learned (at most one poll's records in flight), so rebalance callbacks, which
 * run inside a poll, never see a record half handed over.
 *
 * <p><b>Where a partition starts.</b> On assignment (on the consumer's thread, before any fetch) a
 * partition seeks to the larger of the offset in the (restored) model and the group's committed
 * offset; with neither, {@code auto.offset.reset} (default {@code earliest}). The group's committed
 * offsets only ever hold <em>durable</em> offsets: the ones in the model's last snapshot (committed
 * every second when they moved) and, when a partition is revoked, the ones of a snapshot taken
 * there and then. So after a crash the restored snapshot is the truth (records after it are learned
 * again, exactly once, none before it), and when a partition moves to another instance of the
 * group, that instance starts where the last owner's snapshot ended.
 *
 * <p><b>Backpressure.</b> A full model queue pauses the partition, retries with back-off (50 ms
 * doubling to 1 s) and resumes it once the batch is taken. No poll runs meanwhile, so a queue full
 * for longer than {@code max.poll.interval.ms} makes the consumer leave its group (it rejoins and
 * the partitions start again from the durable offsets).
 *
 * <p><b>Metrics</b> (tags {@code source}, {@code model}, {@code topic}): {@code
 * riffle_kafka_records_consumed_total}, {@code riffle_kafka_dead_letters_total}, {@code
 * riffle_kafka_pauses_total}, {@code riffle_kafka_revocation_snapshots_total}, {@code
 * riffle_kafka_paused_partitions} and {@code riffle_kafka_lag} per {@code partition}: the log end
 * offset (refreshed every second) minus the offset after the last record learned.
 */
public final class KafkaSource extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);

  /** Dead-letter header: the problem type slug. */
  public static final String ERROR_TYPE = "riffle.error.type";

  /** Dead-letter header: the problem detail. */
  public static final String ERROR_DETAIL = "riffle.error.detail";

  /** Dead-letter header: the record's topic. */
  public static final String SOURCE_TOPIC = "riffle.source.topic";

  /** Dead-letter header: the record's partition. */
  public static final String SOURCE_PARTITION = "riffle.source.partition";

  /** Dead-letter header: the record's offset. */
  public static final String SOURCE_OFFSET = "riffle.source.offset";

  /** Metrics source tag of Kafka ingest. */
  public static final String SOURCE = "kafka";

  /** How often end offsets are fetched (lag) and durable offsets committed. */
  private static final long TICK_MS = 1000;

  /** How long a revocation waits for its snapshot before giving the partitions up anyway. */
  private static final long REVOKE_WAIT_SECONDS = 60;

  /**
   * A configured source.
   *
   * @param name the source's name
   * @param topic the topic read
   * @param model the model fed
   * @param deadLetterTopic where bad records go (or null: counted and logged only)
   * @param consumerProps the consumer's client properties
   */
  public record Spec(
      String name,
      String topic,
      String model,
      String deadLetterTopic,
      Map<String, String> consumerProps) {

    /** The source {@code name} of {@code kafka} (see {@link RiffleConfig.Kafka}). */
    public static Spec of(RiffleConfig.Kafka kafka, String name, Map<String, Object> s) {
      String topic = str(s.get("topic"));
      String model = str(s.get("model"));
      if (topic == null || model == null) {
        throw new IllegalArgumentException(
            "kafka.sources." + name + ": topic and model are required");
      }
      Object format = s.get("format");
      if (format != null && !"json".equalsIgnoreCase(format.toString())) {
        throw new IllegalArgumentException(
            "kafka.sources." + name + ".format: only json is supported, got " + format);
      }
      String bootstrap = str(s.get("bootstrapServers"));
      if (bootstrap == null) {
        bootstrap = kafka.bootstrapServers();
      }
      if (bootstrap == null) {
        throw new IllegalArgumentException(
            "kafka.sources." + name + ": no bootstrapServers (nor kafka.bootstrapServers)");
      }
      String group = str(s.get("groupId"));
      Map<String, String> props = new LinkedHashMap<>();
      props.put("bootstrap.servers", bootstrap);
      props.put("group.id", group != null ? group : "riffle-" + name);
      props.put("auto.offset.reset", "earliest");
      if (s.get("properties") instanceof Map<?, ?> extra) {
        extra.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
      }
      // the model's snapshots hold the offsets; Kafka's committed offsets follow the snapshots
      props.put("enable.auto.commit", "false");
      props.put("key.deserializer", ByteArrayDeserializer.class.getName());
      props.put("value.deserializer", ByteArrayDeserializer.class.getName());
      return new Spec(name, topic, model, str(s.get("deadLetterTopic")), Map.copyOf(props));
    }

    /** The consumer group. */
    public String groupId() {
      return consumerProps.get("group.id");
    }

    private static String str(Object o) {
      return o == null || o.toString().isBlank() ? null : o.toString();
    }
  }

  /** What a source is doing, for {@code GET /v1/sources}. */
  public enum State {
    STARTING,
    RUNNING,
    /** the model does not exist (deleted or not yet created); records wait in Kafka */
    WAITING,
    FAILED,
    STOPPED;

    /** The wire name. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** An owned partition, as the status and the lag gauge see it. */
  private static final class Owned {
    final int partition;
    volatile long end = -1;
    volatile boolean paused;
    Meter gauge;

    Owned(int partition) {
      this.partition = partition;
    }
  }

  private final Spec spec;
  private final ModelRegistry models;
  private final IngestPipeline ingest;
  private final RiffleMetrics metrics;
  private final int maxChunk;
  private final Counter consumed;
  private final Counter deadLetters;
  private final Counter pauses;
  private final Counter revocationSnapshots;
  private final Meter pausedGauge;
  private final List<Meter> meters = new ArrayList<>();

  /** The offset after the last record learned (or where a partition starts), by partition. */
  private final Map<Integer, Long> learned = new ConcurrentHashMap<>();

  /** Partitions this instance owns now. */
  private final Map<Integer, Owned> owned = new ConcurrentHashMap<>();

  /**
   * The group's offset as this instance knows it, by partition: where an assignment started, then
   * each durable offset committed. Nothing lower is ever committed (no regression when a partition
   * comes back after another member moved it on).
   */
  private final Map<Integer, Long> committed = new ConcurrentHashMap<>();

  private Context context;
  private Native nativeConsumer;
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private volatile boolean stopped;
  private volatile boolean halted;
  private volatile State state = State.STARTING;
  private volatile String error;
  private long tick = -1;

  /**
   * A source.
   *
   * @param maxChunk most examples submitted at once (at most the model queue's capacity, so a full
   *     queue always drains enough to take the next chunk)
   */
  public KafkaSource(
      Spec spec, ModelRegistry models, IngestPipeline ingest, RiffleMetrics metrics, int maxChunk) {
    this.spec = spec;
    this.maxChunk = Math.max(1, maxChunk);
    this.models = models;
    this.ingest = ingest;
    this.metrics = metrics;
    MeterRegistry r = metrics.registry();
    this.consumed =
        counter(r, "riffle.kafka.records.consumed", "records taken from Kafka (learned or not)");
    this.deadLetters =
        counter(
            r,
            "riffle.kafka.dead.letters",
            "Kafka records that could not be learned, sent to the dead-letter topic");
    this.pauses = counter(r, "riffle.kafka.pauses", "times a partition paused on a full queue");
    this.revocationSnapshots =
        counter(
            r,
            "riffle.kafka.revocation.snapshots",
            "snapshots taken because partitions were revoked");
    this.pausedGauge =
        Gauge.builder(
                "riffle.kafka.paused.partitions",
                owned,
                o -> o.values().stream().filter(p -> p.paused).count())
            .description("partitions paused by a full queue")
            .tags("source", spec.name(), "model", spec.model(), "topic", spec.topic())
            .register(r);
    meters.add(pausedGauge);
  }

  private Counter counter(MeterRegistry r, String name, String description) {
    Counter c =
        Counter.builder(name)
            .description(description)
            .tags("source", spec.name(), "model", spec.model(), "topic", spec.topic())
            .register(r);
    meters.add(c);
    return c;
  }

  /** The offsets-map key of a partition. */
  public static String key(String topic, int partition) {
    return "kafka/" + topic + "/" + partition;
  }

  /** The source's spec. */
  public Spec spec() {
    return spec;
  }

  /** Records sent to the dead-letter topic (or counted there when none is configured). */
  public double deadLetterCount() {
    return deadLetters.count();
  }

  /** The state, partitions, offsets and counters (any thread). */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state.wire());
    m.put("error", error);
    m.put("consumed", (long) consumed.count());
    m.put("deadLetters", (long) deadLetters.count());
    m.put("pauses", (long) pauses.count());
    m.put("revocationSnapshots", (long) revocationSnapshots.count());
    List<Map<String, Object>> parts = new ArrayList<>();
    long total = 0;
    for (Owned o : new TreeMap<>(owned).values()) {
      Map<String, Object> p = new LinkedHashMap<>();
      long next = learned.getOrDefault(o.partition, -1L);
      long lag = lag(o);
      p.put("partition", o.partition);
      p.put("nextOffset", next < 0 ? null : next);
      p.put("endOffset", o.end < 0 ? null : o.end);
      p.put("lag", lag < 0 ? null : lag);
      p.put("paused", o.paused);
      total += Math.max(0, lag);
      parts.add(p);
    }
    m.put("lag", total);
    m.put("partitions", parts);
    return m;
  }

  private long lag(Owned o) {
    long next = learned.getOrDefault(o.partition, -1L);
    return o.end < 0 || next < 0 ? -1 : Math.max(0, o.end - next);
  }

  /** Makes the next stop a crash: no revocation snapshot, no commit (tests, {@code halt}). */
  public void halt() {
    halted = true;
  }

  @Override
  public void start(Promise<Void> started) {
    context = vertx.getOrCreateContext();
    ModelRuntime rt = models.get(spec.model()).orElse(null);
    Future<Void> restored;
    if (rt == null) {
      state = State.WAITING;
      error = "no model " + spec.model();
      restored = Future.succeededFuture();
    } else {
      restored = readModelOffsets(rt);
    }
    restored
        .compose(v -> vertx.executeBlocking(this::createClients))
        .compose(
            v -> {
              consumer = KafkaConsumer.create(vertx, nativeConsumer);
              consumer.exceptionHandler(
                  e -> LOG.warn("kafka source {}: consumer error", spec.name(), e));
              return consumer.subscribe(spec.topic());
            })
        .onSuccess(
            v -> {
              if (state == State.STARTING) {
                state = State.RUNNING;
              }
              LOG.info(
                  "kafka source {}: {} -> model {} (group {}, model offsets {})",
                  spec.name(),
                  spec.topic(),
                  spec.model(),
                  spec.groupId(),
                  learned);
              tick = vertx.setPeriodic(TICK_MS, t -> tick());
              pollLoop();
            })
        .onFailure(
            e -> {
              state = State.FAILED;
              error = String.valueOf(e.getMessage());
              removeMeters();
            })
        .<Void>mapEmpty()
        .onComplete(started);
  }

  /** The model's offsets of this topic into {@link #learned}, read on the writer thread. */
  private Future<Void> readModelOffsets(ModelRuntime rt) {
    Map<String, Object> restored = new ConcurrentHashMap<>();
    return models
        .<Long>command(
            rt, new LearnerVerticle.OnWriter(() -> restored.putAll(rt.model().offsets())))
        .map(
            v -> {
              String prefix = "kafka/" + spec.topic() + "/";
              restored.forEach(
                  (k, o) -> {
                    if (k.startsWith(prefix) && o instanceof Number n) {
                      learned.merge(
                          Integer.parseInt(k.substring(prefix.length())), n.longValue(), Math::max);
                    }
                  });
              return null;
            });
  }

  private Void createClients() {
    Map<String, Object> props = new HashMap<>(spec.consumerProps());
    nativeConsumer = new Native(props, new Rebalance());
    if (spec.deadLetterTopic() != null) {
      Properties p = new Properties();
      p.put("bootstrap.servers", spec.consumerProps().get("bootstrap.servers"));
      p.put("acks", "all");
      p.put("key.serializer", ByteArraySerializer.class.getName());
      p.put("value.serializer", ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
    }
    return null;
  }

  /**
   * The native consumer vertx-kafka-client drives (all its calls run on the client's one worker
   * thread). It subscribes with Riffle's rebalance listener instead of the client's, because the
   * client hands rebalance events to the event loop asynchronously, after the rebalance has moved
   * on; Riffle's listener runs inside the poll, so the seek lands before any fetch and a revoked
   * partition is snapshotted and committed before another member can take it.
   */
  private static final class Native
      extends org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> {
    private final ConsumerRebalanceListener listener;

    Native(Map<String, Object> props, ConsumerRebalanceListener listener) {
      super(props);
      this.listener = listener;
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener ignored) {
      super.subscribe(topics, listener);
    }
  }

  /** Runs on the consumer's thread, inside {@code poll} or {@code close}. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> tps) {
      if (tps.isEmpty()) {
        return;
      }
      Map<
              org.apache.kafka.common.TopicPartition,
              org.apache.kafka.clients.consumer.OffsetAndMetadata>
          group = Map.of();
      try {
        group = nativeConsumer.committed(new HashSet<>(tps), Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        LOG.warn("kafka source {}: could not read committed offsets", spec.name(), e);
      }
      Map<Integer, Long> starts = new TreeMap<>();
      for (org.apache.kafka.common.TopicPartition tp : tps) {
        long own = learned.getOrDefault(tp.partition(), -1L);
        var c = group == null ? null : group.get(tp);
        long start = Math.max(own, c == null ? -1 : c.offset());
        if (start >= 0) {
          nativeConsumer.seek(tp, start);
        } else {
          try {
            start = nativeConsumer.position(tp, Duration.ofSeconds(30));
          } catch (RuntimeException e) {
            LOG.warn("kafka source {}: no position for {}", spec.name(), tp, e);
          }
        }
        if (start >= 0) {
          learned.merge(tp.partition(), start, Math::max);
          committed.put(tp.partition(), start);
        }
        starts.put(tp.partition(), start);
        own(tp.partition());
      }
      LOG.info("kafka source {}: assigned {} at {}", spec.name(), spec.topic(), starts);
    }

    @Override
    public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> tps) {
      if (tps.isEmpty()) {
        return;
      }
      if (!halted) {
        snapshotAndCommit(tps);
      }
      for (org.apache.kafka.common.TopicPartition tp : tps) {
        disown(tp.partition());
      }
      LOG.info("kafka source {}: revoked {} {}", spec.name(), spec.topic(), partitions(tps));
    }

    @Override
    public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> tps) {
      // another member may own them already: no commit; the snapshots stay the truth
      for (org.apache.kafka.common.TopicPartition tp : tps) {
        disown(tp.partition());
      }
      LOG.warn("kafka source {}: lost {} {}", spec.name(), spec.topic(), partitions(tps));
    }
  }

  private static List<Integer> partitions(Collection<org.apache.kafka.common.TopicPartition> tps) {
    return tps.stream().map(org.apache.kafka.common.TopicPartition::partition).sorted().toList();
  }

  /**
   * On revocation (consumer thread): every record handed over has been learned (polls start only
   * after the previous poll's records are), so a snapshot now holds these partitions' offsets; take
   * one if they are not durable yet, then commit them to the group before returning, so the next
   * owner starts exactly there.
   */
  private void snapshotAndCommit(Collection<org.apache.kafka.common.TopicPartition> tps) {
    ModelRuntime rt = models.get(spec.model()).orElse(null);
    if (rt == null) {
      return;
    }
    boolean behind = false;
    for (org.apache.kafka.common.TopicPartition tp : tps) {
      Long l = learned.get(tp.partition());
      if (l != null && l > durable(rt, tp.partition())) {
        behind = true;
      }
    }
    if (behind) {
      CompletableFuture<Object> done = new CompletableFuture<>();
      context.runOnContext(
          v ->
              models
                  .command(rt, new LearnerVerticle.SnapshotNow())
                  .onComplete(
                      ar -> {
                        if (ar.succeeded()) {
                          done.complete(ar.result());
                        } else {
                          done.completeExceptionally(ar.cause());
                        }
                      }));
      try {
        done.get(REVOKE_WAIT_SECONDS, TimeUnit.SECONDS);
        revocationSnapshots.increment();
      } catch (Exception e) {
        LOG.warn(
            "kafka source {}: revocation snapshot failed; the group keeps older offsets",
            spec.name(),
            e);
        return;
      }
    }
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
        commit = new HashMap<>();
    for (org.apache.kafka.common.TopicPartition tp : tps) {
      long d = durable(rt, tp.partition());
      if (d >= 0) {
        commit.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(d));
      }
    }
    try {
      if (!commit.isEmpty()) {
        nativeConsumer.commitSync(commit, Duration.ofSeconds(30));
      }
      LOG.info("kafka source {}: committed {} on revocation", spec.name(), commit);
    } catch (RuntimeException e) {
      LOG.warn("kafka source {}: commit on revocation failed", spec.name(), e);
    }
  }

  /** The offset of {@code partition} in the model's last snapshot, or -1. */
  private long durable(ModelRuntime rt, int partition) {
    return rt.durableOffsets().get(key(spec.topic(), partition)) instanceof Number n
        ? n.longValue()
        : -1;
  }

  private void own(int partition) {
    owned.computeIfAbsent(
        partition,
        p -> {
          Owned o = new Owned(p);
          o.gauge =
              Gauge.builder("riffle.kafka.lag", o, x -> Math.max(0, lag(x)))
                  .description("log end offset minus the offset after the last record learned")
                  .tags(
                      "source",
                      spec.name(),
                      "model",
                      spec.model(),
                      "topic",
                      spec.topic(),
                      "partition",
                      Integer.toString(p))
                  .register(metrics.registry());
          return o;
        });
  }

  private void disown(int partition) {
    Owned o = owned.remove(partition);
    if (o != null && o.gauge != null) {
      metrics.registry().remove(o.gauge);
    }
  }

  /** Every second: end offsets for the lag, and the model's durable offsets to the group. */
  private void tick() {
    if (stopped || owned.isEmpty()) {
      return;
    }
    Set<TopicPartition> tps = new HashSet<>();
    for (int p : owned.keySet()) {
      tps.add(new TopicPartition(spec.topic(), p));
    }
    consumer
        .endOffsets(tps)
        .onSuccess(
            ends ->
                ends.forEach(
                    (tp, end) -> {
                      Owned o = owned.get(tp.getPartition());
                      if (o != null && end != null) {
                        o.end = end;
                      }
                    }));
    ModelRuntime rt = models.get(spec.model()).orElse(null);
    if (rt == null) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (int p : owned.keySet()) {
      long d = durable(rt, p);
      if (d >= 0 && d > committed.getOrDefault(p, -1L)) {
        commit.put(new TopicPartition(spec.topic(), p), new OffsetAndMetadata(d, null));
      }
    }
    if (!commit.isEmpty()) {
      consumer
          .commit(commit)
          .onSuccess(c -> c.forEach((tp, o) -> committed.put(tp.getPartition(), o.getOffset())))
          .onFailure(e -> LOG.debug("kafka source {}: commit failed", spec.name(), e));
    }
  }

  private void pollLoop() {
    if (stopped) {
      return;
    }
    consumer
        .poll(Duration.ofMillis(200))
        .compose(this::handle)
        .onComplete(
            ar -> {
              if (stopped) {
                return;
              }
              if (ar.failed()) {
                LOG.warn("kafka source {}: poll failed", spec.name(), ar.cause());
                vertx.setTimer(500, t -> pollLoop());
              } else if (!ar.result()) {
                vertx.setTimer(1000, t -> pollLoop());
              } else {
                pollLoop();
              }
            });
  }

  /** Handles one poll; false when its records were put back (the model is missing). */
  private Future<Boolean> handle(KafkaConsumerRecords<byte[], byte[]> polled) {
    ModelRuntime rt = models.get(spec.model()).orElse(null);
    if (rt == null) {
      if (state != State.WAITING) {
        LOG.warn("kafka source {}: no model {}; waiting", spec.name(), spec.model());
      }
      state = State.WAITING;
      error = "no model " + spec.model();
      rewind(polled);
      return Future.succeededFuture(false);
    }
    if (state == State.WAITING) {
      state = State.RUNNING;
      error = null;
      LOG.info("kafka source {}: model {} is back", spec.name(), spec.model());
    }
    if (stopped || polled.isEmpty()) {
      return Future.succeededFuture(true);
    }
    ConsumerRecords<byte[], byte[]> records = polled.records();
    List<Future<Void>> parts = new ArrayList<>();
    for (org.apache.kafka.common.TopicPartition tp : records.partitions()) {
      parts.add(partition(rt, tp.partition(), records.records(tp)));
    }
    return Future.all(parts).map(true);
  }

  /** Seeks every partition of {@code polled} back to its learned offset (nothing is skipped). */
  private void rewind(KafkaConsumerRecords<byte[], byte[]> polled) {
    if (polled.isEmpty()) {
      return;
    }
    for (org.apache.kafka.common.TopicPartition tp : polled.records().partitions()) {
      long back = learned.getOrDefault(tp.partition(), -1L);
      if (back < 0) {
        back = polled.records().records(tp).get(0).offset();
      }
      consumer.seek(new TopicPartition(tp.topic(), tp.partition()), back);
    }
  }

  /** One partition's learnable records of a poll, hashed, in order. */
  private static final class Chunked {
    final List<SparseVector> xs = new ArrayList<>();
    final List<Double> labels = new ArrayList<>();
    final List<Double> weights = new ArrayList<>();
    final List<Long> offsets = new ArrayList<>();
    final Map<Long, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
  }

  private Future<Void> partition(
      ModelRuntime rt, int partition, List<ConsumerRecord<byte[], byte[]>> records) {
    long from = learned.getOrDefault(partition, -1L);
    Chunked good = new Chunked();
    long last = -1;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.offset() < from) {
        continue; // learned before (a redelivery)
      }
      last = r.offset();
      consumed.increment();
      try {
        byte[] v = r.value() == null ? new byte[0] : r.value();
        FeedbackRequest f = Json.read(v, 0, v.length, FeedbackRequest.class).validate();
        SparseVector x;
        if (f.predictionId() != null) {
          double label = rt.label(f.label());
          x = rt.feedback().take(f.predictionId());
          good.labels.add(label);
        } else {
          Example e = Examples.validate(f.toExample());
          double label = rt.label(e.label());
          x = rt.vector(e.features());
          good.labels.add(label);
        }
        good.xs.add(x);
        good.weights.add(f.weight() == null ? 1.0 : f.weight());
        good.offsets.add(r.offset());
        good.byOffset.put(r.offset(), r);
      } catch (ApiException e) {
        deadLetter(r, e.type().slug(), e.getMessage());
      }
    }
    if (last < 0) {
      return Future.succeededFuture();
    }
    // chunks no larger than the queue can ever take, in order; each records the offset after its
    // last example (the last chunk: after the poll's last record, dead letters included)
    Future<Void> chain = Future.succeededFuture();
    int size = good.xs.size();
    long lastOffset = last;
    for (int from0 = 0; from0 < Math.max(1, size); from0 += maxChunk) {
      int lo = from0;
      int hi = Math.min(size, from0 + maxChunk);
      long nextOffset = hi >= size ? lastOffset + 1 : good.offsets.get(hi - 1) + 1;
      chain =
          chain.compose(
              v -> {
                Promise<Void> done = Promise.promise();
                attempt(rt, partition, good, lo, hi, nextOffset, done, 50, false);
                return done.future();
              });
    }
    return chain;
  }

  private void attempt(
      ModelRuntime rt,
      int partition,
      Chunked good,
      int lo,
      int hi,
      long nextOffset,
      Promise<Void> done,
      long backoff,
      boolean paused) {
    if (stopped) {
      done.tryComplete();
      return;
    }
    int k = hi - lo;
    SparseVector[] xs = new SparseVector[k];
    double[] labels = new double[k];
    double[] weights = new double[k];
    long[] lines = new long[k];
    for (int i = 0; i < k; i++) {
      xs[i] = good.xs.get(lo + i);
      labels[i] = good.labels.get(lo + i);
      weights[i] = good.weights.get(lo + i);
      lines[i] = good.offsets.get(lo + i);
    }
    TopicPartition tp = new TopicPartition(spec.topic(), partition);
    Map<String, Object> off = Map.of(key(spec.topic(), partition), nextOffset);
    ingest
        .submitHashed(rt, xs, labels, weights, lines, k, SOURCE, List.of(), off)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                learned.merge(partition, nextOffset, Math::max);
                for (Problem.LineError e : ar.result().errors()) {
                  ConsumerRecord<byte[], byte[]> r = good.byOffset.get(e.line());
                  if (r != null) {
                    deadLetter(r, e.type(), e.detail());
                  }
                }
                if (paused) {
                  setPaused(tp, false);
                }
                done.complete();
              } else if (ar.cause() instanceof ApiException e
                  && e.type() == ProblemType.QUEUE_FULL) {
                if (!paused) {
                  setPaused(tp, true);
                }
                vertx.setTimer(
                    backoff,
                    t ->
                        attempt(
                            rt,
                            partition,
                            good,
                            lo,
                            hi,
                            nextOffset,
                            done,
                            Math.min(1000, backoff * 2),
                            true));
              } else {
                if (!stopped) {
                  LOG.warn(
                      "kafka source {}: partition {} batch failed; retrying",
                      spec.name(),
                      partition,
                      ar.cause());
                }
                // a replaced model: learn into the one that is live now
                ModelRuntime now = models.get(spec.model()).orElse(rt);
                vertx.setTimer(
                    1000,
                    t -> attempt(now, partition, good, lo, hi, nextOffset, done, 1000, paused));
              }
            });
  }

  private void setPaused(TopicPartition tp, boolean pause) {
    Owned o = owned.get(tp.getPartition());
    if (o != null) {
      o.paused = pause;
    }
    if (pause) {
      pauses.increment();
      consumer.pause(tp);
    } else {
      consumer.resume(tp);
    }
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> r, String type, String detail) {
    deadLetters.increment();
    metrics.rejected(spec.model(), SOURCE, type, 1);
    if (producer == null) {
      LOG.warn(
          "kafka source {}: {}-{}@{} rejected ({}): {}",
          spec.name(),
          r.topic(),
          r.partition(),
          r.offset(),
          type,
          detail);
      return;
    }
    RecordHeaders h = new RecordHeaders();
    h.add(ERROR_TYPE, bytes(type));
    h.add(ERROR_DETAIL, bytes(detail));
    h.add(SOURCE_TOPIC, bytes(r.topic()));
    h.add(SOURCE_PARTITION, bytes(Integer.toString(r.partition())));
    h.add(SOURCE_OFFSET, bytes(Long.toString(r.offset())));
    producer.send(
        new ProducerRecord<>(spec.deadLetterTopic(), null, r.key(), r.value(), h),
        (md, e) -> {
          if (e != null) {
            LOG.error("kafka source {}: dead-letter send failed", spec.name(), e);
          }
        });
  }

  private static byte[] bytes(String s) {
    return String.valueOf(s).getBytes(StandardCharsets.UTF_8);
  }

  private void removeMeters() {
    for (Meter m : meters) {
      metrics.registry().remove(m);
    }
    for (Integer p : List.copyOf(owned.keySet())) {
      disown(p);
    }
  }

  @Override
  public void stop(Promise<Void> stoppedPromise) {
    stopped = true;
    if (tick >= 0) {
      vertx.cancelTimer(tick);
    }
    // closing leaves the group: the revocation listener snapshots and commits (unless halted)
    Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.close();
    c.transform(
            v ->
                vertx.<Void>executeBlocking(
                    () -> {
                      if (producer != null) {
                        producer.close(Duration.ofSeconds(5));
                      }
                      return null;
                    }))
        .onComplete(
            ar -> {
              state = State.STOPPED;
              removeMeters();
              stoppedPromise.complete();
            });
  }
}
