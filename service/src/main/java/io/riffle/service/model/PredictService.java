package io.riffle.service.model;

import io.micrometer.core.instrument.Timer;
import io.riffle.api.ApiException;
import io.riffle.api.PredictRequest;
import io.riffle.api.ProblemType;
import io.riffle.api.RankRequest;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Predictions and Thompson-sampling ranking, on the caller's thread (an event loop), reading the
 * live model without locks. Every prediction gets a {@code predictionId} whose features wait in the
 * model's {@link FeedbackCache} for a delayed label.
 *
 * <p>Draws are seeded from the example's hashed vector and the model version, so the same request
 * to the same model state gives the same answer (also after a restart from a snapshot).
 */
public final class PredictService {
  private static final int RANK_MEAN_SAMPLES = 16;

  /** Answers a predict request (single or batch) as a JSON-ready map. */
  public Map<String, Object> predict(ModelRuntime rt, PredictRequest req) {
    long t0 = System.nanoTime();
    int samples = req.samplesOrDefault();
    Model m = rt.model();
    if (samples > 0 && m.spec().posterior() == null) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST,
          "model "
              + rt.name()
              + " has no posterior; create it with \"posterior\": "
              + "{\"method\": \"sgld\"} to ask for samples");
    }
    Map<String, Object> out;
    if (req.instances() != null) {
      List<Map<String, Object>> list = new ArrayList<>(req.instances().size());
      for (Map<String, Object> f : req.instances()) {
        list.add(one(rt, m, f, req, samples));
      }
      out = new LinkedHashMap<>();
      out.put("predictions", list);
      out.put("version", m.examples());
    } else {
      out = one(rt, m, req.features(), req, samples);
    }
    Timer t = samples > 0 ? rt.predictSamples : rt.predictPoint;
    t.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return out;
  }

  private Map<String, Object> one(
      ModelRuntime rt, Model m, Map<String, Object> features, PredictRequest req, int samples) {
    SparseVector x = rt.vector(features);
    Prediction p =
        m.predictHashed(
            x, samples, req.quantilesOrDefault(), req.returnSamplesOrDefault(), seed(x, m));
    Map<String, Object> out = new LinkedHashMap<>();
    if (rt.settings().multiclass()) {
      out.put("prediction", p.outputs());
      int best = 0;
      for (int j = 1; j < p.outputs().length; j++) {
        if (p.outputs()[j] > p.outputs()[best]) {
          best = j;
        }
      }
      out.put("class", rt.className(best));
      if (p.uncertainty() != null) {
        List<Map<String, Object>> us = new ArrayList<>();
        for (Prediction.Uncertainty u : p.uncertainty()) {
          us.add(uncertainty(u));
        }
        out.put("uncertainty", us);
      }
    } else {
      out.put("prediction", p.outputs()[0]);
      if (p.uncertainty() != null) {
        out.put("uncertainty", uncertainty(p.uncertainty().get(0)));
      }
    }
    out.put("version", p.version());
    String id = FeedbackCache.newId();
    rt.feedback().put(id, x);
    out.put("predictionId", id);
    return out;
  }

  private static Map<String, Object> uncertainty(Prediction.Uncertainty u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean", u.mean());
    m.put("std", u.std());
    m.put("quantileLevels", u.quantileLevels());
    m.put("quantiles", u.quantiles());
    if (u.samples() != null) {
      m.put("samples", u.samples());
    }
    return m;
  }

  private static long seed(SparseVector x, Model m) {
    long h = 0x9E3779B97F4A7C15L ^ m.examples();
    for (int i = 0; i < x.nnz(); i++) {
      h = (h ^ x.index(i)) * 0xBF58476D1CE4E5B9L;
      h = (h ^ Float.floatToIntBits(x.value(i))) * 0x94D049BB133111EBL;
    }
    return h ^ (h >>> 31);
  }

  /** Thompson sampling over the request's actions. */
  public Map<String, Object> rank(ModelRuntime rt, RankRequest req) {
    long t0 = System.nanoTime();
    if (rt.settings().multiclass()) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST, "rank needs a binary or regression model, not multiclass");
    }
    Model m = rt.model();
    boolean posterior = m.spec().posterior() != null;
    List<Map<String, Object>> scored = new ArrayList<>();
    SparseVector chosenX = null;
    String chosen = null;
    double best = Double.NEGATIVE_INFINITY;
    long salt = System.nanoTime();
    for (RankRequest.Action a : req.actions()) {
      Map<String, Object> f = new HashMap<>();
      if (req.context() != null) {
        f.putAll(req.context());
      }
      if (a.features() != null) {
        f.putAll(a.features());
      }
      SparseVector x = rt.vector(f);
      double sampled;
      double mean;
      if (posterior) {
        Prediction p =
            m.predictHashed(x, RANK_MEAN_SAMPLES, new double[0], true, seed(x, m) ^ salt);
        Prediction.Uncertainty u = p.uncertainty().get(0);
        sampled = u.samples()[0];
        mean = u.mean();
      } else {
        sampled = m.predictHashed(x, 0, new double[0], false, 0).outputs()[0];
        mean = sampled;
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("id", a.id());
      s.put("sampledScore", sampled);
      s.put("meanScore", mean);
      scored.add(s);
      if (sampled > best) {
        best = sampled;
        chosen = a.id();
        chosenX = x;
      }
    }
    String id = FeedbackCache.newId();
    rt.feedback().put(id, chosenX);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("chosen", chosen);
    out.put("actions", scored);
    out.put("version", m.examples());
    out.put("predictionId", id);
    rt.predictRank.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return out;
  }
}
