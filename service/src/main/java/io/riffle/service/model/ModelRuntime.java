package io.riffle.service.model;

import io.riffle.api.ApiException;
import io.riffle.api.ProblemType;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.store.features.FeatureHasher;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One served model: its settings, the live {@link Model} (replaced atomically on restore), the
 * delayed-feedback cache, the count of queued examples and the state the learner publishes for
 * readers. The model's single writer is its {@link LearnerVerticle}; every other thread only reads
 * (Hogwild-style, see {@link Model}).
 */
public final class ModelRuntime {
  private final String name;
  private final ModelSettings settings;
  private volatile Model model;
  private final FeedbackCache feedback;
  private final AtomicInteger pending = new AtomicInteger();
  private final ThreadLocal<FeatureHasher> hashers;
  private final int queueCapacity;

  volatile Map<String, Object> metricsSummary = Map.of();
  volatile double rollingLoss = Double.NaN;
  volatile double rollingAuc = Double.NaN;
  volatile long lastSnapshotVersion;
  volatile long lastSnapshotMillis = System.currentTimeMillis();
  volatile long lastSnapshotBytes;
  volatile long examplesAtSnapshot;
  private volatile Map<String, Object> durableOffsets;
  final List<Refinement> refinements = new java.util.concurrent.CopyOnWriteArrayList<>();

  ModelRuntime(
      String name, ModelSettings settings, Model model, int cacheSize, double ttl, int capacity) {
    this.name = name;
    this.settings = settings;
    this.model = model;
    this.feedback = new FeedbackCache(cacheSize, ttl);
    this.hashers = ThreadLocal.withInitial(() -> new FeatureHasher(settings.spec().hashing()));
    this.queueCapacity = capacity;
    this.examplesAtSnapshot = model.examples();
    this.durableOffsets = Map.copyOf(model.offsets());
  }

  /**
   * The source offsets of the last snapshot written or restored (what survives a crash): a Kafka
   * source commits these to its consumer group, never offsets that are only learned in memory.
   */
  public Map<String, Object> durableOffsets() {
    return durableOffsets;
  }

  /** Called by the learner after writing or restoring a snapshot (on the writer thread). */
  void snapshotTaken(Map<String, Object> offsets) {
    durableOffsets = Map.copyOf(offsets);
  }

  // predict-latency timers, registered once (not looked up per request)
  io.micrometer.core.instrument.Timer predictPoint;
  io.micrometer.core.instrument.Timer predictSamples;
  io.micrometer.core.instrument.Timer predictRank;

  void registerMeters(RiffleMetrics m) {
    predictPoint = m.predictTimer(name, "point");
    predictSamples = m.predictTimer(name, "samples");
    predictRank = m.predictTimer(name, "rank");
    m.gauge(
        name,
        "riffle.queue.depth",
        "examples waiting for the learner",
        null,
        this,
        r -> r.pending.get());
    m.gauge(name, "riffle.model.examples", "examples learned", null, this, r -> r.model.examples());
    m.gauge(
        name,
        "riffle.progressive.loss",
        "progressive loss over the rolling window",
        null,
        this,
        r -> r.rollingLoss);
    m.gauge(
        name,
        "riffle.progressive.auc",
        "progressive AUC over the rolling window",
        null,
        this,
        r -> r.rollingAuc);
    m.gauge(
        name,
        "riffle.snapshot.age",
        "time since the last snapshot",
        "seconds",
        this,
        r -> (System.currentTimeMillis() - r.lastSnapshotMillis) / 1000.0);
    m.gauge(
        name,
        "riffle.snapshot.size",
        "array bytes of the last snapshot",
        "bytes",
        this,
        r -> r.lastSnapshotBytes);
  }

  public String name() {
    return name;
  }

  public ModelSettings settings() {
    return settings;
  }

  /** The live model (read-only outside the learner). */
  public Model model() {
    return model;
  }

  void replaceModel(Model m) {
    this.model = m;
  }

  public FeedbackCache feedback() {
    return feedback;
  }

  /** Event-bus address of the learner. */
  public String learnAddress() {
    return "riffle.learn." + name;
  }

  /** Examples queued for the learner. */
  public int queueDepth() {
    return pending.get();
  }

  /** Reserves room for {@code n} examples; false when the queue is full. */
  public boolean reserve(int n) {
    while (true) {
      int p = pending.get();
      // a request larger than the whole queue still goes through when the queue is empty
      if (p > 0 && p + n > queueCapacity) {
        return false;
      }
      if (pending.compareAndSet(p, p + n)) {
        return true;
      }
    }
  }

  /** Releases room reserved by {@link #reserve}. */
  public void release(int n) {
    pending.addAndGet(-n);
  }

  /** Recent refinements, oldest first (at most 100). */
  public List<Refinement> refinements() {
    return List.copyOf(refinements);
  }

  public long lastSnapshotVersion() {
    return lastSnapshotVersion;
  }

  /**
   * Hashes {@code features} on the calling thread (a hasher per thread) into a new vector.
   *
   * @throws ApiException {@code invalid-feature} on anything the hasher refuses
   */
  public SparseVector vector(Map<String, Object> features) {
    SparseVector v = new SparseVector();
    try {
      if (settings.dim() > 0) {
        return dense(features, v);
      }
      hashers.get().hash(features, v);
      return v;
    } catch (ApiException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ApiException(ProblemType.INVALID_FEATURE, e.getMessage(), e);
    }
  }

  private SparseVector dense(Map<String, Object> features, SparseVector v) {
    Object vec = features.get("vector");
    if (features.size() != 1 || !(vec instanceof List<?> list)) {
      throw new ApiException(
          ProblemType.INVALID_FEATURE,
          "a dense model takes exactly one feature, 'vector': an array of "
              + settings.dim()
              + " numbers");
    }
    if (list.size() != settings.dim()) {
      throw new ApiException(
          ProblemType.INVALID_FEATURE,
          "'vector' has " + list.size() + " numbers; this model's dim is " + settings.dim());
    }
    v.ensureCapacity(list.size() + 1);
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw new ApiException(ProblemType.WRONG_TYPE, "vector[" + i + "] is not a number");
      }
      float f = n.floatValue();
      if (!Float.isFinite(f)) {
        throw new ApiException(
            ProblemType.NON_FINITE_NUMBER,
            "vector[" + i + "]=" + n + " is outside the float range");
      }
      if (f != 0) {
        v.add(i, f);
      }
    }
    if (settings.spec().hashing().bias()) {
      v.add(settings.dim(), 1f);
    }
    return v;
  }

  /**
   * The numeric label of a wire label, validated against the model kind.
   *
   * @throws ApiException {@code label-out-of-range}
   */
  public double label(Object label) {
    double d;
    if (label instanceof Number n) {
      d = n.doubleValue();
    } else if (label instanceof String s && settings.classNames() != null) {
      int i = settings.classNames().indexOf(s);
      if (i < 0) {
        throw new ApiException(
            ProblemType.LABEL_OUT_OF_RANGE,
            "label '"
                + s
                + "' is not a class of model "
                + name
                + "; classes: "
                + settings.classNames());
      }
      d = i;
    } else {
      throw new ApiException(
          ProblemType.LABEL_OUT_OF_RANGE,
          "label '" + label + "' must be a number for model " + name);
    }
    try {
      model.kind().validateLabel(d);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ProblemType.LABEL_OUT_OF_RANGE, e.getMessage(), e);
    }
    return d;
  }

  /** The wire form of class {@code k}: its name, or the index. */
  public Object className(int k) {
    return settings.classNames() == null ? (Object) k : settings.classNames().get(k);
  }
}
