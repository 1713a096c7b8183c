package io.riffle.service.http;

import io.riffle.api.ApiException;
import io.riffle.api.Contract;
import io.riffle.api.Problem;
import io.riffle.api.ProblemType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds the HTTP router from the contract ({@link Contract#operations()} of {@code openapi.yaml}):
 * one route per operation, bound to the handler of its {@code operationId}. Start-up fails if an
 * operation has no handler or a handler no operation, so the served API cannot drift from the
 * document. Admin operations check the bearer token; every failure becomes problem+json.
 */
public final class ApiRouter {
  private ApiRouter() {}

  /** The router for {@code handlers} (operationId to handler). */
  public static Router build(
      Vertx vertx, Map<String, Handler<RoutingContext>> handlers, String adminToken, long maxBody) {
    Router router = Router.router(vertx);
    Set<String> bound = new HashSet<>();
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);
    for (Contract.Operation op : Contract.operations()) {
      Handler<RoutingContext> h = handlers.get(op.operationId());
      if (h == null) {
        throw new IllegalStateException("operation " + op.operationId() + " has no handler");
      }
      bound.add(op.operationId());
      String path = op.path().replaceAll("\\{([^}]+)}", ":$1");
      var route = router.route(HttpMethod.valueOf(op.method()), path);
      if (op.method().equals("POST") || op.method().equals("PUT")) {
        route.handler(body);
      }
      if (op.admin()) {
        route.handler(ctx -> authorize(ctx, adminToken));
      }
      route.handler(h).failureHandler(ApiRouter::failure);
    }
    for (String id : handlers.keySet()) {
      if (!bound.contains(id)) {
        throw new IllegalStateException("handler " + id + " has no operation in the contract");
      }
    }
    router.errorHandler(
        404,
        ctx ->
            problem(
                ctx, new ApiException(ProblemType.NOT_FOUND, "no route " + ctx.request().path())));
    router.errorHandler(
        405,
        ctx ->
            problem(
                ctx,
                new ApiException(
                    ProblemType.METHOD_NOT_ALLOWED,
                    ctx.request().method() + " is not allowed on " + ctx.request().path())));
    router.errorHandler(413, ctx -> tooLarge(ctx, maxBody));
    router.errorHandler(500, ApiRouter::failure);
    return router;
  }

  private static void authorize(RoutingContext ctx, String token) {
    if (token == null) {
      ctx.next();
      return;
    }
    String h = ctx.request().getHeader("Authorization");
    String expected = "Bearer " + token;
    if (h != null
        && MessageDigest.isEqual(
            h.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"riffle\"");
      problem(
          ctx,
          new ApiException(
              ProblemType.UNAUTHORIZED,
              h == null
                  ? "this route needs 'Authorization: Bearer <admin token>'"
                  : "the bearer token is not the admin token"));
    }
  }

  private static void tooLarge(RoutingContext ctx, long maxBody) {
    problem(
        ctx,
        new ApiException(
            ProblemType.PAYLOAD_TOO_LARGE,
            "request body exceeds " + maxBody + " bytes (http.maxBodyBytes)"));
  }

  private static void failure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (f instanceof ApiException e) {
      problem(ctx, e);
    } else if (ctx.statusCode() == 413) {
      tooLarge(ctx, -1);
    } else if (f == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
      problem(
          ctx,
          new ApiException(ProblemType.INVALID_REQUEST, "request failed: " + ctx.statusCode()));
    } else {
      org.slf4j.LoggerFactory.getLogger(ApiRouter.class)
          .error("{} {} failed", ctx.request().method(), ctx.request().path(), f);
      problem(
          ctx,
          new ApiException(
              ProblemType.INTERNAL, "internal error: " + (f == null ? "unknown" : f.toString())));
    }
  }

  /** Ends the response with the problem of {@code e}. */
  public static void problem(RoutingContext ctx, ApiException e) {
    if (ctx.response().ended()) {
      return;
    }
    Problem p = e.toProblem(ctx.request().path());
    if (e.type() == ProblemType.QUEUE_FULL) {
      ctx.response().putHeader("Retry-After", "1");
    }
    Handlers.send(ctx, e.type().status(), Problem.MEDIA_TYPE, p);
  }
}
