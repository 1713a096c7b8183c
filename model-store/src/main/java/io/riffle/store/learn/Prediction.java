package io.riffle.store.learn;

import java.util.List;

/**
 * A prediction: the point prediction from the primary weights and, when the model runs a posterior
 * and samples were asked for, the predictive distribution per output.
 *
 * @param outputs point prediction per output (a probability for binary, the value for regression,
 *     the class distribution for multiclass)
 * @param uncertainty one entry per output, or null without a posterior or samples
 * @param version model version (examples learned) the prediction was made at
 */
public record Prediction(double[] outputs, List<Uncertainty> uncertainty, long version) {

  /**
   * The predictive distribution of one output, from {@code K} posterior draws.
   *
   * @param mean mean over the draws
   * @param std standard deviation over the draws
   * @param quantileLevels requested levels
   * @param quantiles the empirical quantiles at those levels
   * @param samples the raw draws, or null
   */
  public record Uncertainty(
      double mean, double std, double[] quantileLevels, double[] quantiles, double[] samples) {}
}
