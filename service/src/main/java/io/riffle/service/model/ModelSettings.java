package io.riffle.service.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.riffle.api.ApiException;
import io.riffle.api.ModelSpecRequest;
import io.riffle.api.ProblemType;
import io.riffle.optim.Precision;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.replay.ReplayOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A wire spec ({@link ModelSpecRequest}) resolved into the library's {@link ModelSpec} plus the
 * settings only the service uses (snapshot trigger, step aggregation, class names, dense length).
 * Every default is applied here, and every bad value is an {@code invalid-spec} problem naming it.
 *
 * @param request the spec as the client sent it (returned by {@code GET /v1/models/{name}})
 * @param spec the library spec
 * @param kind the wire kind: binary, regression, multiclass or dense
 * @param classNames names of the classes of a multiclass model, or null (indices)
 * @param dim dense vector length, or 0 for a hashed model
 * @param snapshotEveryExamples snapshot after this many new examples (0 = never by count)
 * @param snapshotEverySeconds snapshot after this many seconds if anything changed (0 = never)
 * @param aggregate examples per optimizer step
 * @param refine scheduled refinement, or null (on demand only, with the default SVRG settings)
 */
public record ModelSettings(
    ModelSpecRequest request,
    ModelSpec spec,
    String kind,
    List<String> classNames,
    int dim,
    long snapshotEveryExamples,
    double snapshotEverySeconds,
    int aggregate,
    io.riffle.store.refine.RefineSpec refine) {

  /** Default snapshot trigger by count. */
  public static final long DEFAULT_SNAPSHOT_EXAMPLES = 100_000;

  /** Default snapshot trigger by time. */
  public static final double DEFAULT_SNAPSHOT_SECONDS = 60;

  /** Largest {@code aggregate}. */
  public static final int MAX_AGGREGATE = 4096;

  private static final Set<String> POSTERIOR_KEYS =
      Set.of("method", "priorPrecision", "temperature", "stepScale", "burnIn", "horizon", "seed");

  /** Resolves {@code r}; throws an {@code invalid-spec} {@link ApiException} on a bad value. */
  public static ModelSettings of(ModelSpecRequest r) {
    try {
      return resolve(r);
    } catch (ApiException e) {
      throw e;
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ApiException(ProblemType.INVALID_SPEC, e.getMessage(), e);
    }
  }

  private static ModelSettings resolve(ModelSpecRequest r) {
    if (r == null || r.kind() == null) {
      throw bad("'kind' is required: one of binary, regression, multiclass, dense");
    }
    String kind = r.kind().toLowerCase(Locale.ROOT);
    List<String> classNames = null;
    Integer classes = null;
    if (r.classes() != null && !r.classes().isNull()) {
      JsonNode c = r.classes();
      if (c.isInt()) {
        classes = c.asInt();
      } else if (c.isArray()) {
        classNames = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : c) {
          if (!n.isTextual() || n.asText().isEmpty() || !seen.add(n.asText())) {
            throw bad("classes must be distinct non-empty strings; got " + c);
          }
          classNames.add(n.asText());
        }
        classes = classNames.size();
      } else {
        throw bad("classes=" + c + " must be an integer K >= 2 or an array of class names");
      }
    }
    String loss = r.loss() == null ? null : r.loss().toLowerCase(Locale.ROOT);
    int dim = 0;
    switch (kind) {
      case "binary" -> {
        loss = pick(loss, "logistic", List.of("logistic", "hinge"), kind);
        noClasses(classes, kind);
      }
      case "regression" -> {
        loss = pick(loss, "squared", List.of("squared", "quantile", "poisson"), kind);
        noClasses(classes, kind);
      }
      case "multiclass" -> {
        loss = pick(loss, "softmax", List.of("softmax"), kind);
        if (classes == null) {
          throw bad("a multiclass model needs 'classes' (K >= 2, or the class names)");
        }
      }
      case "dense" -> {
        loss =
            pick(
                loss,
                classes != null ? "softmax" : "logistic",
                List.of("logistic", "hinge", "squared", "quantile", "poisson", "softmax"),
                kind);
        if (r.dim() == null || r.dim() < 1 || r.dim() >= (1 << 30)) {
          throw bad("a dense model needs 'dim', the vector length, in [1, 2^30); got " + r.dim());
        }
        dim = r.dim();
        if (!loss.equals("softmax")) {
          noClasses(classes, kind + " with loss " + loss);
        }
      }
      default ->
          throw bad("kind='" + r.kind() + "' is not one of binary, regression, multiclass, dense");
    }
    if (r.tau() != null && !loss.equals("quantile")) {
      throw bad("tau applies only to loss quantile, not " + loss);
    }
    ModelKindSpec kindSpec =
        new ModelKindSpec(loss, r.tau(), loss.equals("softmax") ? classes : null);

    HashingSpec h = HashingSpec.defaults();
    if (dim > 0) {
      if (r.bits() != null
          || r.text() != null
          || r.textWeighting() != null
          || r.textNorm() != null
          || r.interactions() != null) {
        throw bad(
            "a dense model has no bits, text, textWeighting, textNorm or interactions"
                + " (its rows are the vector)");
      }
      int bits = 1;
      while ((1L << bits) < dim + 1L) {
        bits++;
      }
      h = h.withBits(bits);
    } else if (r.bits() != null) {
      h = h.withBits(r.bits());
    }
    if (r.seed() != null) {
      h = h.withSeed(r.seed());
    }
    if (r.text() != null && !r.text().isNull()) {
      JsonNode t = r.text();
      if (t.isArray()) {
        for (JsonNode f : t) {
          if (!f.isTextual()) {
            throw bad("text must list field names; got " + t);
          }
          h = h.withTextField(f.asText(), 1);
        }
      } else if (t.isObject()) {
        var it = t.fields();
        while (it.hasNext()) {
          var e = it.next();
          if (!e.getValue().isInt()) {
            throw bad("text['" + e.getKey() + "'] must be an n-gram order 1..3");
          }
          h = h.withTextField(e.getKey(), e.getValue().asInt());
        }
      } else {
        throw bad("text must be an array of field names or an object field -> n-gram order");
      }
    }
    if (r.textWeighting() != null) {
      h = h.withTextWeighting(HashingSpec.TextWeighting.parse(r.textWeighting()));
    }
    if (r.textNorm() != null) {
      h = h.withTextNorm(HashingSpec.TextNorm.parse(r.textNorm()));
    }
    if (r.interactions() != null) {
      for (List<String> cross : r.interactions()) {
        h = h.withInteraction(cross == null ? null : cross.toArray(String[]::new));
      }
    }
    if (r.bias() != null) {
      h = h.withBias(r.bias());
    }

    ModelSpec spec = ModelSpec.of(kindSpec).withHashing(h);
    if (r.shards() != null) {
      spec = spec.withShards(r.shards());
    }
    if (r.optimizer() != null) {
      Map<String, Object> params = new LinkedHashMap<>(r.optimizer());
      Object name = params.remove("name");
      if (name != null && !(name instanceof String)) {
        throw bad("optimizer.name must be a string; got " + name);
      }
      spec = spec.withOptimizer(name == null ? "ftrl" : (String) name, params);
    }
    if (r.schedule() != null) {
      Map<String, Object> params = new LinkedHashMap<>(r.schedule());
      Object name = params.remove("name");
      if (!(name instanceof String)) {
        throw bad("schedule needs a 'name' (factor, multifactor, poly, cosine)");
      }
      spec = spec.withSchedule((String) name, params);
    }
    if (r.posterior() != null) {
      spec = spec.withPosterior(posterior(r.posterior()));
    }
    if (r.precision() != null) {
      spec =
          spec.withPrecision(
              switch (r.precision().toLowerCase(Locale.ROOT)) {
                case "float32" -> Precision.FLOAT32;
                case "float64" -> Precision.FLOAT64;
                default ->
                    throw bad("precision='" + r.precision() + "' must be float32 or float64");
              });
    }
    if (r.replay() != null) {
      Map<String, Object> rp = r.replay();
      for (String k : rp.keySet()) {
        if (!k.equals("maxBytes") && !k.equals("holdoutFraction")) {
          throw bad("replay." + k + " is not a setting (maxBytes, holdoutFraction)");
        }
      }
      ReplayOptions d = ReplayOptions.defaults();
      spec =
          spec.withReplay(
              new ReplayOptions(
                  rp.containsKey("maxBytes")
                      ? num("replay.maxBytes", rp).longValue()
                      : d.maxBytes(),
                  rp.containsKey("holdoutFraction")
                      ? num("replay.holdoutFraction", rp).doubleValue()
                      : d.holdoutFraction()));
    }
    long everyExamples = DEFAULT_SNAPSHOT_EXAMPLES;
    double everySeconds = DEFAULT_SNAPSHOT_SECONDS;
    if (r.snapshotEvery() != null) {
      ModelSpecRequest.SnapshotEvery se = r.snapshotEvery();
      everyExamples = se.examples() == null ? 0 : se.examples();
      everySeconds = se.seconds() == null ? 0 : se.seconds();
      if (se.examples() == null && se.seconds() == null) {
        throw bad("snapshotEvery needs 'examples' and/or 'seconds'");
      }
      if (everyExamples < 0 || !(everySeconds >= 0) || Double.isInfinite(everySeconds)) {
        throw bad("snapshotEvery values must be finite and > 0; got " + se);
      }
    }
    int aggregate = r.aggregate() == null ? 1 : r.aggregate();
    if (aggregate < 1 || aggregate > MAX_AGGREGATE) {
      throw bad("aggregate=" + aggregate + " must be in [1, " + MAX_AGGREGATE + "]");
    }
    io.riffle.store.refine.RefineSpec refine = null;
    if (r.refine() != null) {
      try {
        refine =
            io.riffle.api.Json.mapper()
                .convertValue(r.refine(), io.riffle.store.refine.RefineSpec.class);
      } catch (IllegalArgumentException e) {
        Throwable c =
            e.getCause() != null && e.getCause().getCause() != null ? e.getCause().getCause() : e;
        throw bad("refine: " + c.getMessage());
      }
    }
    return new ModelSettings(
        r,
        spec,
        kind,
        classNames == null ? null : List.copyOf(classNames),
        dim,
        everyExamples,
        everySeconds,
        aggregate,
        refine);
  }

  private static PosteriorSpec posterior(Map<String, Object> p) {
    for (String k : p.keySet()) {
      if (!POSTERIOR_KEYS.contains(k)) {
        throw bad("posterior." + k + " is not a setting; known: " + POSTERIOR_KEYS);
      }
    }
    Object method = p.getOrDefault("method", "sgld");
    if (!"sgld".equals(method)) {
      throw bad("posterior.method='" + method + "' is not supported; use sgld");
    }
    PosteriorSpec d = PosteriorSpec.defaults();
    return new PosteriorSpec(
        p.containsKey("priorPrecision")
            ? num("posterior.priorPrecision", p).doubleValue()
            : d.priorPrecision(),
        p.containsKey("temperature")
            ? num("posterior.temperature", p).doubleValue()
            : d.temperature(),
        p.containsKey("stepScale") ? num("posterior.stepScale", p).doubleValue() : d.stepScale(),
        p.containsKey("burnIn") ? num("posterior.burnIn", p).longValue() : d.burnIn(),
        p.containsKey("horizon") ? num("posterior.horizon", p).doubleValue() : d.horizon(),
        p.containsKey("seed") ? num("posterior.seed", p).longValue() : d.seed());
  }

  private static Number num(String key, Map<String, Object> m) {
    Object v = m.get(key.substring(key.indexOf('.') + 1));
    if (!(v instanceof Number n)) {
      throw bad(key + "=" + v + " must be a number");
    }
    return n;
  }

  private static String pick(String loss, String dflt, List<String> allowed, String kind) {
    if (loss == null) {
      return dflt;
    }
    if (!allowed.contains(loss)) {
      throw bad("loss '" + loss + "' does not apply to kind " + kind + "; one of " + allowed);
    }
    return loss;
  }

  private static void noClasses(Integer classes, String kind) {
    if (classes != null) {
      throw bad("classes applies only to multiclass models, not " + kind);
    }
  }

  private static ApiException bad(String detail) {
    return new ApiException(ProblemType.INVALID_SPEC, detail);
  }

  /** Outputs of the model (1, or K for softmax). */
  public int outputs() {
    return spec.kind().classes() == null ? 1 : spec.kind().classes();
  }

  /** Whether the model predicts class probabilities over K classes. */
  public boolean multiclass() {
    return spec.kind().classes() != null;
  }
}
