package io.riffle.service.model;

import io.riffle.api.ApiException;
import io.riffle.api.Json;
import io.riffle.api.ModelSpecRequest;
import io.riffle.api.ProblemType;
import io.riffle.service.config.RiffleConfig;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.store.learn.Model;
import io.riffle.store.snapshot.ModelStore;
import io.riffle.store.snapshot.Snapshot;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this process serves: creates, replaces and deletes them (each with its learner
 * verticle), restores them from their latest snapshots at start-up, and sends learner commands.
 */
public final class ModelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Delivery of learner messages: local codec, long timeout (a big batch takes time). */
  public static final DeliveryOptions LOCAL =
      new DeliveryOptions().setCodecName(Local.CODEC).setSendTimeout(300_000);

  private final Vertx vertx;
  private final ModelStore store;
  private final RiffleConfig config;
  private final RiffleMetrics metrics;
  private final Map<String, ModelRuntime> models = new ConcurrentHashMap<>();
  private final Map<String, String> deployments = new ConcurrentHashMap<>();
  private final Map<String, List<io.vertx.core.eventbus.MessageConsumer<?>>> consumers =
      new ConcurrentHashMap<>();
  private BusEndpoints endpoints;

  public ModelRegistry(Vertx vertx, ModelStore store, RiffleConfig config, RiffleMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.metrics = metrics;
  }

  /** The event-bus endpoints registered for every model (set before {@link #start}). */
  public void endpoints(BusEndpoints e) {
    this.endpoints = e;
  }

  /** Checks a model name (path segment and directory name). */
  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST, "model name '" + name + "' must match " + NAME.pattern());
    }
  }

  /** The model, or an {@code unknown-model} problem. */
  public ModelRuntime require(String name) {
    ModelRuntime rt = models.get(name);
    if (rt == null) {
      throw new ApiException(ProblemType.UNKNOWN_MODEL, "no model named '" + name + "'");
    }
    return rt;
  }

  public Optional<ModelRuntime> get(String name) {
    return Optional.ofNullable(models.get(name));
  }

  public List<ModelRuntime> all() {
    return new ArrayList<>(models.values());
  }

  /** Restores every stored model, then creates the configured ones that have no snapshot. */
  public Future<Void> start() {
    return vertx
        .executeBlocking(
            () -> {
              List<Restored> restored = new ArrayList<>();
              for (String name : store.models()) {
                Optional<ModelStore.Loaded> l = store.loadLatest(name);
                if (l.isEmpty()) {
                  continue;
                }
                Snapshot s = l.get().snapshot();
                Object svc = s.meta().get("service");
                ModelSpecRequest req =
                    svc == null ? null : Json.mapper().convertValue(svc, ModelSpecRequest.class);
                Model m = Model.restore(s);
                if (req == null) {
                  throw new IllegalStateException(
                      "snapshot of model "
                          + name
                          + " has no service settings: not written by the"
                          + " service");
                }
                ModelSettings settings = ModelSettings.of(req);
                restored.add(new Restored(settings, m, l.get().version()));
                LOG.info(
                    "model {}: restored snapshot v{} ({} examples)",
                    name,
                    l.get().version(),
                    m.examples());
              }
              return restored;
            })
        .compose(
            restored -> {
              Future<Void> f = Future.succeededFuture();
              for (Restored r : restored) {
                f =
                    f.compose(v -> deploy(r.model().name(), r.settings(), r.model(), r.version()))
                        .mapEmpty();
              }
              for (Map.Entry<String, ModelSpecRequest> e : config.models().entrySet()) {
                f =
                    f.compose(
                        v ->
                            models.containsKey(e.getKey())
                                ? Future.succeededFuture()
                                : put(e.getKey(), e.getValue()).mapEmpty());
              }
              return f;
            });
  }

  /**
   * Creates or replaces model {@code name}: a replaced model's learner is stopped and its snapshots
   * deleted; the new model is snapshotted at once so that it survives a restart.
   *
   * @return the runtime and whether it replaced an existing model
   */
  public Future<Map.Entry<ModelRuntime, Boolean>> put(String name, ModelSpecRequest request) {
    checkName(name);
    ModelSettings settings = ModelSettings.of(request);
    boolean replaced = models.containsKey(name);
    Future<Void> gone = replaced ? delete(name) : Future.succeededFuture();
    return gone.compose(
        v -> {
          Model m = new Model(name, settings.spec());
          return deploy(name, settings, m, 0)
              .compose(
                  rt ->
                      vertx
                          .eventBus()
                          .<Local>request(
                              rt.learnAddress(),
                              new Local(new LearnerVerticle.SnapshotNow()),
                              LOCAL)
                          .map(r -> Map.entry(rt, replaced)));
        });
  }

  private record Restored(ModelSettings settings, Model model, long version) {}

  /**
   * Deploys a learner for {@code m}; {@code snapshotVersion} is its restored snapshot (0: none).
   */
  private Future<ModelRuntime> deploy(
      String name, ModelSettings settings, Model m, long snapshotVersion) {
    ModelRuntime rt =
        new ModelRuntime(
            name,
            settings,
            m,
            config.feedback().cacheSize(),
            config.feedback().ttlSeconds(),
            config.ingest().queueCapacity());
    rt.lastSnapshotVersion = snapshotVersion;
    rt.registerMeters(metrics);
    return vertx
        .deployVerticle(
            new LearnerVerticle(rt, store, metrics, config.snapshots().keep()),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .map(
            id -> {
              deployments.put(name, id);
              models.put(name, rt);
              if (endpoints != null) {
                consumers.put(name, endpoints.register(rt));
              }
              return rt;
            });
  }

  /** Stops the model's learner and deletes it with its snapshots. */
  public Future<Void> delete(String name) {
    ModelRuntime rt = require(name);
    models.remove(name);
    String id = deployments.remove(name);
    List<io.vertx.core.eventbus.MessageConsumer<?>> cs = consumers.remove(name);
    if (cs != null) {
      cs.forEach(io.vertx.core.eventbus.MessageConsumer::unregister);
    }
    Future<Void> undeployed = id == null ? Future.succeededFuture() : vertx.undeploy(id);
    return undeployed
        .compose(
            v ->
                vertx.executeBlocking(
                    () -> {
                      store.deleteModel(name);
                      return null;
                    }))
        .onComplete(v -> metrics.removeModel(rt.name()))
        .mapEmpty();
  }

  /** Sends a command to a model's learner; a reply carrying an {@link ApiException} fails. */
  public <T> Future<T> command(ModelRuntime rt, Object command) {
    return vertx
        .eventBus()
        .<Local>request(rt.learnAddress(), new Local(command), LOCAL)
        .compose(
            msg -> {
              Object body = msg.body().body();
              if (body instanceof ApiException e) {
                return Future.failedFuture(e);
              }
              @SuppressWarnings("unchecked")
              T t = (T) body;
              return Future.succeededFuture(t);
            });
  }

  /** Final snapshots of every model (after intake stopped: queued batches are learned first). */
  public Future<Void> finalSnapshots() {
    List<Future<Object>> all = new ArrayList<>();
    for (ModelRuntime rt : models.values()) {
      all.add(command(rt, new LearnerVerticle.FinalSnapshot()));
    }
    return Future.join(all).mapEmpty();
  }

  public ModelStore store() {
    return store;
  }
}
