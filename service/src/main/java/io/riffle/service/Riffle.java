package io.riffle.service;

import io.riffle.service.config.RiffleConfig;
import io.riffle.service.http.ApiRouter;
import io.riffle.service.http.Handlers;
import io.riffle.service.ingest.IngestPipeline;
import io.riffle.service.kafka.KafkaSources;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.service.model.BusEndpoints;
import io.riffle.service.model.Local;
import io.riffle.service.model.ModelRegistry;
import io.riffle.service.model.PredictService;
import io.riffle.store.snapshot.FilesystemModelStore;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Riffle: Vert.x with Micrometer metrics, the filesystem snapshot store, the models and
 * their learners, and the HTTP server verticles (one per event loop by default). {@link #start}
 * resolves when the server listens and every stored model is restored; {@link #shutdown} is the
 * graceful stop (readiness false, intake closed, queues drained, final snapshots, exit).
 */
public final class Riffle {
  private static final Logger LOG = LoggerFactory.getLogger(Riffle.class);

  private final RiffleConfig config;
  private final Vertx vertx;
  private final RiffleMetrics metrics;
  private ModelRegistry models;
  private IngestPipeline ingest;
  private PredictService predictions;
  private volatile boolean ready;
  private final AtomicInteger port = new AtomicInteger(-1);
  private KafkaSources sources;

  private Riffle(RiffleConfig config) {
    this.config = config;
    this.metrics = new RiffleMetrics();
    this.vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
            .build();
  }

  /** Starts a Riffle on {@code config}. */
  public static Future<Riffle> start(RiffleConfig config) {
    Riffle r = new Riffle(config);
    return r.boot().map(v -> r);
  }

  private Future<Void> boot() {
    vertx.eventBus().registerDefaultCodec(Local.class, new Local.Codec());
    return vertx
        .executeBlocking(() -> new FilesystemModelStore(Path.of(config.dataDir())))
        .compose(
            store -> {
              models = new ModelRegistry(vertx, store, config, metrics);
              ingest = new IngestPipeline(models, metrics, config.ingest().batchSize());
              predictions = new PredictService();
              models.endpoints(new BusEndpoints(vertx, ingest, predictions));
              sources = new KafkaSources(vertx, config, models, ingest, metrics);
              return models.start();
            })
        .compose(v -> deployHttp())
        .compose(v -> sources.start())
        .onSuccess(
            v -> {
              ready = true;
              if (config.adminToken() == null
                  && config.http().host() != null
                  && !config.http().host().equals(config.bindHost())) {
                LOG.warn(
                    "http.host={} ignored: without an admin token Riffle binds to {} only",
                    config.http().host(),
                    config.bindHost());
              }
              if (config.adminToken() == null) {
                LOG.warn(
                    "no admin token (RIFFLE_ADMIN_TOKEN): admin routes are open, so the server"
                        + " binds to {} only",
                    config.bindHost());
              }
              LOG.info(
                  "Riffle listening on http://{}:{} with {} model(s); data in {}",
                  config.bindHost(),
                  port.get(),
                  models.all().size(),
                  config.dataDir());
            })
        .recover(
            e -> {
              LOG.error("start-up failed", e);
              vertx.close();
              return Future.failedFuture(e);
            });
  }

  private Future<Void> deployHttp() {
    Handlers handlers =
        new Handlers(vertx, models, ingest, predictions, metrics, sources, () -> ready);
    int instances =
        config.http().instances() > 0
            ? config.http().instances()
            : Math.max(1, 2 * Runtime.getRuntime().availableProcessors());
    // every instance listens on the same host and port (Vert.x shares the socket); port 0 is
    // resolved to a free port first, since servers bound to port 0 would not share
    int listen = config.http().port() == 0 ? freePort(config.bindHost()) : config.http().port();
    return vertx
        .deployVerticle(
            () -> new HttpVerticle(handlers, listen),
            new DeploymentOptions().setInstances(instances))
        .mapEmpty();
  }

  private static int freePort(String host) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no free port on " + host, e);
    }
  }

  private final class HttpVerticle extends AbstractVerticle {
    private final Handlers handlers;
    private final int listenPort;
    private HttpServer server;

    HttpVerticle(Handlers handlers, int listenPort) {
      this.handlers = handlers;
      this.listenPort = listenPort;
    }

    @Override
    public void start(Promise<Void> done) {
      Router router =
          ApiRouter.build(
              vertx, handlers.byOperation(), config.adminToken(), config.http().maxBodyBytes());
      server =
          vertx.createHttpServer(
              new HttpServerOptions()
                  .setHost(config.bindHost())
                  .setPort(listenPort)
                  .setCompressionSupported(true));
      server
          .requestHandler(router)
          .listen()
          .onSuccess(
              s -> {
                port.compareAndSet(-1, s.actualPort());
                done.complete();
              })
          .onFailure(done::fail);
    }
  }

  /** The HTTP port the server listens on. */
  public int port() {
    return port.get();
  }

  public Vertx vertx() {
    return vertx;
  }

  public ModelRegistry models() {
    return models;
  }

  /** The Kafka sources. */
  public KafkaSources sources() {
    return sources;
  }

  public RiffleMetrics metrics() {
    return metrics;
  }

  public boolean ready() {
    return ready;
  }

  /**
   * Graceful stop: readiness goes false, intake is refused, every queued batch is learned, a final
   * snapshot of each changed model is written, then Vert.x closes (HTTP servers with it).
   */
  public Future<Void> shutdown() {
    ready = false;
    return sources
        .close()
        .compose(
            v -> {
              ingest.close();
              LOG.info("shutting down: intake closed, draining queues and writing final snapshots");
              return models.finalSnapshots();
            })
        .transform(v -> vertx.close())
        .onComplete(v -> LOG.info("Riffle stopped"));
  }

  /** Stops without final snapshots (what a crash leaves behind; for tests). */
  public Future<Void> halt() {
    ready = false;
    sources.halt();
    ingest.close();
    return vertx.close();
  }
}
