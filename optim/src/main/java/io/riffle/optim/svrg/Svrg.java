package io.riffle.optim.svrg;

import io.riffle.optim.Grad;
import io.riffle.optim.Hyperparams;
import io.riffle.optim.Optimizer;
import io.riffle.optim.ParamState;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SVRG (Johnson and Zhang, NIPS 2013) over any inner optimizer, with the semantics of MXNet 1.x's
 * {@code SVRGModule} (OPTIMIZERS.md 6) for one parameter array.
 *
 * <p>Per epoch {@code e} ({@link #epoch}):
 *
 * <ol>
 *   <li>if {@code e % update_freq == 0} (the absolute epoch number, so a resumed run at a
 *       non-multiple skips it): the full-gradient pass ({@link #fullGradientPass}): snapshot {@code
 *       w~ := w}, then {@code mu := (A + sum_b G_b(w~)) / (K - p/B)} where {@code A} is 0 (textbook
 *       reset, the default) or the previous {@code mu} ({@code faithful_mxnet}: MXNet never resets
 *       its accumulator); then, with an {@link FullGradientAggregator}, {@code mu := S/D} over the
 *       participants (6.5);
 *   <li>for every batch {@code b}: {@link #innerStep} hands {@code G_b(w) - G_b(w~) + mu} to the
 *       inner optimizer through the {@link Updater} (which applies {@code rescale_grad}, clipping,
 *       decay, momentum, schedules exactly as for any other gradient);
 *   <li>{@link #endEpoch}: in lazy mode, catches every coordinate up to the last step.
 * </ol>
 *
 * <p>{@code G_b} are <em>sums</em> over the batch, as MXNet's loss heads produce them; the inner
 * optimizer's {@code rescale_grad} defaults to {@code 1/batch_size} ({@link #innerHyperparams}).
 *
 * <p><b>Lazy mode</b> ({@link Options#lazy}, needs a {@link SparseGradientSource} and SGD without
 * momentum, schedule or changing {@code lr}/{@code wd}): an inner step touches only the coordinates
 * of the batch's examples; the {@code mu} term of every other coordinate is applied in closed form
 * ({@link LazyMu}) when the coordinate is next touched and at {@link #endEpoch}. The result equals
 * the dense run up to rounding (float64: about 1e-15 relative; float32 weights round once per
 * catch-up instead of once per step). Any other inner optimizer has no cheap closed form and runs
 * dense.
 *
 * <p>If no snapshot exists yet when an epoch that would skip the pass begins (a fresh driver
 * resumed mid-cycle), the pass runs anyway: MXNet would then use its initial parameters and a zero
 * {@code mu}, which is not SVRG.
 *
 * <p><b>Memory</b> ({@code d} = dimension): snapshot {@code w~} and {@code mu}, {@code 2d} doubles
 * of state; two gradient scratch arrays, {@code 2d} doubles; lazy mode adds a per-coordinate
 * last-step counter and a coordinate scratch, {@code 2d} ints. Nothing is allocated after
 * construction. Single-threaded.
 */
public final class Svrg {

  /**
   * SVRG settings.
   *
   * @param batchSize examples per batch {@code B} (MXNet's data iterator batch size)
   * @param updateFreq {@code update_freq}: full pass every this many epochs ({@code >= 1})
   * @param faithfulMxnet keep MXNet's non-reset full-gradient accumulator (for conformance only)
   * @param lazy O(nnz) inner loop (plain SGD over a {@link SparseGradientSource})
   * @param paramIndex the parameter's index in the {@link Updater}
   * @param paramName the parameter's name; the aggregator key is {@code paramName + "_full"}
   * @param aggregator combines partial full gradients across participants, or null
   * @param participant this driver's participant number in the aggregator
   */
  public record Options(
      int batchSize,
      int updateFreq,
      boolean faithfulMxnet,
      boolean lazy,
      int paramIndex,
      String paramName,
      FullGradientAggregator aggregator,
      int participant) {

    public Options {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch_size=" + batchSize + " must be >= 1");
      }
      if (updateFreq < 1) {
        throw new IllegalArgumentException("update_freq=" + updateFreq + " must be >= 1");
      }
      if (paramIndex < 0) {
        throw new IllegalArgumentException("paramIndex=" + paramIndex + " must be >= 0");
      }
      if (paramName == null || paramName.isEmpty()) {
        throw new IllegalArgumentException("paramName must be non-empty");
      }
      if (aggregator != null && (participant < 0 || participant >= aggregator.participants())) {
        throw new IllegalArgumentException(
            "participant=" + participant + " outside 0.." + (aggregator.participants() - 1));
      }
    }

    /** Textbook reset, dense, parameter 0 named {@code "weight"}, no aggregation. */
    public static Options of(int batchSize, int updateFreq) {
      return new Options(batchSize, updateFreq, false, false, 0, "weight", null, 0);
    }

    /** With {@code faithful_mxnet}. */
    public Options withFaithfulMxnet(boolean on) {
      return new Options(
          batchSize, updateFreq, on, lazy, paramIndex, paramName, aggregator, participant);
    }

    /** With lazy mode. */
    public Options withLazy(boolean on) {
      return new Options(
          batchSize, updateFreq, faithfulMxnet, on, paramIndex, paramName, aggregator, participant);
    }

    /** With another parameter index and name. */
    public Options withParam(int index, String name) {
      return new Options(
          batchSize, updateFreq, faithfulMxnet, lazy, index, name, aggregator, participant);
    }

    /** With an aggregator, as participant {@code p}. */
    public Options withAggregator(FullGradientAggregator agg, int p) {
      return new Options(batchSize, updateFreq, faithfulMxnet, lazy, paramIndex, paramName, agg, p);
    }
  }

  /** Called after every epoch with the epoch number and the (fully caught-up) weights. */
  @FunctionalInterface
  public interface EpochListener {
    void epochDone(int epoch, Store w);
  }

  /**
   * The snapshot-relevant state between epochs.
   *
   * @param hasSnapshot whether a full-gradient pass has run
   * @param snapshot {@code w~}
   * @param mu the (aggregated) full gradient
   */
  public record SvrgState(boolean hasSnapshot, double[] snapshot, double[] mu) {}

  private final Updater updater;
  private final GradientSource source;
  private final SparseGradientSource sparse;
  private final Batches batches;
  private final Options opt;
  private final int dim;
  private final String fullKey;

  // float64, so float32 weights are held exactly
  private final Store.F64 snapshot;
  private final double[] snap;
  private final double[] mu;
  private final double[] gw;
  private final double[] gs;
  private boolean hasSnapshot;

  // lazy mode only
  private final int[] coords;
  private final int[] last;
  private final double r;
  private final double c;
  private int epochStep;
  private double lazyLr = Double.NaN;
  private double lazyWd = Double.NaN;
  private boolean inEpoch;

  /** A driver over the padded batch plan of {@code source.examples()} examples. */
  public Svrg(Updater updater, GradientSource source, Options options) {
    this(updater, source, Batches.padded(source.examples(), options.batchSize()), options);
  }

  /**
   * A driver over a given batch plan (its batch size must equal {@code options.batchSize()}).
   *
   * @throws IllegalArgumentException if lazy mode is asked for but not applicable
   */
  public Svrg(Updater updater, GradientSource source, Batches batches, Options options) {
    if (batches.batchSize() != options.batchSize()) {
      throw new IllegalArgumentException(
          "batch plan has batch size "
              + batches.batchSize()
              + " but options say "
              + options.batchSize());
    }
    this.updater = updater;
    this.source = source;
    this.batches = batches;
    this.opt = options;
    this.dim = source.dimension();
    this.fullKey = FullGradientAggregator.fullKey(options.paramName());
    this.snap = new double[dim];
    this.snapshot = Store.of(snap);
    this.mu = new double[dim];
    this.gw = new double[dim];
    this.gs = new double[dim];
    Hyperparams hp = updater.optimizer().hyperparams();
    this.r = hp.rescaleGrad();
    this.c = hp.clipGradient();
    if (options.lazy()) {
      String why = lazyObstacle(updater, source);
      if (why != null) {
        throw new IllegalArgumentException("lazy SVRG is not applicable: " + why);
      }
      this.sparse = (SparseGradientSource) source;
      this.coords = new int[dim];
      this.last = new int[dim];
    } else {
      this.sparse = null;
      this.coords = null;
      this.last = null;
    }
  }

  private static String lazyObstacle(Updater up, GradientSource src) {
    Optimizer o = up.optimizer();
    if (!(src instanceof SparseGradientSource)) {
      return "the gradient source is not a SparseGradientSource";
    }
    if (!o.name().equals("sgd")) {
      return "the inner optimizer is " + o.name() + ", the closed form needs sgd";
    }
    if (o.hyperparams().real("momentum") != 0) {
      return "sgd has momentum, the closed form needs momentum=0";
    }
    if (up.scheduler() != null) {
      return "a learning-rate schedule is attached, the closed form needs a constant lr";
    }
    return null;
  }

  /**
   * The inner optimizer's hyperparameters as {@code SVRGModule.init_optimizer} sets them: the
   * user's values, plus {@code rescale_grad = 1/(batch_size * workers)} unless given ({@code
   * workers} is the number of {@code dist_*_sync} workers, 1 otherwise).
   */
  public static Map<String, Object> innerHyperparams(
      Map<String, ?> user, int batchSize, int workers) {
    if (batchSize < 1 || workers < 1) {
      throw new IllegalArgumentException(
          "batch_size=" + batchSize + " and workers=" + workers + " must both be >= 1");
    }
    Map<String, Object> hp = new LinkedHashMap<>(user);
    hp.putIfAbsent("rescale_grad", 1.0 / ((double) batchSize * workers));
    return hp;
  }

  /**
   * The variance-reduced gradient {@code out[i] = (gw[i] - gSnap[i]) + mu[i]} for {@code i < n}
   * ({@code out} may be {@code gw}).
   */
  public static void varianceReduced(
      double[] gw, double[] gSnap, double[] mu, double[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = (gw[i] - gSnap[i]) + mu[i];
    }
  }

  /**
   * {@code SVRGModule.fit}: epochs {@code beginEpoch .. numEpoch-1}, each by {@link #epoch}.
   *
   * @param listener called after each epoch, or null
   */
  public void fit(Store w, ParamState st, int beginEpoch, int numEpoch, EpochListener listener) {
    for (int e = beginEpoch; e < numEpoch; e++) {
      epoch(e, w, st);
      if (listener != null) {
        listener.epochDone(e, w);
      }
    }
  }

  /** One epoch: the full pass if due, every batch of the plan, then {@link #endEpoch}. */
  public void epoch(int epoch, Store w, ParamState st) {
    if (epoch % opt.updateFreq() == 0 || !hasSnapshot) {
      fullGradientPass(w);
    }
    for (int b = 0, k = batches.count(); b < k; b++) {
      int[] ex = batches.batch(b);
      innerStep(w, st, ex, ex.length);
    }
    endEpoch(w, st);
  }

  /**
   * The full-gradient pass ({@code update_full_grads}): snapshot {@code w~ := w}, recompute {@code
   * mu} over all batches of the plan, aggregate across participants if configured. Must not run in
   * the middle of a lazy epoch (call {@link #endEpoch} first), since {@code w} must be current.
   */
  public void fullGradientPass(Store w) {
    if (inEpoch) {
      throw new IllegalStateException("full-gradient pass inside an epoch; call endEpoch first");
    }
    checkLength(w);
    snapshot.copyFrom(w);
    hasSnapshot = true;
    if (!opt.faithfulMxnet()) {
      Arrays.fill(mu, 0.0);
    }
    // faithful_mxnet: MXNet's accumulator still holds the previous mu (6.3)
    for (int b = 0, k = batches.count(); b < k; b++) {
      int[] ex = batches.batch(b);
      if (sparse != null) {
        int n = sparse.touchedCoordinates(ex, ex.length, coords);
        sparse.batchGradient(snapshot, ex, ex.length, coords, n, gw);
        for (int m = 0; m < n; m++) {
          mu[coords[m]] += gw[m];
        }
      } else {
        source.batchGradient(snapshot, ex, ex.length, gw);
        for (int i = 0; i < dim; i++) {
          mu[i] += gw[i];
        }
      }
    }
    double div = batches.effectiveBatches();
    for (int i = 0; i < dim; i++) {
      mu[i] /= div;
    }
    FullGradientAggregator agg = opt.aggregator();
    if (agg != null) {
      agg.push(fullKey, opt.participant(), mu);
      agg.pull(fullKey, opt.participant(), mu);
    }
  }

  /**
   * One inner step on a batch: {@code G_b(w) - G_b(w~) + mu} to the inner optimizer (one {@link
   * Updater} update of {@link Options#paramIndex}). Needs a snapshot ({@link #fullGradientPass}).
   */
  public void innerStep(Store w, ParamState st, int[] examples, int count) {
    innerStep(w, st, examples, count, 1.0);
  }

  /**
   * {@link #innerStep(Store, ParamState, int[], int)} with the variance-reduced difference scaled:
   * {@code scale * (G_b(w) - G_b(w~)) + mu}. Non-uniform sampling (batch {@code b} drawn with
   * probability {@code p_b}) keeps the step an unbiased estimate of the full gradient with {@code
   * scale = 1 / (K * p_b)} for {@code K} batches (Xiao and Zhang, Prox-SVRG, 2014). With {@code
   * scale = 1} it is bit for bit the uniform step.
   */
  public void innerStep(Store w, ParamState st, int[] examples, int count, double scale) {
    if (!hasSnapshot) {
      throw new IllegalStateException("no full-gradient pass has run yet");
    }
    checkLength(w);
    inEpoch = true;
    if (sparse == null) {
      source.batchGradient(w, examples, count, gw);
      source.batchGradient(snapshot, examples, count, gs);
      if (scale == 1.0) {
        varianceReduced(gw, gs, mu, gw, dim);
      } else {
        for (int i = 0; i < dim; i++) {
          gw[i] = scale * (gw[i] - gs[i]) + mu[i];
        }
      }
      updater.update(opt.paramIndex(), w, st, gw);
      return;
    }
    StepContext ctx = updater.begin(opt.paramIndex());
    if (epochStep == 0) {
      lazyLr = ctx.lr;
      lazyWd = ctx.wd;
    } else if (ctx.lr != lazyLr || ctx.wd != lazyWd) {
      throw new IllegalStateException(
          "lazy SVRG needs a constant lr and wd within an epoch; got lr="
              + ctx.lr
              + " wd="
              + ctx.wd
              + " after lr="
              + lazyLr
              + " wd="
              + lazyWd);
    }
    int step = ++epochStep;
    int n = sparse.touchedCoordinates(examples, count, coords);
    Store master = st.master();
    // bring the touched coordinates up to date first: the batch gradient reads them
    for (int m = 0; m < n; m++) {
      int j = coords[m];
      int skipped = step - 1 - last[j];
      if (skipped > 0) {
        catchUp(w, master, j, skipped);
      }
      last[j] = step;
    }
    sparse.batchGradient(w, examples, count, coords, n, gw);
    sparse.batchGradient(snapshot, examples, count, coords, n, gs);
    if (scale == 1.0) {
      for (int m = 0; m < n; m++) {
        gw[m] = (gw[m] - gs[m]) + mu[coords[m]];
      }
    } else {
      for (int m = 0; m < n; m++) {
        gw[m] = scale * (gw[m] - gs[m]) + mu[coords[m]];
      }
    }
    updater.step(ctx, w, st, gw, coords, n, 1, 0);
  }

  /**
   * Ends an epoch. In lazy mode, applies the skipped {@code mu} steps to every coordinate, so
   * {@code w} equals the dense result; otherwise does nothing. Call before reading {@code w},
   * before the next {@link #fullGradientPass} and before {@link #exportState}.
   */
  public void endEpoch(Store w, ParamState st) {
    if (sparse != null && epochStep > 0) {
      Store master = st.master();
      for (int j = 0; j < dim; j++) {
        int skipped = epochStep - last[j];
        if (skipped > 0) {
          catchUp(w, master, j, skipped);
        }
        last[j] = 0;
      }
    }
    epochStep = 0;
    inEpoch = false;
  }

  private void catchUp(Store w, Store master, int j, int skipped) {
    double q = lazyLr * Grad.clip(r * mu[j], c);
    if (master == null) {
      w.set(j, LazyMu.catchUp(w.get(j), skipped, lazyLr, lazyWd, q));
    } else {
      // multi_precision: advance the float64 master, round into the weights as Updater.step does
      master.set(j, LazyMu.catchUp(master.get(j), skipped, lazyLr, lazyWd, q));
      w.set(j, master.get(j));
    }
  }

  /** The full gradient {@code mu} (the live array; read only). */
  public double[] mu() {
    return mu;
  }

  /** The snapshot weights {@code w~} (the live store; read only). */
  public Store snapshot() {
    return snapshot;
  }

  /** Whether a full-gradient pass has run. */
  public boolean hasSnapshot() {
    return hasSnapshot;
  }

  /** The batch plan. */
  public Batches batches() {
    return batches;
  }

  /** The options. */
  public Options options() {
    return opt;
  }

  /** A copy of the state, for a snapshot; only between epochs. */
  public SvrgState exportState() {
    if (inEpoch) {
      throw new IllegalStateException("export inside an epoch; call endEpoch first");
    }
    return new SvrgState(hasSnapshot, snap.clone(), mu.clone());
  }

  /** Restores {@link #exportState} (same dimension). */
  public void importState(SvrgState s) {
    if (s.snapshot().length != dim || s.mu().length != dim) {
      throw new IllegalArgumentException(
          "state of dimension " + s.mu().length + " does not fit " + dim);
    }
    System.arraycopy(s.snapshot(), 0, snap, 0, dim);
    System.arraycopy(s.mu(), 0, mu, 0, dim);
    hasSnapshot = s.hasSnapshot();
    if (last != null) {
      Arrays.fill(last, 0);
    }
    epochStep = 0;
    inEpoch = false;
  }

  private void checkLength(Store w) {
    if (w.length() != dim) {
      throw new IllegalArgumentException(
          "weights have " + w.length() + " elements, the source has dimension " + dim);
    }
  }
}
