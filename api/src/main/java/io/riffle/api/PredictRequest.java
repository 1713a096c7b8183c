package io.riffle.api;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/models/{name}/predict}: one example's {@code features}, or a batch
 * under {@code instances} (each a feature object).
 *
 * @param features the features of one example
 * @param instances feature objects of a batch
 * @param samples posterior draws (0 = point prediction only; default 0, at most {@value
 *     #MAX_SAMPLES})
 * @param quantiles quantile levels in [0, 1] of the predictive distribution (default 0.05, 0.5,
 *     0.95)
 * @param returnSamples whether to return the raw draws
 */
public record PredictRequest(
    Map<String, Object> features,
    List<Map<String, Object>> instances,
    Integer samples,
    double[] quantiles,
    Boolean returnSamples) {
  /** Largest number of posterior draws per prediction. */
  public static final int MAX_SAMPLES = 10_000;

  /** Largest batch. */
  public static final int MAX_INSTANCES = 10_000;

  /** Default quantile levels. */
  public static final double[] DEFAULT_QUANTILES = {0.05, 0.5, 0.95};

  /** Checks the request's shape and values. */
  public PredictRequest validate() {
    if ((features == null) == (instances == null)) {
      throw new ApiException(
          ProblemType.MISSING_FIELD, "give either 'features' (one example) or 'instances'");
    }
    if (instances != null) {
      if (instances.size() > MAX_INSTANCES) {
        throw new ApiException(
            ProblemType.INVALID_REQUEST,
            instances.size() + " instances; at most " + MAX_INSTANCES + " per request");
      }
      for (int i = 0; i < instances.size(); i++) {
        if (instances.get(i) == null) {
          throw new ApiException(ProblemType.WRONG_TYPE, "instances[" + i + "] is null");
        }
        Examples.validateFeatures(instances.get(i));
      }
    } else {
      Examples.validateFeatures(features);
    }
    int s = samplesOrDefault();
    if (s < 0 || s > MAX_SAMPLES) {
      throw new ApiException(
          ProblemType.INVALID_REQUEST, "samples=" + s + " must be in [0, " + MAX_SAMPLES + "]");
    }
    for (double q : quantilesOrDefault()) {
      if (!(q >= 0 && q <= 1)) {
        throw new ApiException(
            ProblemType.INVALID_REQUEST, "quantile level " + q + " must be in [0, 1]");
      }
    }
    return this;
  }

  public int samplesOrDefault() {
    return samples == null ? 0 : samples;
  }

  public double[] quantilesOrDefault() {
    return quantiles == null ? DEFAULT_QUANTILES : quantiles;
  }

  public boolean returnSamplesOrDefault() {
    return returnSamples != null && returnSamples;
  }
}
