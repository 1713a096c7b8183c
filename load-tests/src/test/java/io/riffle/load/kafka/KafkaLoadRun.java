package io.riffle.load.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.riffle.load.ServiceProcess;
import io.riffle.load.gen.Example;
import io.riffle.load.gen.StreamGenerator;
import io.riffle.load.gen.WireJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One mode of the Kafka scenario against one broker.
 *
 * <ul>
 *   <li>{@code preload}: creates the topic, produces all N records as fast as the producer goes,
 *       then starts the service jar with a Kafka source on the topic and waits until the model has
 *       learned N examples;
 *   <li>{@code concurrent}: creates the topic, starts the service (or uses the given one), waits
 *       until the source's consumer group has every partition assigned, then produces N records at
 *       {@code rate} per second (on a thread of its own) while the service consumes.
 * </ul>
 *
 * <p>While the service runs, a sampler reads the model's example count ({@code GET
 * /v1/models/{name}}, field {@code examples}) and then the topic's end offsets (an {@link Admin}
 * {@code listOffsets(latest)}) every {@code sampleEvery}; the difference is the lag. The service
 * exposes neither per-partition offsets nor a lag over HTTP, so the lag is the total over
 * partitions, not per partition. Separately the count is polled every {@value #DONE_POLL_MS} ms to
 * time the moment it reaches N closely.
 */
final class KafkaLoadRun {
  private static final long DONE_POLL_MS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaLoadSettings settings;
  private final KafkaLoadSettings.Mode mode;
  private final String bootstrap;
  private final String topic;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<LagSample> samples = new ArrayList<>();
  private final AtomicLong sampleErrors = new AtomicLong();

  private String baseUrl;
  private long count0;
  private long end0;
  private long t0;

  KafkaLoadRun(KafkaLoadSettings settings, KafkaLoadSettings.Mode mode, String bootstrap) {
    this.settings = settings;
    this.mode = mode;
    this.bootstrap = bootstrap;
    this.topic =
        settings.topic() != null
            ? settings.topic()
            : "riffle-load-" + mode.label() + "-" + System.currentTimeMillis();
  }

  /** Runs the mode; never throws for a measurement that went wrong (see {@code error}). */
  KafkaLoadResult run() throws Exception {
    double loadBefore = loadAverage();
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    ServiceProcess service = null;
    try (Admin admin = Admin.create(adminProps);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      List<TopicPartition> partitions = ensureTopic(admin);
      end0 = endOffsets(admin, partitions);
      double serviceStart = 0;
      double assignment = 0;
      double serviceReady;
      long produceDone = 0;
      Thread producing = null;
      AtomicLong produced = new AtomicLong();
      String error = null;
      AtomicLong acked = new AtomicLong();
      AtomicReference<Exception> sendError = new AtomicReference<>();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      try {
        if (mode == KafkaLoadSettings.Mode.PRELOAD) {
          t0 = System.nanoTime();
          produce(producer, 0, acked, sendError);
          produceDone = System.nanoTime();
          long launch = System.nanoTime();
          service = startService();
          serviceStart = seconds(System.nanoTime() - launch);
          serviceReady = seconds(System.nanoTime() - t0);
          count0 = 0;
          startSampler(sampler, admin, partitions);
        } else {
          if (settings.url() == null) {
            long launch = System.nanoTime();
            service = startService();
            serviceStart = seconds(System.nanoTime() - launch);
          } else {
            baseUrl = settings.url();
          }
          long joinStart = System.nanoTime();
          awaitAssignment(admin, partitions.size());
          assignment = seconds(System.nanoTime() - joinStart);
          count0 = count();
          t0 = System.nanoTime();
          serviceReady = -serviceStart - assignment;
          startSampler(sampler, admin, partitions);
          producing =
              new Thread(
                  () -> {
                    try {
                      produce(producer, settings.rate(), acked, sendError);
                    } catch (InterruptedException e) {
                      sendError.compareAndSet(null, e);
                    } finally {
                      produced.set(System.nanoTime());
                    }
                  },
                  "riffle-load-producer");
          producing.start();
        }
        Done done = awaitCount();
        if (producing != null) {
          producing.join(settings.timeout().toMillis());
          produceDone = produced.get();
        }
        if (sendError.get() != null) {
          error = "producer: " + sendError.get();
        }
        if (error == null) {
          error = done.error;
        }
        sampler.shutdown();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        LagSample last = sample(admin, partitions);
        return result(
            produceDone,
            serviceStart,
            assignment,
            serviceReady,
            done,
            last,
            error,
            loadBefore,
            mode == KafkaLoadSettings.Mode.PRELOAD ? 0 : settings.rate());
      } finally {
        sampler.shutdownNow();
      }
    } finally {
      if (service != null) {
        service.close();
      }
    }
  }

  /** When the count reached N (from t0), when it first moved, and what went wrong. */
  private record Done(long doneNanos, long firstNanos, String error) {}

  private Done awaitCount() {
    long deadline = t0 + settings.timeout().toNanos();
    long first = -1;
    long lastValue = -1;
    long lastChange = System.nanoTime();
    String lastError = null;
    while (true) {
      long now = System.nanoTime();
      try {
        long learned = count() - count0;
        now = System.nanoTime();
        if (learned > 0 && first < 0) {
          first = now;
        }
        if (learned != lastValue) {
          lastValue = learned;
          lastChange = now;
        }
        if (learned >= settings.records()) {
          return new Done(
              now,
              first,
              learned == settings.records()
                  ? null
                  : "model learned "
                      + learned
                      + " examples, expected exactly "
                      + settings.records());
        }
      } catch (IOException | RuntimeException e) {
        lastError = e.toString();
      }
      if (now - deadline > 0) {
        return new Done(
            -1,
            first,
            "timed out after "
                + settings.timeout()
                + " at "
                + lastValue
                + " of "
                + settings.records()
                + (lastError == null ? "" : " (last error " + lastError + ")"));
      }
      if (now - lastChange > settings.stall().toNanos()) {
        return new Done(
            -1,
            first,
            "count stalled at "
                + lastValue
                + " of "
                + settings.records()
                + " for "
                + settings.stall()
                + (lastError == null ? "" : " (last error " + lastError + ")"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(DONE_POLL_MS));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        return new Done(-1, first, "interrupted");
      }
    }
  }

  private KafkaLoadResult result(
      long produceDone,
      double serviceStart,
      double assignment,
      double serviceReady,
      Done done,
      LagSample last,
      String error,
      double loadBefore,
      double targetRate) {
    long n = settings.records();
    double produceSeconds = seconds(produceDone - t0);
    double doneSeconds = done.doneNanos < 0 ? -1 : seconds(done.doneNanos - t0);
    double drain;
    double consume;
    if (doneSeconds < 0) {
      drain = -1;
      consume = 0;
    } else if (mode == KafkaLoadSettings.Mode.PRELOAD) {
      drain = doneSeconds - serviceReady;
      consume = n / drain;
    } else {
      drain = Math.max(0, doneSeconds - produceSeconds);
      consume = n / doneSeconds;
    }
    List<LagSample> timeline;
    synchronized (samples) {
      samples.add(last);
      timeline = List.copyOf(samples);
    }
    // the count first moved: seen by the done-poller, or earlier by the sampler
    double first = done.firstNanos < 0 ? -1 : seconds(done.firstNanos - t0);
    for (LagSample s : timeline) {
      if (s.learned() > 0) {
        if (first < 0 || s.seconds() < first) {
          first = s.seconds();
        }
        break;
      }
    }
    long maxLag = 0;
    double lagSum = 0;
    int lagCount = 0;
    for (LagSample s : timeline) {
      maxLag = Math.max(maxLag, s.lag());
      if (doneSeconds < 0 || s.seconds() <= doneSeconds) {
        lagSum += s.lag();
        lagCount++;
      }
    }
    return new KafkaLoadResult(
        mode.label(),
        n,
        settings.partitions(),
        settings.features(),
        topic,
        targetRate,
        produceSeconds,
        n / produceSeconds,
        serviceStart,
        assignment,
        serviceReady,
        first,
        doneSeconds,
        drain,
        consume,
        doneSeconds < 0 || first < 0 || doneSeconds <= first ? 0 : n / (doneSeconds - first),
        doneSeconds < 0 ? 0 : n / doneSeconds,
        maxLag,
        lagCount == 0 ? 0 : lagSum / lagCount,
        last.learned(),
        last.lag(),
        error == null && last.learned() == n && last.lag() == 0,
        error != null
            ? error
            : last.learned() != n || last.lag() != 0
                ? "after done: learned " + last.learned() + ", lag " + last.lag()
                : null,
        sampleErrors.get(),
        loadBefore,
        loadAverage(),
        timeline);
  }

  private void startSampler(
      ScheduledExecutorService sampler, Admin admin, List<TopicPartition> partitions) {
    sampler.scheduleAtFixedRate(
        () -> {
          try {
            LagSample s = sample(admin, partitions);
            synchronized (samples) {
              samples.add(s);
            }
          } catch (Exception e) {
            sampleErrors.incrementAndGet();
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
            }
          }
        },
        0,
        settings.sampleEvery().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private LagSample sample(Admin admin, List<TopicPartition> partitions) throws Exception {
    // count first: end offsets read later can only be larger, so the lag is never negative
    long learned = count() - count0;
    long produced = endOffsets(admin, partitions) - end0;
    return new LagSample(seconds(System.nanoTime() - t0), produced, learned, produced - learned);
  }

  private void produce(
      KafkaProducer<byte[], byte[]> producer,
      double rate,
      AtomicLong acked,
      AtomicReference<Exception> sendError)
      throws InterruptedException {
    StreamGenerator g = new StreamGenerator(settings.streamSpec());
    long n = settings.records();
    double nanosPerRecord = rate > 0 ? 1e9 / rate : 0;
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) {
      if (rate > 0) {
        long due = start + (long) (i * nanosPerRecord);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(Math.min(wait, 1_000_000));
        }
      }
      Example e = g.next();
      producer.send(
          new ProducerRecord<>(topic, WireJson.toKafkaKey(e), WireJson.toKafkaValue(e)),
          (md, ex) -> {
            if (ex != null) {
              sendError.compareAndSet(null, ex);
            } else {
              acked.incrementAndGet();
            }
          });
      if (sendError.get() != null) {
        break;
      }
    }
    producer.flush();
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while producing");
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Creates the topic with P partitions unless it exists; returns its partitions. */
  private List<TopicPartition> ensureTopic(Admin admin) throws Exception {
    TopicDescription d;
    try {
      d = admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw e;
      }
      admin
          .createTopics(List.of(new NewTopic(topic, settings.partitions(), (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      d = awaitTopic(admin);
    }
    List<TopicPartition> out = new ArrayList<>();
    d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
    return out;
  }

  /** A new topic's metadata can lag its creation: describe until it is there. */
  private TopicDescription awaitTopic(Admin admin) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        TopicDescription d =
            admin
                .describeTopics(Set.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
        if (d.partitions().size() == settings.partitions()) {
          return d;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() - deadline > 0) {
          throw e;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("topic " + topic + " not visible with all partitions");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /**
   * Waits until the source's consumer group is stable with all {@code partitions} assigned, so the
   * concurrent mode measures a consuming service rather than its group join. Skipped (returns at
   * once) for a given service without {@code riffle.groupId}: its group is not known.
   */
  private void awaitAssignment(Admin admin, int partitions) throws Exception {
    String group = groupId();
    if (group == null) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String seen = "nothing";
    while (System.nanoTime() - deadline < 0) {
      ConsumerGroupDescription d;
      try {
        d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof GroupIdNotFoundException)) {
          throw e;
        }
        seen = "no group yet";
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        continue;
      }
      int assigned = 0;
      for (MemberDescription m : d.members()) {
        assigned += m.assignment().topicPartitions().size();
      }
      seen = d.groupState() + " with " + assigned + " partitions assigned";
      if (d.groupState() == GroupState.STABLE && assigned == partitions) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new TimeoutException("consumer group " + group + " not assigned within 60 s: " + seen);
  }

  /** The source's consumer group: the one this run configures, or {@code riffle.groupId}. */
  private String groupId() {
    return settings.url() == null ? topic + "-group" : settings.groupId();
  }

  private static long endOffsets(Admin admin, List<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    long sum = 0;
    for (ListOffsetsResult.ListOffsetsResultInfo info :
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values()) {
      sum += info.offset();
    }
    return sum;
  }

  private ServiceProcess startService() {
    ServiceProcess sp = ServiceProcess.start(Duration.ofSeconds(120), serviceConfig());
    baseUrl = sp.baseUrl();
    return sp;
  }

  /** The service's config: the model and one Kafka source reading the topic into it. */
  String serviceConfig() {
    try {
      ObjectNode root = JSON.createObjectNode();
      root.putObject("models").set(settings.model(), JSON.readTree(settings.modelJson()));
      ObjectNode kafka = root.putObject("kafka");
      kafka.put("bootstrapServers", bootstrap);
      ObjectNode source = kafka.putObject("sources").putObject("load");
      source.put("topic", topic);
      source.put("model", settings.model());
      source.put("groupId", groupId());
      source.put("format", "json");
      ObjectNode props = source.putObject("properties");
      settings.consumerProperties().forEach(props::put);
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The model's example count. */
  private long count() throws IOException {
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models/" + settings.model()))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    HttpResponse<byte[]> r;
    try {
      r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() != 200) {
      throw new IOException(
          "GET /v1/models/"
              + settings.model()
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    JsonNode examples = JSON.readTree(r.body()).get("examples");
    if (examples == null || !examples.canConvertToLong()) {
      throw new IOException("no examples count in the model's description");
    }
    return examples.asLong();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
