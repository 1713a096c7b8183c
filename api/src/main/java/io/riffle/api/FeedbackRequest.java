package io.riffle.api;

import java.util.Map;

/**
 * The body of {@code POST /v1/models/{name}/feedback}: either delayed feedback for an earlier
 * prediction ({@code predictionId} + {@code label}) or a full example ({@code features} + {@code
 * label}).
 *
 * @param predictionId id returned by predict or rank
 * @param id client id of a full example
 * @param features features of a full example
 * @param label the observed label
 * @param weight importance weight (default 1)
 */
public record FeedbackRequest(
    String predictionId, String id, Map<String, Object> features, Object label, Double weight) {

  /** Checks the shape; returns this. */
  public FeedbackRequest validate() {
    if ((predictionId == null) == (features == null)) {
      throw new ApiException(
          ProblemType.MISSING_FIELD,
          "give either 'predictionId' (delayed feedback) or 'features' (a full example)");
    }
    if (label == null) {
      throw new ApiException(ProblemType.MISSING_FIELD, "feedback has no 'label'");
    }
    Examples.validateLabel(label);
    Examples.validateWeight(weight);
    if (features != null) {
      Examples.validateFeatures(features);
    }
    return this;
  }

  /** As an example (full-example form). */
  public Example toExample() {
    return new Example(id, features, label, weight);
  }
}
