package io.riffle.service.http;

import io.riffle.api.ApiException;
import io.riffle.api.Contract;
import io.riffle.api.Example;
import io.riffle.api.FeedbackRequest;
import io.riffle.api.Json;
import io.riffle.api.ModelSpecRequest;
import io.riffle.api.PredictRequest;
import io.riffle.api.Problem;
import io.riffle.api.ProblemType;
import io.riffle.api.RankRequest;
import io.riffle.api.SourceRequest;
import io.riffle.service.ingest.IngestPipeline;
import io.riffle.service.kafka.KafkaSources;
import io.riffle.service.metrics.RiffleMetrics;
import io.riffle.service.model.LearnerVerticle;
import io.riffle.service.model.ModelRegistry;
import io.riffle.service.model.ModelRuntime;
import io.riffle.service.model.PredictService;
import io.riffle.store.features.SparseVector;
import io.riffle.store.snapshot.SnapshotInfo;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The handler of every operation of the contract, by operationId. Stateless and thread-safe. */
public final class Handlers {
  private final Vertx vertx;
  private final ModelRegistry models;
  private final IngestPipeline ingest;
  private final PredictService predictions;
  private final RiffleMetrics metrics;
  private final BooleanSupplier ready;
  private final KafkaSources sources;
  private final byte[] contract = Contract.bytes();

  public Handlers(
      Vertx vertx,
      ModelRegistry models,
      IngestPipeline ingest,
      PredictService predictions,
      RiffleMetrics metrics,
      KafkaSources sources,
      BooleanSupplier ready) {
    this.vertx = vertx;
    this.sources = sources;
    this.models = models;
    this.ingest = ingest;
    this.predictions = predictions;
    this.metrics = metrics;
    this.ready = ready;
  }

  /** operationId to handler. */
  public Map<String, Handler<RoutingContext>> byOperation() {
    Map<String, Handler<RoutingContext>> h = new LinkedHashMap<>();
    h.put("listModels", this::listModels);
    h.put("putModel", this::putModel);
    h.put("getModel", guard(ctx -> ok(ctx, info(model(ctx)))));
    h.put("deleteModel", this::deleteModel);
    h.put("predict", guard(this::predict));
    h.put("feedback", guard(this::feedback));
    h.put("ingestExamples", guard(this::ingestExamples));
    h.put("rank", guard(this::rank));
    h.put("modelMetrics", guard(this::modelMetrics));
    h.put("createSnapshot", guard(this::createSnapshot));
    h.put(
        "refine",
        guard(
            ctx ->
                reply(
                    ctx,
                    models.<io.riffle.service.model.Refinement>command(
                        model(ctx), new LearnerVerticle.RefineNow()),
                    r -> 202,
                    io.riffle.service.model.Refinement::toMap)));
    h.put(
        "listRefinements",
        guard(
            ctx -> {
              List<Map<String, Object>> out = new ArrayList<>();
              for (io.riffle.service.model.Refinement r : model(ctx).refinements()) {
                out.add(r.toMap());
              }
              ok(ctx, Map.of("refinements", out));
            }));
    h.put("listSnapshots", guard(this::listSnapshots));
    h.put("restoreSnapshot", guard(this::restoreSnapshot));
    h.put(
        "prometheus",
        ctx ->
            ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
    h.put("listSources", guard(ctx -> ok(ctx, Map.of("sources", sources.list()))));
    h.put("getSource", guard(ctx -> ok(ctx, sources.get(ctx.pathParam("name")))));
    h.put("putSource", guard(this::putSource));
    h.put(
        "deleteSource",
        ctx ->
            sources
                .delete(ctx.pathParam("name"))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(e -> fail(ctx, e)));
    h.put("live", ctx -> send(ctx, 200, "application/json", Map.of("status", "UP")));
    h.put(
        "ready",
        ctx -> {
          boolean r = ready.getAsBoolean();
          send(ctx, r ? 200 : 503, "application/json", Map.of("status", r ? "UP" : "DOWN"));
        });
    h.put(
        "openapi",
        ctx ->
            ctx.response()
                .putHeader("Content-Type", "application/yaml")
                .end(Buffer.buffer(contract)));
    return h;
  }

  private static Handler<RoutingContext> guard(Handler<RoutingContext> h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (ApiException e) {
        ApiRouter.problem(ctx, e);
      }
    };
  }

