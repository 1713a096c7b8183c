package io.riffle.service.model;

import io.micrometer.core.instrument.Timer;
import io.riffle.api.ApiException;
import io.riffle.api.Problem;
import io.riffle.api.ProblemType;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.refine.Promotion;
import io.riffle.store.refine.RefineJob;
import io.riffle.store.refine.RefineResult;
import io.riffle.store.refine.RefineSpec;
import io.riffle.store.snapshot.ModelStore;
import io.riffle.store.snapshot.Snapshot;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one model: a worker verticle whose event-bus consumer receives, in order,
 * the model's {@link LearnBatch}es and its commands (snapshot, metrics, restore, final snapshot).
 * Vert.x delivers a worker verticle's messages one at a time, so the model is never written by two
 * threads; predictions read it concurrently without locks.
 *
 * <p>Why one verticle per model and not one per shard: the library's learn step (score every
 * example on all shards, then one optimizer step across them, then the SGLD step) is what makes a
 * model with S shards bit-identical to one with a single shard (decision 0004). Splitting the
 * optimizer step over shard verticles would add a cross-thread barrier per step and, on the 2-core
 * machines Riffle is measured on, no speed-up; the seam stays {@code ModelShard}, so a clustered
 * placement is a new learner, not a rewrite. See docs/decisions/0005.
 */
