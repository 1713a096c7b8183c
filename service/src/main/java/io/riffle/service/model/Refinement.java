package io.riffle.service.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One refinement of a model as {@code GET /v1/models/{name}/refinements} lists it. Written by the
 * model's learner thread, read by HTTP handlers (fields are volatile; a reader may see a job
 * between two of its fields' updates).
 */
public final class Refinement {
  final String id;
  final String method;
  volatile String status = "running";
  volatile String kernel;
  volatile boolean promoted;
  volatile double liveLoss = Double.NaN;
  volatile double challengerLoss = Double.NaN;
  volatile double improvementZ = Double.NaN;
  volatile long examplesReplayed;
  volatile long durationMs;
  volatile String error;

  Refinement(String id, String method) {
    this.id = id;
    this.method = method;
  }

  void fail(String why) {
    status = "failed";
    error = why;
  }

  /** The wire form. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("method", method);
    m.put("status", status);
    m.put("kernel", kernel);
    m.put("promoted", promoted);
    m.put("liveLoss", Double.isFinite(liveLoss) ? liveLoss : null);
    m.put("challengerLoss", Double.isFinite(challengerLoss) ? challengerLoss : null);
    m.put("improvementZ", Double.isFinite(improvementZ) ? improvementZ : null);
    m.put("examplesReplayed", examplesReplayed);
    m.put("durationMs", durationMs);
    m.put("error", error);
    return m;
  }
}