  private ModelRuntime model(RoutingContext ctx) {
    return models.require(ctx.pathParam("name"));
  }

  private static <T> T body(RoutingContext ctx, Class<T> type) {
    Buffer b = ctx.body().buffer();
    if (b == null) {
      throw new ApiException(ProblemType.MALFORMED_JSON, "empty body; expected a JSON object");
    }
    byte[] bytes = b.getBytes();
    return Json.read(bytes, 0, bytes.length, type);
  }

  private Map<String, Object> info(ModelRuntime rt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", rt.name());
    m.put("spec", rt.settings().request());
    m.put("version", rt.model().examples());
    m.put("examples", rt.model().examples());
    m.put("snapshot", rt.lastSnapshotVersion() == 0 ? null : rt.lastSnapshotVersion());
    m.put("queueDepth", rt.queueDepth());
    m.put("resolved", Json.mapper().convertValue(rt.model().spec(), Map.class));
    return m;
  }

  private void listModels(RoutingContext ctx) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ModelRuntime rt : models.all()) {
      list.add(info(rt));
    }
    list.sort((a, b) -> ((String) a.get("name")).compareTo((String) b.get("name")));
    ok(ctx, Map.of("models", list));
  }

  private void putModel(RoutingContext ctx) {
    try {
      String name = ctx.pathParam("name");
      ModelRegistry.checkName(name);
      ModelSpecRequest req = body(ctx, ModelSpecRequest.class);
      reply(ctx, models.put(name, req), e -> e.getValue() ? 200 : 201, e -> info(e.getKey()));
    } catch (ApiException e) {
      ApiRouter.problem(ctx, e);
    }
  }

  private void deleteModel(RoutingContext ctx) {
    try {
      model(ctx);
      models
          .delete(ctx.pathParam("name"))
          .onSuccess(v -> ctx.response().setStatusCode(204).end())
          .onFailure(ctx::fail);
    } catch (ApiException e) {
      ApiRouter.problem(ctx, e);
    }
  }

  private void predict(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    PredictRequest req = body(ctx, PredictRequest.class).validate();
    ok(ctx, predictions.predict(rt, req));
  }

  private void putSource(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    SourceRequest req = body(ctx, SourceRequest.class);
    reply(
        ctx,
        sources.put(name, req),
        replaced -> replaced ? 200 : 201,
        replaced -> sources.get(name));
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof ApiException a) {
      ApiRouter.problem(ctx, a);
    } else {
      ctx.fail(e);
    }
  }

  private void rank(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    RankRequest req = body(ctx, RankRequest.class).validate();
    ok(ctx, predictions.rank(rt, req));
  }

  private void feedback(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    FeedbackRequest req = body(ctx, FeedbackRequest.class).validate();
    if (req.predictionId() == null) {
      reply(
          ctx,
          ingest.submit(rt.name(), List.of(req.toExample()), null, List.of(), "http"),
          r -> 200,
          r -> single(r));
      return;
    }
    double label = rt.label(req.label());
    SparseVector x = rt.feedback().take(req.predictionId());
    double w = req.weight() == null ? 1.0 : req.weight();
    reply(
        ctx,
        ingest
            .submitHashed(rt, x, label, w, "feedback")
            .onFailure(e -> rt.feedback().untake(req.predictionId())),
        r -> 200,
        r -> r.toMap());
  }

  /** A one-example ingest: a refused example is a 400 problem, not a 200 with errors. */
  private static Object single(IngestPipeline.Result r) {
    if (r.accepted() == 0 && !r.errors().isEmpty()) {
      Problem.LineError e = r.errors().get(0);
      throw new ApiException(type(e.type()), e.detail());
    }
    return r.toMap();
  }

  private static ProblemType type(String slug) {
    for (ProblemType t : ProblemType.values()) {
      if (t.slug().equals(slug)) {
        return t;
      }
    }
    return ProblemType.INVALID_REQUEST;
  }

  private void ingestExamples(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    String ct = ctx.request().getHeader("Content-Type");
    String media = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase();
    Buffer b = ctx.body().buffer();
    byte[] bytes = b == null ? new byte[0] : b.getBytes();
    if (media.equals("application/json")) {
      Example e = Json.read(bytes, 0, bytes.length, Example.class);
      reply(
          ctx,
          ingest.submit(rt.name(), List.of(e), null, List.of(), "http"),
          r -> 200,
          Handlers::single);
      return;
    }
    if (!media.equals("application/x-ndjson") && !media.equals("application/jsonl")) {
      throw new ApiException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type '"
              + ct
              + "' is not application/x-ndjson (one example per line) or "
              + "application/json (one example)");
    }
    List<Example> examples = new ArrayList<>();
    List<Problem.LineError> errors = new ArrayList<>();
    long[] lines = new long[16];
    long line = 0;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] != '\n') {
        continue;
      }
      line++;
      int end = i;
      if (end > start && bytes[end - 1] == '\r') {
        end--;
      }
      if (!blank(bytes, start, end)) {
        try {
          Example e = Json.read(bytes, start, end - start, Example.class);
          if (examples.size() == lines.length) {
            lines = java.util.Arrays.copyOf(lines, lines.length * 2);
          }
          lines[examples.size()] = line;
          examples.add(e);
        } catch (ApiException e) {
          errors.add(new Problem.LineError(line, e.type().slug(), e.getMessage()));
        }
      }
      start = i + 1;
    }
    reply(
        ctx,
        ingest.submit(rt.name(), examples, lines, errors, "http"),
        r -> 200,
        IngestPipeline.Result::toMap);
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private void modelMetrics(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    reply(ctx, models.command(rt, new LearnerVerticle.MetricsQuery()), r -> 200, r -> r);
  }

  private void createSnapshot(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    reply(ctx, models.command(rt, new LearnerVerticle.SnapshotNow()), r -> 201, r -> r);
  }

  private void listSnapshots(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    Future<List<Map<String, Object>>> f =
        vertx.executeBlocking(
            () -> {
              List<Map<String, Object>> out = new ArrayList<>();
              for (SnapshotInfo s : models.store().list(rt.name())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("version", s.version());
                m.put("createdAt", s.createdAt().toString());
                m.put("bytes", s.bytes());
                out.add(m);
              }
              return out;
            });
    reply(ctx, f, r -> 200, r -> Map.of("snapshots", r));
  }

  private void restoreSnapshot(RoutingContext ctx) {
    ModelRuntime rt = model(ctx);
    long version;
    try {
      version = Long.parseLong(ctx.pathParam("version"));
    } catch (NumberFormatException e) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST,
          "snapshot version '" + ctx.pathParam("version") + "' is not an integer");
    }
    reply(ctx, models.command(rt, new LearnerVerticle.Restore(version)), r -> 200, r -> info(rt));
  }

  private static <T> void reply(
      RoutingContext ctx,
      Future<T> f,
      java.util.function.ToIntFunction<T> status,
      java.util.function.Function<T, Object> body) {
    f.onSuccess(
            r -> {
              try {
                send(ctx, status.applyAsInt(r), "application/json", body.apply(r));
              } catch (ApiException e) {
                ApiRouter.problem(ctx, e);
              }
            })
        .onFailure(e -> fail(ctx, e));
  }

  private static void ok(RoutingContext ctx, Object body) {
    send(ctx, 200, "application/json", body);
  }

  /** Writes {@code body} as JSON with {@code status}. */
  static void send(RoutingContext ctx, int status, String type, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    try {
      byte[] bytes = Json.mapper().writeValueAsBytes(body);
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", type)
          .end(Buffer.buffer(bytes));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      ctx.fail(e);
    }
  }
}
