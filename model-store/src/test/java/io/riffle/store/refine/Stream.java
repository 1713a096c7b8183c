package io.riffle.store.refine;

import io.riffle.optim.random.SplitMix64;
import io.riffle.store.features.FeatureHasher;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A seeded stationary logistic stream: each example has {@value #ACTIVE} distinct binary features
 * drawn from a pool of {@value #POOL}, with known true weights (every other one 0 when {@code
 * sparseTruth}), plus a bias.
 */
final class Stream {
  static final int POOL = 100;
  static final int ACTIVE = 20;
  static final double BIAS = -0.2;

  final double[] trueW = new double[POOL];
  private final SplitMix64 r;
  final Map<String, Object> features = new LinkedHashMap<>();
  double label;

  Stream(long seed, boolean sparseTruth) {
    this.r = new SplitMix64(seed);
    for (int k = 0; k < POOL; k++) {
      trueW[k] = sparseTruth ? (k % 2 == 0 ? (r.uniform() < 0.5 ? -2 : 2) : 0) : r.normal12();
    }
  }

  static String name(int k) {
    return "f" + k;
  }

  Stream next() {
    features.clear();
    double z = BIAS;
    while (features.size() < ACTIVE) {
      int k = (int) (r.uniform() * POOL);
      if (features.put(name(k), 1.0) == null) {
        z += trueW[k] * 0.5;
      }
    }
    label = r.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    return this;
  }

  /** The hashed row of numeric feature {@code name} (not the bias). */
  static int row(HashingSpec spec, String name) {
    FeatureHasher h = new FeatureHasher(spec);
    SparseVector bias = h.hash(Map.of(), new SparseVector());
    SparseVector v = h.hash(Map.of(name, 1.0), new SparseVector());
    for (int k = 0; k < v.nnz(); k++) {
      boolean isBias = false;
      for (int b = 0; b < bias.nnz(); b++) {
        isBias |= bias.index(b) == v.index(k);
      }
      if (!isBias) {
        return v.index(k);
      }
    }
    throw new IllegalStateException(name + " hashes onto the bias");
  }
}
