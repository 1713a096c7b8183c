package io.riffle.store.learn;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.CounterGaussianSource;
import io.riffle.optim.schedule.LrSchedulers;
import io.riffle.store.features.FeatureHasher;
import io.riffle.store.features.SparseVector;
import io.riffle.store.model.ModelKind;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.posterior.SgldChain;
import io.riffle.store.replay.ExampleVisitor;
import io.riffle.store.replay.ReplayWindow;
import io.riffle.store.shard.ModelShard;
import io.riffle.store.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A hashed linear model split into shards: score, learn, predict with uncertainty, snapshot.
 *
 * <p><b>One learn step</b> (one example, or a micro-batch of B examples):
 *
 * <ol>
 *   <li>each example is scored with the current weights and its loss recorded in the {@linkplain
 *       #metrics() progressive metrics} before anything is learned;
 *   <li>the loss gradient with respect to the margins, times the feature values, gives each touched
 *       row's gradient; each shard receives only its rows, summed over the batch;
 *   <li>the optimizer takes one step ({@link Updater#begin} once, then every shard applies it to
 *       its rows): so a model with S shards takes exactly the step of a model with one;
 *   <li>the examples enter the replay window (the data of scheduled refinement, {@code
 *       io.riffle.store.refine}, and of the posterior), each with its progressive loss from step 1,
 *       by which a refinement's challenger is judged;
 *   <li>with a posterior, the SGLD chain takes one step (see {@link SgldChain}); every {@code
 *       max(64, N/8)} steps the chain's anchor moves to the posterior mean and the full-data
 *       gradient at the anchor is rebuilt over the window.
 * </ol>
 *
 * <p><b>Threads.</b> Learning is single-threaded (the caller's, or a shard owner's in the service).
 * {@link #predict} may run on any thread concurrently with learning; it reads weights and chain
 * moments without locks and may see a step half applied (DESIGN.md's Hogwild-style staleness).
 */
public final class Model {
  private static final int METRICS_WINDOW = 10_000;

  /** Largest margin or gradient entry a learn step accepts (see {@link #learnHashed}). */
  public static final double MAX_MAGNITUDE = 1e15;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final ModelSpec spec;
  private final ModelKind kind;
  private final int width;
  private final int dim;
  private final int shardCount;
  private final Updater updater;
  private final ModelShard[] shards;
  private ReplayWindow window;
  private final PosteriorSpec posterior;
  private final ProgressiveMetrics metrics;
  private final FeatureHasher hasher;
  private final ThreadLocal<FeatureHasher> readHashers;
  private final SparseVector x = new SparseVector();

  private long examples;
  private long chainStep;
  private long nextAnchor = 64;
  private Map<String, Object> offsets = new LinkedHashMap<>();

  // learn-step scratch (single writer)
  private double[] margins = new double[0];
  private double[] dmargin = new double[0];
  private int[][] shardRows;
  private double[][] shardGrads;
  private int[] shardCounts;
  private int[] normRows = new int[16]; // sorted copy of a shard's rows (normsOverTouchedRows)
  private final double[] predictScratch;
  private final double[] mv = new double[2];
  private final SparseVector[] one = new SparseVector[1];
  private final double[] oneLabel = new double[1];
  private final double[] oneWeight = new double[1];
  private final double[] gc;
  private final double[] ga;
  private final double[] acc;
  private final double[] evictMargin;
  private final double[] evictGrad;
  // re-anchoring scratch and visitor: fields, so a re-anchor allocates nothing
  private final double[] anchorMargin;
  private final double[] anchorGrad;
  private final ExampleVisitor anchorVisitor = this::addAnchorGradient;

  /** A new, untrained model. */
  public Model(String name, ModelSpec spec) {
    this.name = name;
    this.spec = spec;
    this.kind = spec.kind().create();
    this.width = kind.outputs();
    this.dim = spec.hashing().dimension();
    this.shardCount = spec.shards();
    Optimizer opt = OptimizerRegistry.create(spec.optimizer(), spec.optimizerParams());
    this.updater =
        new Updater(
            opt,
            spec.schedule() == null
                ? null
                : LrSchedulers.create(spec.schedule(), spec.scheduleParams()));
    this.updater.noise(new CounterGaussianSource(spec.hashing().seed() * 31L + 17));
    this.posterior = spec.posterior();
    this.shards = new ModelShard[shardCount];
    for (int s = 0; s < shardCount; s++) {
      shards[s] =
          new ModelShard(
              s, shardCount, dim, width, spec.precision(), updater, posterior, curvature(kind));
    }
    this.window = new ReplayWindow(spec.replay());
    if (posterior != null) {
      window.onEvict(this::evicted);
    }
    this.metrics = new ProgressiveMetrics(isClassifier(), METRICS_WINDOW);
    this.hasher = new FeatureHasher(spec.hashing());
    this.readHashers = ThreadLocal.withInitial(() -> new FeatureHasher(spec.hashing()));
    this.shardRows = new int[shardCount][16];
    this.shardGrads = new double[shardCount][16 * width];
    this.shardCounts = new int[shardCount];
    this.shardX2 = new double[shardCount][16];
    this.predictScratch = new double[width];
    this.gc = new double[width];
    this.ga = new double[width];
    this.acc = new double[width];
    this.evictMargin = new double[width];
    this.evictGrad = new double[width];
    this.anchorMargin = new double[width];
    this.anchorGrad = new double[width];
  }

  /** A typical second derivative of the kind's loss in the margin (sets SGLD step sizes). */
  static double curvature(ModelKind kind) {
    return kind.probabilistic() || kind.name().equals("hinge") ? 0.25 : 1.0;
  }

  private boolean isClassifier() {
    return kind.probabilistic();
  }

  public String name() {
    return name;
  }

  public ModelSpec spec() {
    return spec;
  }

  public ModelKind kind() {
    return kind;
  }

  /** Examples learned so far (the model's version). */
  public long examples() {
    return examples;
  }

  /** Progressive-validation metrics. */
  public ProgressiveMetrics metrics() {
    return metrics;
  }

  /** The replay window. */
  public ReplayWindow window() {
    return window;
  }

  /** The shards (for the service's shard owners and for tests). */
  public ModelShard[] shards() {
    return shards;
  }

  /** The updater. */
  public Updater updater() {
    return updater;
  }

  /** Free-form ingest offsets stored with the next snapshot (e.g. Kafka partition offsets). */
  public Map<String, Object> offsets() {
    return offsets;
  }

  // ------------------------------------------------------------------ learning

  /** Hashes, validates and learns one example; returns its progressive (pre-learning) loss. */
  public double learn(Map<String, ?> features, double label, double weight) {
    kind.validateLabel(label);
    ModelKind.validateWeight(weight);
    hasher.hash(features, x);
    return learnOne(x, label, weight);
  }

  /** Learns one hashed, validated example; allocation-free in the steady state. */
  public double learnOne(SparseVector v, double label, double weight) {
    one[0] = v;
    oneLabel[0] = label;
    oneWeight[0] = weight;
    return learnHashed(one, oneLabel, oneWeight, 1);
  }

  /**
   * Learns a micro-batch of already hashed, validated examples in one optimizer step; returns the
   * summed progressive loss. Vectors must be canonical (as {@link FeatureHasher#hash} returns them:
   * sorted, duplicates summed); labels and weights validated ({@link ModelKind#validateLabel}).
   *
   * @throws IllegalArgumentException if an example gives a margin or gradient entry beyond {@link
   *     #MAX_MAGNITUDE} (or non-finite); nothing is changed then
   */
  public double learnHashed(SparseVector[] xs, double[] labels, double[] weights, int b) {
    if (b < 1) {
      return 0;
    }
    ensureScratch(xs, b);
    double lossSum = 0;
    // 1. score before learning; gradient w.r.t. the margins
    double[] losses = lossScratch(b);
    for (int e = 0; e < b; e++) {
      margins(xs[e], margins, e * width);
      losses[e] =
          kind.lossAndGradient(margins, e * width, labels[e], weights[e], dmargin, e * width);
    }
    // a float feature value can still give a margin or gradient so large that a step overflows a
    // float32 weight: such a batch is refused whole before anything changes, so no weight ever
    // becomes NaN or infinite
    checkMagnitudes(xs, b);
    for (int e = 0; e < b; e++) {
      lossSum += losses[e];
      recordMetrics(e, labels[e], losses[e], weights[e]);
    }
    primaryStep(xs, b);
    // 4. posterior (which adds the examples to the window itself, before its step)
    if (posterior != null) {
      posteriorStep(xs, labels, weights, losses, b);
    } else {
      for (int e = 0; e < b; e++) {
        window.add(xs[e], labels[e], (float) weights[e], (float) losses[e]);
      }
    }
    examples += b;
    return lossSum;
  }

  /**
   * Applies the optimizer step of a micro-batch to the primary weights only: no progressive
   * metrics, no replay window, no posterior step, no example count. Promotion of a refined
   * challenger uses it to replay the held-back tail and the examples the live model learned while
   * the refinement ran. Same input contract and refusal of oversized margins as {@link
   * #learnHashed}. Returns the summed (weighted) loss of the batch before the step, as {@link
   * #learnHashed} does.
   */
  public double replayHashed(SparseVector[] xs, double[] labels, double[] weights, int b) {
    if (b < 1) {
      return 0;
    }
    ensureScratch(xs, b);
    double loss = 0;
    for (int e = 0; e < b; e++) {
      margins(xs[e], margins, e * width);
      loss += kind.lossAndGradient(margins, e * width, labels[e], weights[e], dmargin, e * width);
    }
    checkMagnitudes(xs, b);
    primaryStep(xs, b);
    return loss;
  }

  private void checkMagnitudes(SparseVector[] xs, int b) {
    for (int e = 0; e < b; e++) {
      for (int j = 0; j < width; j++) {
        double gmax = Math.abs(dmargin[e * width + j]) * maxAbs(xs[e]);
        double z = Math.abs(margins[e * width + j]);
        if (!(z <= MAX_MAGNITUDE) || !(gmax <= MAX_MAGNITUDE)) {
          throw new IllegalArgumentException(
              "example "
                  + e
                  + " of the batch gives a margin or gradient beyond "
                  + MAX_MAGNITUDE
                  + " (margin "
                  + z
                  + ", gradient "
                  + gmax
                  + "); feature values are too large");
        }
      }
    }
  }

  /** Steps 2 and 3 of a learn step, from the margin derivatives in {@code dmargin}. */
  private void primaryStep(SparseVector[] xs, int b) {
    // 2. per-shard gradient entries
    Arrays.fill(shardCounts, 0);
    for (int e = 0; e < b; e++) {
      SparseVector v = xs[e];
      int[] idx = v.indices();
      float[] val = v.values();
      for (int f = 0; f < v.nnz(); f++) {
        int row = idx[f];
        int s = row % shardCount;
        int k = shardCounts[s]++;
        shardRows[s][k] = row;
        for (int j = 0; j < width; j++) {
          shardGrads[s][k * width + j] = dmargin[e * width + j] * val[f];
        }
      }
    }
    // 3. one optimizer step over all shards
    StepContext ctx = updater.begin(0);
    if (!updater.optimizer().rowLocal()) {
      normsOverTouchedRows(ctx);
    }
    ctx.shards = shardCount;
    for (int s = 0; s < shardCount; s++) {
      if (shardCounts[s] > 0) {
        ctx.shard = s;
        shards[s].applyGradients(ctx, shardRows[s], shardGrads[s], shardCounts[s]);
      }
    }
  }

  private double[] lossBuf = new double[1];

  private double[] lossScratch(int b) {
    if (lossBuf.length < b) {
      lossBuf = new double[b];
    }
    return lossBuf;
  }

  private static double maxAbs(SparseVector v) {
    double m = 0;
    float[] val = v.values();
    for (int f = 0; f < v.nnz(); f++) {
      m = Math.max(m, Math.abs(val[f]));
    }
    return m;
  }

  private void recordMetrics(int e, double label, double loss, double weight) {
    kind.predict(margins, e * width, predictScratch, 0);
    if (width == 1) {
      double p = predictScratch[0];
      boolean correct = isClassifier() && ((p >= 0.5) == (label > 0));
      metrics.record(p, isClassifier() ? (label > 0 ? 1 : 0) : label, loss, weight, correct);
    } else {
      int best = 0;
      for (int j = 1; j < width; j++) {
        if (predictScratch[j] > predictScratch[best]) {
          best = j;
        }
      }
      metrics.record(predictScratch[(int) label], 1, loss, weight, best == (int) label);
    }
  }

  /** LARS, LAMB, LBSGD-lars: norms over the touched rows of every shard (S-invariant). */
  private void normsOverTouchedRows(StepContext ctx) {
    double g2 = 0;
    double w2 = 0;
    for (int s = 0; s < shardCount; s++) {
      for (int k = 0; k < shardCounts[s] * width; k++) {
        g2 += shardGrads[s][k] * shardGrads[s][k];
      }
    }
    // weights of distinct touched rows
    for (int s = 0; s < shardCount; s++) {
      int count = shardCounts[s];
      if (normRows.length < count) {
        normRows = new int[Math.max(count, 2 * normRows.length)];
      }
      int[] rows = normRows;
      System.arraycopy(shardRows[s], 0, rows, 0, count);
      Arrays.sort(rows, 0, count);
      for (int k = 0; k < count; k++) {
        if (k > 0 && rows[k] == rows[k - 1]) {
          continue;
        }
        for (int j = 0; j < width; j++) {
          double w = shards[s].weight(rows[k] / shardCount, j);
          w2 += w * w;
        }
      }
    }
    ctx.weightNormSq = w2;
    ctx.gradNormSq = g2;
  }

  /** Margins of {@code v} under the primary weights into {@code out[off..off+width)}. */
  private void margins(SparseVector v, double[] out, int off) {
    for (int j = 0; j < width; j++) {
      out[off + j] = 0;
    }
    int[] idx = v.indices();
    float[] val = v.values();
    for (int f = 0; f < v.nnz(); f++) {
      int row = idx[f];
      ModelShard sh = shards[row % shardCount];
      int local = row / shardCount;
      for (int j = 0; j < width; j++) {
        out[off + j] += val[f] * sh.weight(local, j);
      }
    }
  }

  private void ensureScratch(SparseVector[] xs, int b) {
    if (margins.length < b * width) {
      margins = new double[b * width];
      dmargin = new double[b * width];
    }
    int total = 0;
    for (int e = 0; e < b; e++) {
      total += xs[e].nnz();
    }
    for (int s = 0; s < shardCount; s++) {
      if (shardRows[s].length < total) {
        shardRows[s] = new int[total];
        shardGrads[s] = new double[total * width];
        shardX2[s] = new double[total];
      }
    }
  }

  // ------------------------------------------------------------------ posterior

  private double chainN;
  private double[][] shardX2;

  private void posteriorStep(
      SparseVector[] xs, double[] labels, double[] weights, double[] losses, int b) {
    long s = ++chainStep;
    chainN = window.size() + b;
    for (int e = 0; e < b; e++) {
      window.add(xs[e], labels[e], (float) weights[e], (float) losses[e]);
    }
    double n = window.size();
    chainN = n;
    // catch up every touched row (before G changes), then chain and anchor margins
    for (int e = 0; e < b; e++) {
      SparseVector v = xs[e];
      for (int f = 0; f < v.nnz(); f++) {
        int row = v.indices()[f];
        chainOf(row).catchUp(row / shardCount, s, n);
      }
    }
    double scale = n / b;
    Arrays.fill(shardCounts, 0);
    double[] mc = margins; // reuse: chain margins
    double[] ma = dmargin; // reuse: anchor margins, then derivatives
    for (int e = 0; e < b; e++) {
      SparseVector v = xs[e];
      for (int j = 0; j < width; j++) {
        mc[e * width + j] = 0;
        ma[e * width + j] = 0;
      }
      for (int f = 0; f < v.nnz(); f++) {
        int row = v.indices()[f];
        SgldChain c = chainOf(row);
        int local = row / shardCount;
        for (int j = 0; j < width; j++) {
          mc[e * width + j] += v.values()[f] * c.value(local, j, s, n);
          ma[e * width + j] += v.values()[f] * c.anchorValue(local, j);
        }
      }
    }
    for (int e = 0; e < b; e++) {
      kind.lossAndGradient(mc, e * width, labels[e], weights[e], gc, 0);
      kind.lossAndGradient(ma, e * width, labels[e], weights[e], ga, 0);
      SparseVector v = xs[e];
      for (int f = 0; f < v.nnz(); f++) {
        int row = v.indices()[f];
        int sh = row % shardCount;
        int local = row / shardCount;
        SgldChain c = shards[sh].chain();
        int k = shardCounts[sh]++;
        shardRows[sh][k] = local;
        double xf = v.values()[f];
        shardX2[sh][k] = xf * xf / b;
        for (int j = 0; j < width; j++) {
          c.addFullGradient(local, j, ga[j] * xf);
          shardGrads[sh][k * width + j] = scale * (gc[j] - ga[j]) * xf;
        }
      }
    }
    // one chain step per distinct row, with the summed control-variate bracket
    for (int sh = 0; sh < shardCount; sh++) {
      // one example's hashed rows are distinct (canonical vectors), so b == 1 needs no sorting
      stepChainRows(
          shards[sh].chain(),
          shardRows[sh],
          shardGrads[sh],
          shardX2[sh],
          shardCounts[sh],
          s,
          n,
          b == 1);
    }
    if (s >= nextAnchor) {
      reanchor(s, n);
    }
  }

  private void stepChainRows(
      SgldChain c,
      int[] rows,
      double[] cv,
      double[] x2,
      int count,
      long s,
      double n,
      boolean unique) {
    if (count == 0) {
      return;
    }
    if (unique) {
      for (int k = 0; k < count; k++) {
        c.step(rows[k], s, n, x2[k], cv, k * width);
      }
      return;
    }
    // sum duplicates in place: sort entries by row (stable enough: sums are order-independent up
    // to rounding, and the order is the same for every shard layout since it follows the rows)
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, bb) ->
            rows[a] != rows[bb] ? Integer.compare(rows[a], rows[bb]) : Integer.compare(a, bb));
    int i = 0;
    while (i < count) {
      int row = rows[order[i]];
      Arrays.fill(acc, 0);
      double sx2 = 0;
      while (i < count && rows[order[i]] == row) {
        for (int j = 0; j < width; j++) {
          acc[j] += cv[order[i] * width + j];
        }
        sx2 += x2[order[i]];
        i++;
      }
      c.step(row, s, n, sx2, acc, 0);
    }
  }

  private SgldChain chainOf(int row) {
    return shards[row % shardCount].chain();
  }

  /** Called by the window just before it evicts an example: its anchor gradient leaves G. */
  private void evicted(
      long seq, int[] idx, float[] val, int off, int nnz, double label, float weight) {
    long s = chainStep;
    double[] m = evictMargin;
    double[] g = evictGrad;
    Arrays.fill(m, 0);
    for (int f = off; f < off + nnz; f++) {
      int row = idx[f];
      SgldChain c = chainOf(row);
      c.catchUp(row / shardCount, s, chainN);
      for (int j = 0; j < width; j++) {
        m[j] += val[f] * c.anchorValue(row / shardCount, j);
      }
    }
    kind.lossAndGradient(m, 0, label, weight, g, 0);
    for (int f = off; f < off + nnz; f++) {
      int row = idx[f];
      for (int j = 0; j < width; j++) {
        chainOf(row).addFullGradient(row / shardCount, j, -g[j] * val[f]);
      }
    }
  }

  /** Moves every chain's anchor to its posterior mean and rebuilds G over the window. */
  private void reanchor(long s, double n) {
    for (ModelShard sh : shards) {
      sh.chain().reanchor(s + 1, n);
    }
    window.forEach(anchorVisitor);
    nextAnchor = s + Math.max(64, (long) (n / 8));
  }

  /** Adds one window example's gradient at the (new) anchor to G; {@link #reanchor}'s visitor. */
  private void addAnchorGradient(
      long seq, int[] idx, float[] val, int off, int nnz, double label, float weight) {
    double[] m = anchorMargin;
    double[] g = anchorGrad;
    Arrays.fill(m, 0);
    for (int f = off; f < off + nnz; f++) {
      int row = idx[f];
      for (int j = 0; j < width; j++) {
        m[j] += val[f] * chainOf(row).anchorValue(row / shardCount, j);
      }
    }
    kind.lossAndGradient(m, 0, label, weight, g, 0);
    for (int f = off; f < off + nnz; f++) {
      int row = idx[f];
      for (int j = 0; j < width; j++) {
        chainOf(row).addFullGradient(row / shardCount, j, g[j] * val[f]);
      }
    }
  }

  // ------------------------------------------------------------------ prediction

  /**
   * Predicts for raw features. With a posterior and {@code samples > 0}, also draws {@code samples}
   * margin vectors from the posterior of the example's active weights (per-weight Gaussian with the
   * chain's running mean and variance) and summarises the predictions they give.
   *
   * @param seed seed of the draws (callers pass a random one; tests a fixed one)
   */
  public Prediction predict(
      Map<String, ?> features, int samples, double[] quantiles, boolean returnSamples, long seed) {
    SparseVector v = readHashers.get().hash(features, new SparseVector());
    return predictHashed(v, samples, quantiles, returnSamples, seed);
  }

  /** As {@link #predict} for an already hashed vector. Thread-safe for concurrent readers. */
  public Prediction predictHashed(
      SparseVector v, int samples, double[] quantiles, boolean returnSamples, long seed) {
    long version = examples;
    double[] m = new double[width];
    margins(v, m, 0);
    double[] out = new double[width];
    kind.predict(m, 0, out, 0);
    if (posterior == null || samples <= 0) {
      return new Prediction(out, null, version);
    }
    double[] mu = new double[width];
    double[] var = new double[width];
    double n = Math.max(1, window.size());
    long s = chainStep;
    double[] mvLocal = new double[2];
    for (int f = 0; f < v.nnz(); f++) {
      int row = v.indices()[f];
      double xf = v.values()[f];
      SgldChain c = chainOf(row);
      for (int j = 0; j < width; j++) {
        c.moments(row / shardCount, j, s, n, mvLocal);
        mu[j] += xf * mvLocal[0];
        var[j] += xf * xf * mvLocal[1];
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] draws = new double[width][samples];
    double[] z = new double[width];
    double[] p = new double[width];
    for (int k = 0; k < samples; k++) {
      for (int j = 0; j < width; j++) {
        z[j] = mu[j] + Math.sqrt(var[j]) * gaussian(rng);
      }
      kind.predict(z, 0, p, 0);
      for (int j = 0; j < width; j++) {
        draws[j][k] = p[j];
      }
    }
    List<Prediction.Uncertainty> u = new ArrayList<>(width);
    for (int j = 0; j < width; j++) {
      double[] d = draws[j];
      double mean = 0;
      for (double x1 : d) {
        mean += x1;
      }
      mean /= samples;
      double ss = 0;
      for (double x1 : d) {
        ss += (x1 - mean) * (x1 - mean);
      }
      double std = samples > 1 ? Math.sqrt(ss / (samples - 1)) : 0;
      double[] sorted = d.clone();
      Arrays.sort(sorted);
      double[] q = new double[quantiles.length];
      for (int i = 0; i < q.length; i++) {
        q[i] = quantile(sorted, quantiles[i]);
      }
      u.add(
          new Prediction.Uncertainty(
              mean, std, quantiles.clone(), q, returnSamples ? d.clone() : null));
    }
    return new Prediction(out, u, version);
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Linear-interpolated empirical quantile of sorted data (numpy's default). */
  static double quantile(double[] sorted, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile " + q + " must be in [0, 1]");
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  // ------------------------------------------------------------------ snapshots

  /** Everything needed to resume bit for bit. Call from the writer thread. */
  public Snapshot snapshot() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    @SuppressWarnings("unchecked")
    Map<String, Object> specMap = JSON.convertValue(spec, Map.class);
    meta.put("spec", specMap);
    meta.put("examples", examples);
    meta.put("chainStep", chainStep);
    meta.put("nextAnchor", nextAnchor);
    meta.put("offsets", offsets);
    Updater.UpdaterState us = updater.exportState();
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("numUpdate", us.numUpdate());
    u.put("counts", us.counts());
    u.put("globals", us.globals());
    u.put("scheduler", us.scheduler());
    u.put("lastBaseLr", Double.isNaN(us.lastBaseLr()) ? null : us.lastBaseLr());
    u.put("noise", us.noise());
    meta.put("updater", u);
    meta.put("optimizer", updater.optimizer().name());
    meta.put("hyperparameters", updater.optimizer().hyperparams().values());
    Map<String, Store> arrays = new LinkedHashMap<>();
    for (ModelShard sh : shards) {
      sh.exportArrays().forEach((k, v) -> arrays.put("shard" + sh.shard() + "/" + k, v));
    }
    // every model keeps its window (refinement's data); format-1 snapshots of models without a
    // posterior have none, and restore then starts with an empty window
    window.exportState().forEach((k, v) -> arrays.put("replay/" + k, v));
    metrics.exportArrays().forEach((k, v) -> arrays.put("metrics/" + k, v));
    return new Snapshot(meta, arrays);
  }

  /**
   * A deep, independent copy: weights, optimizer and updater state, posterior chain, replay window,
   * metrics, counts and offsets. Call from the writer thread (the copy is then consistent: no step
   * is half applied). Costs one pass over every array (O(2^bits) per array, plus the window).
   * Measured ({@code RefineBenchmark}, FTRL, logistic): 1.3 ms at 2^18 rows against 2.5 ms for
   * {@link #snapshot} followed by {@link #restore}, and the same at 2^24 (53 vs 51 ms, both memory
   * bound); the copy skips the JSON round trip of the spec and needs no store.
   */
  public Model copy() {
    Model m = new Model(name, spec);
    m.examples = examples;
    m.chainStep = chainStep;
    m.nextAnchor = nextAnchor;
    m.offsets = new LinkedHashMap<>(offsets);
    m.updater.importState(updater.exportState());
    for (int s = 0; s < shardCount; s++) {
      m.shards[s].copyFrom(shards[s]);
    }
    m.window = window.copy();
    if (posterior != null) {
      m.window.onEvict(m::evicted);
    }
    m.chainN = chainN;
    m.metrics.importArrays(metrics.exportArrays());
    return m;
  }

  /**
   * Restarts the posterior chain from the current primary weights (after a refined challenger was
   * promoted): every chain row the stream has touched moves to its primary weight, the anchor moves
   * there too and the full-data gradient at the anchor is rebuilt over the window, and the next
   * {@code burnIn} chain steps are not counted in the running moments. The moments themselves are
   * kept, so predictive uncertainty does not collapse meanwhile; after the new burn-in the chain's
   * iterates blend into them on the usual horizon. Does nothing without a posterior.
   */
  public void restartPosterior() {
    if (posterior == null) {
      return;
    }
    long s = chainStep;
    double n = Math.max(1, window.size());
    for (ModelShard sh : shards) {
      sh.chain().restart(sh.weights(), s, n);
    }
    window.forEach(anchorVisitor);
    nextAnchor = s + Math.max(64, (long) (n / 8));
  }

  /** Rebuilds a model from {@link #snapshot}. */
  public static Model restore(Snapshot snap) {
    Map<String, Object> meta = snap.meta();
    ModelSpec spec = JSON.convertValue(meta.get("spec"), ModelSpec.class);
    Model m = new Model((String) meta.get("name"), spec);
    m.examples = ((Number) meta.get("examples")).longValue();
    m.chainStep = ((Number) meta.get("chainStep")).longValue();
    m.nextAnchor = ((Number) meta.get("nextAnchor")).longValue();
    @SuppressWarnings("unchecked")
    Map<String, Object> off = (Map<String, Object>) meta.getOrDefault("offsets", Map.of());
    m.offsets = new LinkedHashMap<>(off);
    @SuppressWarnings("unchecked")
    Map<String, Object> u = (Map<String, Object>) meta.get("updater");
    Object lb = u.get("lastBaseLr");
    m.updater.importState(
        new Updater.UpdaterState(
            ((Number) u.get("numUpdate")).longValue(),
            JSON.convertValue(u.get("counts"), long[].class),
            JSON.convertValue(u.get("globals"), double[].class),
            JSON.convertValue(u.get("scheduler"), double[].class),
            lb == null ? Double.NaN : ((Number) lb).doubleValue(),
            JSON.convertValue(u.get("noise"), long[].class)));
    for (ModelShard sh : m.shards) {
      sh.importArrays(prefixed(snap.arrays(), "shard" + sh.shard() + "/"));
    }
    Map<String, Store> replay = prefixed(snap.arrays(), "replay/");
    if (m.posterior != null || !replay.isEmpty()) {
      m.window.importState(replay);
      m.chainN = m.window.size();
    }
    m.metrics.importArrays(prefixed(snap.arrays(), "metrics/"));
    return m;
  }

  private static Map<String, Store> prefixed(Map<String, Store> all, String prefix) {
    Map<String, Store> out = new LinkedHashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }
}