public final class LearnerVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(LearnerVerticle.class);

  /** Command: write a snapshot now; replies a map with version, bytes, examples. */
  public record SnapshotNow() {}

  /** Command: progressive metrics summary, consistent with every batch queued before it. */
  public record MetricsQuery() {}

  /** Command: replace the live model by snapshot {@code version}. */
  public record Restore(long version) {}

  /** Command: start a refinement now; replies its entry (or the running one's). */
  public record RefineNow() {}

  /** Command: final snapshot (if anything changed) before shutdown. */
  public record FinalSnapshot() {}

  /**
   * Command: run {@code task} on the writer thread, in queue order (promotion of a refined model,
   * tests that hold the learner). Replies the model version after it.
   *
   * @param task what to run
   */
  public record OnWriter(Runnable task) {}

  private final ModelRuntime rt;
  private final ModelStore store;
  private final RiffleMetrics metrics;
  private final int keep;
  private Timer learnTimer;
  private Timer snapshotTimer;
  private MessageConsumer<Local> consumer;
  private long lastPublish;

  // aggregation scratch
  private SparseVector[] gx = new SparseVector[1];
  private double[] gl = new double[1];
  private double[] gw = new double[1];

  public LearnerVerticle(ModelRuntime rt, ModelStore store, RiffleMetrics metrics, int keep) {
    this.rt = rt;
    this.store = store;
    this.metrics = metrics;
    this.keep = keep;
  }

  @Override
  public void start() {
    learnTimer = metrics.learnTimer(rt.name());
    snapshotTimer = metrics.snapshotTimer(rt.name());
    consumer = vertx.eventBus().localConsumer(rt.learnAddress(), this::handle);
    vertx.setPeriodic(
        1000,
        id -> {
          maybeSnapshotByTime();
          maybeRefine();
        });
    lastRefineMillis = System.currentTimeMillis();
    lastRefineExamples = rt.model().examples();
    publish();
  }

  @Override
  public void stop(io.vertx.core.Promise<Void> done) {
    consumer.unregister();
    // a refinement still running would complete onto a closed context: cancel it and wait
    if (running != null) {
      running.job().cancel();
      running.done().onComplete(ar -> done.complete());
    } else {
      done.complete();
    }
  }

  private void handle(Message<Local> msg) {
    Object body = msg.body().body();
    try {
      if (body instanceof LearnBatch b) {
        msg.reply(new Local(learn(b)));
      } else if (body instanceof MetricsQuery) {
        publish();
        msg.reply(new Local(rt.metricsSummary));
      } else if (body instanceof SnapshotNow) {
        msg.reply(new Local(snapshot()));
      } else if (body instanceof FinalSnapshot) {
        if (rt.model().examples() != rt.examplesAtSnapshot) {
          snapshot();
        }
        msg.reply(new Local(Map.of("examples", rt.model().examples())));
      } else if (body instanceof RefineNow) {
        msg.reply(new Local(startRefinement()));
      } else if (body instanceof OnWriter w) {
        w.task().run();
        msg.reply(new Local(rt.model().examples()));
      } else if (body instanceof Restore r) {
        msg.reply(new Local(restore(r.version())));
      } else {
        msg.fail(500, "unknown learner message " + body);
      }
    } catch (ApiException e) {
      msg.reply(new Local(e));
    } catch (RuntimeException | IOException e) {
      LOG.error("model {}: {} failed", rt.name(), body.getClass().getSimpleName(), e);
      msg.reply(new Local(new ApiException(ProblemType.INTERNAL, String.valueOf(e), e)));
    }
  }

  private LearnResult learn(LearnBatch b) throws IOException {
    long t0 = System.nanoTime();
    Model m = rt.model();
    List<Problem.LineError> errors = null;
    int learned = 0;
    int agg = rt.settings().aggregate();
    try {
      for (int i = 0; i < b.n(); i += agg) {
        int k = Math.min(agg, b.n() - i);
        try {
          if (k == 1) {
            m.learnOne(b.xs()[i], b.labels()[i], b.weights()[i]);
          } else {
            group(b, i, k);
            m.learnHashed(gx, gl, gw, k);
          }
          learned += k;
        } catch (IllegalArgumentException e) {
          // the library refuses a step before changing anything: a single example is rejected
          // as it is; a group is retried one by one so only the offending examples are rejected
          for (int j = i; j < i + k; j++) {
            try {
              if (k == 1) {
                throw e;
              }
              m.learnOne(b.xs()[j], b.labels()[j], b.weights()[j]);
              learned++;
            } catch (IllegalArgumentException refused) {
              if (errors == null) {
                errors = new ArrayList<>();
              }
              errors.add(
                  new Problem.LineError(
                      b.lines()[j], ProblemType.INVALID_FEATURE.slug(), refused.getMessage()));
              metrics.rejected(rt.name(), b.source(), ProblemType.INVALID_FEATURE.slug(), 1);
            }
          }
        }
      }
    } finally {
      rt.release(b.n());
    }
    if (b.offsetsAfter() != null) {
      // before the snapshot check below: a snapshot holds exactly the offsets of what it learned
      m.offsets().putAll(b.offsetsAfter());
    }
    learnTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    long now = System.currentTimeMillis();
    if (now - lastPublish >= 250) {
      publish();
    }
    maybeRefine();
    long every = rt.settings().snapshotEveryExamples();
    if (every > 0 && m.examples() - rt.examplesAtSnapshot >= every) {
      snapshot();
    }
    return new LearnResult(learned, errors == null ? List.of() : errors, m.examples());
  }

  // ------------------------------------------------------------------ refinement

  /** The job in flight: its list entry, the job, and its completion on the worker pool. */
  private record Running(
      Refinement entry, RefineJob job, io.vertx.core.Future<RefineResult> done) {}

  private Running running;
  private long lastRefineMillis;
  private long lastRefineExamples;
  private long refinementIds;

  private void maybeRefine() {
    RefineSpec spec = rt.settings().refine();
    if (spec == null || running != null) {
      return;
    }
    long n = rt.model().examples();
    boolean byCount = spec.everyExamples() > 0 && n - lastRefineExamples >= spec.everyExamples();
    boolean byTime =
        spec.everySeconds() > 0
            && n != lastRefineExamples
            && System.currentTimeMillis() - lastRefineMillis >= spec.everySeconds() * 1000;
    if (byCount || byTime) {
      startRefinement();
    }
  }

  /**
   * Starts a job on a copy of the live model (taken here, on the writer thread), runs it on the
   * worker pool while this verticle keeps learning, and decides on this thread when it ends:
   * promotion replays the examples learned meanwhile onto the challenger before it goes live.
   */
  private Refinement startRefinement() {
    if (running != null) {
      return running.entry();
    }
    RefineSpec spec =
        rt.settings().refine() != null ? rt.settings().refine() : RefineSpec.of(RefineSpec.SVRG);
    Refinement r = new Refinement(rt.name() + "-" + (++refinementIds), spec.method());
    lastRefineMillis = System.currentTimeMillis();
    lastRefineExamples = rt.model().examples();
    rt.refinements.add(r);
    while (rt.refinements.size() > 100) {
      rt.refinements.remove(0);
    }
    RefineJob job;
    try {
      job = RefineJob.prepare(rt.model(), spec);
    } catch (RuntimeException e) {
      r.fail(e.toString());
      metrics.refinementEnded(rt.name(), r.method, r.status, 0, 0);
      return r;
    }
    long t0 = System.nanoTime();
    running = new Running(r, job, vertx.executeBlocking(job::run, false));
    running
        .done()
        .onComplete(
            ar -> {
              running = null;
              r.durationMs = (System.nanoTime() - t0) / 1_000_000;
              if (ar.failed()) {
                LOG.error("model {}: refinement {} failed", rt.name(), r.id, ar.cause());
                r.fail(String.valueOf(ar.cause()));
              } else {
                decide(r, ar.result());
              }
              metrics.refinementEnded(
                  rt.name(), r.method, r.status, r.durationMs, r.examplesReplayed);
            });
    return r;
  }

  private void decide(Refinement r, RefineResult res) {
    r.kernel = res.kernel();
    r.liveLoss = res.liveLoss();
    r.challengerLoss = res.challengerLoss();
    r.improvementZ = res.improvementZ();
    if (!res.promotable()) {
      r.status = res.status() == io.riffle.store.refine.RefineStatus.FAILED ? "failed" : "rejected";
      r.error = res.message();
      LOG.info("model {}: refinement {} {}: {}", rt.name(), r.id, r.status, res.message());
      return;
    }
    try {
      Model live = rt.model();
      Model promoted = Promotion.promote(live, res);
      r.examplesReplayed = live.examples() - res.liveExamplesAtStart();
      rt.replaceModel(promoted);
      r.status = "promoted";
      r.promoted = true;
      publish();
      LOG.info(
          "model {}: refinement {} promoted (held-back loss {} -> {}, {} examples replayed)",
          rt.name(),
          r.id,
          res.liveLoss(),
          res.challengerLoss(),
          r.examplesReplayed);
    } catch (RuntimeException e) {
      LOG.error("model {}: promotion of {} failed", rt.name(), r.id, e);
      r.fail(e.toString());
    }
  }

  private void group(LearnBatch b, int i, int k) {
    if (gx.length < k) {
      gx = new SparseVector[k];
      gl = new double[k];
      gw = new double[k];
    }
    System.arraycopy(b.xs(), i, gx, 0, k);
    System.arraycopy(b.labels(), i, gl, 0, k);
    System.arraycopy(b.weights(), i, gw, 0, k);
  }

  private void publish() {
    Map<String, Object> s = rt.model().metrics().summary();
    rt.metricsSummary = s;
    @SuppressWarnings("unchecked")
    Map<String, Object> rolling = (Map<String, Object>) s.get("rolling");
    rt.rollingLoss = num(rolling.get("loss"));
    rt.rollingAuc = num(rolling.get("auc"));
    lastPublish = System.currentTimeMillis();
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private void maybeSnapshotByTime() {
    double every = rt.settings().snapshotEverySeconds();
    if (every > 0
        && rt.model().examples() != rt.examplesAtSnapshot
        && System.currentTimeMillis() - rt.lastSnapshotMillis >= every * 1000) {
      try {
        snapshot();
      } catch (IOException | RuntimeException e) {
        LOG.error("model {}: scheduled snapshot failed", rt.name(), e);
      }
    }
  }

  /** Writes a snapshot of the live model with the service settings in its manifest. */
  Map<String, Object> snapshot() throws IOException {
    long t0 = System.nanoTime();
    Model m = rt.model();
    Snapshot s = withSettings(m.snapshot(), rt.settings());
    long version = store.save(rt.name(), s);
    store.retain(rt.name(), keep);
    snapshotTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
    rt.lastSnapshotVersion = version;
    rt.lastSnapshotMillis = System.currentTimeMillis();
    rt.lastSnapshotBytes = s.arrayBytes();
    rt.examplesAtSnapshot = m.examples();
    rt.snapshotTaken(m.offsets());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", version);
    out.put("bytes", s.arrayBytes());
    out.put("examples", m.examples());
    out.put("millis", (System.nanoTime() - t0) / 1e6);
    LOG.info(
        "model {}: snapshot v{} ({} examples, {} bytes, {} ms)",
        rt.name(),
        version,
        m.examples(),
        s.arrayBytes(),
        out.get("millis"));
    return out;
  }

  /** {@code snap} with the service's settings added to its manifest. */
  static Snapshot withSettings(Snapshot snap, ModelSettings settings) {
    Map<String, Object> meta = new LinkedHashMap<>(snap.meta());
    meta.put("service", io.riffle.api.Json.mapper().convertValue(settings.request(), Map.class));
    return new Snapshot(meta, snap.arrays());
  }

  private Map<String, Object> restore(long version) throws IOException {
    Snapshot s;
    try {
      s = store.load(rt.name(), version);
    } catch (NoSuchFileException e) {
      throw new ApiException(
          ProblemType.UNKNOWN_SNAPSHOT, "model " + rt.name() + " has no snapshot v" + version);
    }
    Model m = Model.restore(s);
    if (!m.spec().equals(rt.settings().spec())) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST,
          "snapshot v" + version + " has another spec than the live model; recreate the model");
    }
    rt.replaceModel(m);
    rt.examplesAtSnapshot = m.examples();
    rt.snapshotTaken(m.offsets());
    publish();
    LOG.info("model {}: restored snapshot v{} ({} examples)", rt.name(), version, m.examples());
    return Map.of("version", version, "examples", m.examples());
  }
}
