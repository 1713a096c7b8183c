package io.riffle.store.learn;

import io.riffle.optim.random.SplitMix64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A seeded logistic stream: five numeric features, a categorical one, known true weights. */
final class Synthetic {
  static final double[] TRUE_W = {1.2, -0.8, 0.5, 0.0, -1.5};
  static final double BIAS = 0.3;

  private final SplitMix64 r;
  final Map<String, Object> features = new LinkedHashMap<>();
  double label;
  double trueP;

  Synthetic(long seed) {
    this.r = new SplitMix64(seed);
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** Draws the next example into {@link #features}, {@link #label}, {@link #trueP}. */
  Synthetic next(boolean withCategorical) {
    features.clear();
    double z = BIAS;
    for (int j = 0; j < TRUE_W.length; j++) {
      double v = r.normal12();
      features.put("f" + j, v);
      z += TRUE_W[j] * v;
    }
    if (withCategorical) {
      int c = (int) (r.uniform() * 20);
      features.put("color", "c" + c);
      z += (c % 3 - 1) * 0.4;
    }
    trueP = sigmoid(z);
    label = r.uniform() < trueP ? 1 : 0;
    return this;
  }
}
