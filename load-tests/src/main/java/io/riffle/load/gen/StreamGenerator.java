package io.riffle.load.gen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws {@link Example}s (and {@link RankCase}s) from a {@link StreamSpec}.
 *
 * <p>Per example, in this order from one {@link SplittableRandom} seeded with the spec's seed: a
 * Zipf rank per categorical field (value {@code name_rank}, rank 0 the most frequent), a normal
 * deviate per numeric field (Box–Muller from two uniforms, rounded to four decimals), then the
 * label as a Bernoulli draw with the ground truth's probability. The sequence depends only on the
 * spec, not on the JDK's {@code nextGaussian}, so the same spec gives the same stream byte for
 * byte. Not thread-safe: one generator per thread (or synchronize).
 */
public final class StreamGenerator implements Iterator<Example> {
  private final StreamSpec spec;
  private final GroundTruth truth;
  private final SplittableRandom random;
  private final ZipfSampler[] samplers;
  private final String[][] valueCache;
  private long next;

  public StreamGenerator(StreamSpec spec) {
    this.spec = spec;
    this.truth = new GroundTruth(spec);
    this.random = new SplittableRandom(spec.seed());
    samplers = new ZipfSampler[spec.categorical().size()];
    valueCache = new String[samplers.length][];
    for (int i = 0; i < samplers.length; i++) {
      StreamSpec.CategoricalField f = spec.categorical().get(i);
      samplers[i] = new ZipfSampler(f.cardinality(), f.exponent());
      valueCache[i] = new String[Math.min(f.cardinality(), 4096)];
    }
  }

  /** The spec. */
  public StreamSpec spec() {
    return spec;
  }

  /** The hidden model. */
  public GroundTruth truth() {
    return truth;
  }

  /** Index of the next example. */
  public long index() {
    return next;
  }

  /** Always true: the stream is endless. */
  @Override
  public boolean hasNext() {
    return true;
  }

  /** The next example. */
  @Override
  public Example next() {
    long index = next++;
    Map<String, Object> features = drawFeatures(null);
    double p = truth.probability(features, index);
    int label = random.nextDouble() < p ? 1 : 0;
    return new Example(index, "e" + index, Collections.unmodifiableMap(features), label, 1.0, p);
  }

  /**
   * The next ranking request: one context (the non-action fields) and {@code actions} candidate
   * action-field sets; consumes one stream index.
   */
  public RankCase nextRankCase(int actions) {
    if (actions < 1) {
      throw new IllegalArgumentException("a rank case needs >= 1 action, got " + actions);
    }
    long index = next++;
    Map<String, Object> context = Collections.unmodifiableMap(drawFeatures(Boolean.FALSE));
    List<RankCase.Action> list = new ArrayList<>(actions);
    for (int a = 0; a < actions; a++) {
      Map<String, Object> features = Collections.unmodifiableMap(drawFeatures(Boolean.TRUE));
      Map<String, Object> all = new LinkedHashMap<>(context);
      all.putAll(features);
      list.add(new RankCase.Action("a" + a, features, truth.probability(all, index)));
    }
    return new RankCase(index, context, List.copyOf(list));
  }

  /**
   * Draws the fields; {@code actionSide} null for all, TRUE for action fields, FALSE for others.
   */
  private Map<String, Object> drawFeatures(Boolean actionSide) {
    Map<String, Object> features = new LinkedHashMap<>();
    List<StreamSpec.CategoricalField> cats = spec.categorical();
    for (int i = 0; i < cats.size(); i++) {
      StreamSpec.CategoricalField f = cats.get(i);
      if (actionSide != null && actionSide != spec.actionFields().contains(f.name())) {
        continue;
      }
      features.put(f.name(), value(i, samplers[i].sample(random)));
    }
    for (StreamSpec.NumericField f : spec.numeric()) {
      if (actionSide != null && actionSide != spec.actionFields().contains(f.name())) {
        continue;
      }
      double x = f.mean() + f.std() * gaussian();
      features.put(f.name(), Math.round(x * 1e4) / 1e4);
    }
    return features;
  }

  private String value(int field, int rank) {
    String[] cache = valueCache[field];
    if (rank < cache.length) {
      String v = cache[rank];
      if (v == null) {
        v = spec.categorical().get(field).name() + "_" + rank;
        cache[rank] = v;
      }
      return v;
    }
    return spec.categorical().get(field).name() + "_" + rank;
  }

  private double gaussian() {
    double u1 = 1.0 - random.nextDouble(); // (0, 1]
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
