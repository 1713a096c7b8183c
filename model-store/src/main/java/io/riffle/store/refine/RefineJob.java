package io.riffle.store.refine;

import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.svrg.Batches;
import io.riffle.optim.svrg.FullGradientAggregator;
import io.riffle.optim.svrg.InJvmFullGradientAggregator;
import io.riffle.optim.svrg.Svrg;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.model.ModelKind;
import io.riffle.store.replay.ReplayWindow;
import io.riffle.store.shard.ModelShard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One refinement job: a champion/challenger round over a model's replay window.
 *
 * <p>Call order: {@link #prepare} on the live model's writer thread (it takes a consistent {@link
 * Model#copy()}, the window included, and remembers where the window stood), then {@link #run} on
 * any thread, once. {@code run} reads and writes only the copy, so the live model keeps learning
 * meanwhile and is never touched; a diverging run ends {@link RefineStatus#FAILED} with no
 * challenger.
 *
 * <p>The copy's window is split into the training part (all but the newest {@code holdout}
 * fraction) and the held-back tail. The method optimises the rows the training part touches (see
 * {@link TrainingSet}; rows it never touches keep their live weights), starting from the live
 * weights:
 *
 * <ul>
 *   <li>{@code svrg}: {@link Svrg} epochs with {@code rescale_grad = 1/batchSize}; the full
 *       gradient {@code mu} at the snapshot is computed by {@code parallelism} participants over
 *       slices of the batch plan and combined by an {@link InJvmFullGradientAggregator}; with plain
 *       SGD the inner step applies {@code mu} lazily (O(nnz) per step, {@link
 *       io.riffle.optim.svrg.LazyMu}).
 *   <li>{@code lbfgs}: full-batch L-BFGS on {@code mean weighted loss + (l2/2)|w|^2}, OWL-QN when
 *       {@code l1 > 0} (see {@link Lbfgs}).
 *   <li>any registered optimizer: {@code epochs} passes over the training part in window order, one
 *       sparse step per {@code batchSize} examples (summed gradients, as the live learn path). The
 *       live model's own optimizer with no parameters given continues from the live state.
 * </ul>
 *
 * <p><b>The judge.</b> The live model learned the held-back tail online before the job started, so
 * its loss on the tail with its current weights is in-sample and would favour it. Instead both
 * sides are scored the way the stream scores a model, each example before learning it:
 *
 * <ul>
 *   <li><b>live</b>: the progressive loss the window recorded for each tail example when the live
 *       model learned it ({@link ReplayWindow#loss}): the model then live had not seen it;
 *   <li><b>challenger</b>: every row a tail example touches is first reset to 0 (its live value was
 *       learned from the tail, so a warm start from it would leak the tail into the judge); then it
 *       is refined on the window minus the tail, starting from the live weights of the other rows;
 *       then it continues online over the tail with the live model's optimizer, one example per
 *       step, each scored just before its step ({@link Model#replayHashed}).
 * </ul>
 *
 * Both are mean weighted losses over the same examples in the same order, and both learn the tail
 * as they go, so what is compared is where each stood when the tail began. The challenger is
 * promotable iff its loss is strictly lower. The model promoted is the one judged (post-tail), with
 * the examples learned during the job replayed on it ({@link Promotion}).
 *
 * <p>Remaining bias (docs/decisions/0006): (1) the online optimizer's accumulators the challenger
 * continues with (FTRL's {@code n}, Adagrad's sums) already hold the tail's squared gradients: no
 * weight is learned from them, but the challenger's tail steps on those rows are a little smaller
 * than the live model's were. (2) The reset rows lose whatever the live model knew of them from
 * before the window; a method that stops short of convergence (SVRG, optimizer epochs) also gets
 * less far from 0 on them. (1) and (2) favour the live model. (3) A window restored from a snapshot
 * without recorded losses falls back to the live model's in-sample tail loss, which favours the
 * live model (the result says so). (4) A small tail gives a noisy comparison, and a strictly-lower
 * rule promotes on noise about half the time when the two are equally good.
 *
 * <p>Memory: the model copy (every array once, plus the window), plus O(active coordinates) per
 * method ({@code 2m + 6} vectors for L-BFGS; five vectors plus {@code 2 * parallelism + 1} for the
 * full-gradient pass for SVRG).
 */
public final class RefineJob {
  private final Model copy;
  private final RefineSpec spec;
  private final long startSequence;
  private final long liveExamples;
  private boolean ran;
  private volatile boolean cancelled;

  private RefineJob(Model copy, RefineSpec spec, long startSequence, long liveExamples) {
    this.copy = copy;
    this.spec = spec;
    this.startSequence = startSequence;
    this.liveExamples = liveExamples;
  }

  /** Takes the copy. Call on {@code live}'s writer thread. */
  public static RefineJob prepare(Model live, RefineSpec spec) {
    Model c = live.copy();
    return new RefineJob(c, spec, c.window().nextSequence(), live.examples());
  }

  /** {@link #prepare} then {@link #run}, for a caller that owns the model's only thread. */
  public static RefineResult refine(Model live, RefineSpec spec) {
    return prepare(live, spec).run();
  }

  /**
   * Asks a running job to stop at its next epoch, iteration or candidate; it then ends {@link
   * RefineStatus#FAILED} with a message saying so. Any thread; for a service that is stopping.
   */
  public void cancel() {
    cancelled = true;
  }

  private void checkCancelled(long steps) {
    if (cancelled) {
      throw new Diverged("cancelled after " + steps + " steps (the service is stopping)", steps);
    }
  }

  /** The spec. */
  public RefineSpec spec() {
    return spec;
  }

  /** Runs the job (once). Any thread. */
  public synchronized RefineResult run() {
    if (ran) {
      throw new IllegalStateException("a refinement job runs once");
    }
    ran = true;
    long t0 = System.nanoTime();
    ReplayWindow w = copy.window();
    double frac = spec.holdout() != null ? spec.holdout() : w.options().holdoutFraction();
    int size = w.size();
    int holdout = (int) Math.floor(size * frac);
    int train = size - holdout;
    if (holdout == 0 || train == 0) {
      return failed(
          "the window holds "
              + size
              + " examples: "
              + train
              + " to train on and "
              + holdout
              + " held back (holdout fraction "
              + frac
              + "); both must be > 0",
          train,
          holdout,
          0,
          t0,
          Double.NaN);
    }
    // the judge (class javadoc): both sides scored each tail example before learning it
    double[] liveEach = new double[holdout];
    double[] challengerEach = new double[holdout];
    double recordedLive = recordedLoss(w, train, size, liveEach);
    boolean recorded = !Double.isNaN(recordedLive);
    // without recorded losses the in-sample ones stand in, example by example
    double inSampleLive =
        recorded ? holdoutLoss(copy, train, size) : holdoutLoss(copy, train, size, liveEach);
    double liveLoss = recorded ? recordedLive : inSampleLive;
    // the live weights of every row the tail touches have learned from the tail: forget them, so
    // that neither the warm start nor rows the training part lacks carry the tail into the judge
    int forgotten = forgetTailRows(copy, w, train, size);
    TrainingSet set = TrainingSet.of(w, 0, train, copy.kind());
    Optimizer liveOpt = copy.updater().optimizer();
    String l2How;
    double l2;
    if (spec.l2() != null) {
      l2 = spec.l2();
      l2How = "given";
    } else if (!spec.isOptimizerEpochs()
        && spec.l2Candidates().size() > 1
        && train >= 2 * holdout) {
      L2Choice c;
      try {
        c = searchL2(w, train - holdout, train, liveOpt);
      } catch (Diverged e) {
        return failed(e.getMessage(), train, holdout, e.steps, t0, liveLoss);
      }
      l2 = c.multiplier * matchedL2(liveOpt, set.weightSum());
      l2How = c.account;
    } else {
      double mult = spec.l2Candidates().size() == 1 ? spec.l2Candidates().get(0) : 1;
      l2 = mult * matchedL2(liveOpt, set.weightSum());
      l2How = "matched" + (mult == 1 ? "" : " x " + mult);
    }
    double[] weights = gather(copy, set);
    long steps;
    try {
      steps =
          switch (spec.method()) {
            case RefineSpec.SVRG -> svrg(set, weights, l2);
            case RefineSpec.LBFGS -> lbfgs(set, weights, l2);
            default -> optimizerEpochs(set, weights);
          };
    } catch (Diverged e) {
      return failed(e.getMessage(), train, holdout, e.steps, t0, liveLoss);
    }
    String bad = checkWeights(weights);
    if (bad != null) {
      return failed(spec.method() + " diverged: " + bad, train, holdout, steps, t0, liveLoss);
    }
    scatter(copy, set, weights);
    reconcile(copy, set);
    double challengerLoss;
    try {
      challengerLoss = progressiveTail(copy, w, train, size, challengerEach);
    } catch (IllegalArgumentException e) {
      return failed(
          spec.method() + " challenger diverged on the held-back tail: " + e.getMessage(),
          train,
          holdout,
          steps,
          t0,
          liveLoss);
    }
    double z = pairedZ(liveEach, challengerEach, w, train);
    boolean better =
        Double.isFinite(challengerLoss)
            && challengerLoss < liveLoss
            && (spec.minZ() == 0 || z >= spec.minZ());
    String settings =
        switch (spec.method()) {
          case RefineSpec.SVRG ->
              String.format(
                  java.util.Locale.ROOT,
                  "l2 %.3g, %s, lr %.3g, %s sampling",
                  l2,
                  l2How,
                  svrgLr,
                  svrgImportance ? "importance" : "uniform");
          case RefineSpec.LBFGS ->
              String.format(
                  java.util.Locale.ROOT,
                  "l2 %.3g, %s, kernel %s: %s",
                  l2,
                  l2How,
                  kernelName,
                  kernelReason);
          default -> spec.epochs() + " epochs";
        };
    String msg =
        String.format(
            java.util.Locale.ROOT,
            "%s (%s) over %d examples (%d coordinates): progressive loss on the %d held-back examples"
                + " %.6f (live%s) vs %.6f (challenger, refined with the %d rows the tail touches reset to 0);"
                + " the live model's in-sample loss there is %.6f; improvement %.2f standard errors"
                + " (promotion needs %s)",
            spec.method(),
            settings,
            train,
            set.dimension(),
            holdout,
            liveLoss,
            recorded ? ", as recorded when learned" : ": none recorded, in-sample instead",
            challengerLoss,
            forgotten,
            inSampleLive,
            z,
            spec.minZ() == 0 ? "a lower loss" : "z >= " + spec.minZ());
    if (!Double.isFinite(challengerLoss)) {
      return failed(msg, train, holdout, steps, t0, liveLoss);
    }
    return new RefineResult(
        better ? RefineStatus.PROMOTABLE : RefineStatus.REJECTED,
        spec.method(),
        kernelName,
        copy,
        liveLoss,
        challengerLoss,
        z,
        train,
        holdout,
        startSequence,
        liveExamples,
        steps,
        (System.nanoTime() - t0) / 1_000_000,
        msg);
  }

  private RefineResult failed(
      String msg, int train, int holdout, long steps, long t0, double liveLoss) {
    return new RefineResult(
        RefineStatus.FAILED,
        spec.method(),
        kernelName,
        null,
        liveLoss,
        Double.POSITIVE_INFINITY,
        Double.NaN,
        train,
        holdout,
        startSequence,
        liveExamples,
        steps,
        (System.nanoTime() - t0) / 1_000_000,
        msg);
  }

  // ------------------------------------------------------------------ methods

  private double svrgLr = Double.NaN;
  private boolean svrgImportance;

  private long svrg(TrainingSet set, double[] weights, double l2) {
    int dim = set.dimension();
    int b = spec.batchSize();
    Map<String, Object> user = new java.util.LinkedHashMap<>(spec.optimizerParams());
    // importance sampling (one example per step): example i drawn with p_i = L_i / sum L, its
    // variance-reduced difference scaled by 1 / (n p_i), so the safe step is 1 / mean L, not max
    boolean importance = spec.sampling().equals(RefineSpec.IMPORTANCE) && b == 1;
    svrgImportance = importance;
    // per-example smoothness L_i = c * weight_i * |x_i|^2 + l2, and its running sum for sampling
    int n = set.examples();
    double[] lip = new double[n];
    set.weightedSquaredNorms(lip);
    double c = smoothness(copy.kind());
    double[] cdf = new double[n];
    double acc = 0;
    double lmax = 0;
    for (int i = 0; i < n; i++) {
      lip[i] = c * lip[i] + l2 + 1e-12;
      lmax = Math.max(lmax, lip[i]);
      acc += lip[i];
      cdf[i] = acc;
    }
    double meanL = acc / n;
    if (SCALED_BY_DATA.contains(spec.optimizer())) {
      user.putIfAbsent("learning_rate", 1 / (importance ? meanL : lmax));
    }
    user.putIfAbsent("wd", l2);
    Map<String, Object> hp = Svrg.innerHyperparams(user, b, 1);
    Optimizer inner = OptimizerRegistry.create(spec.optimizer(), hp);
    svrgLr = inner.hyperparams().learningRate();
    Updater up = new Updater(inner);
    Store.F64 w = Store.of(weights);
    ParamState st = up.createState(w);
    boolean lazy = inner.name().equals("sgd") && inner.hyperparams().real("momentum") == 0;
    Svrg svrg = new Svrg(up, set, Svrg.Options.of(b, spec.updateFreq()).withLazy(lazy));
    Batches plan = svrg.batches();
    int participants = Math.min(spec.parallelism(), plan.count());
    double[] snapshot = new double[dim];
    double[] mu = new double[dim];
    double[][] partial = new double[participants][dim];
    FullGradientAggregator agg = new InJvmFullGradientAggregator(participants);
    ExecutorService pool = participants > 1 ? Executors.newFixedThreadPool(participants) : null;
    long steps = 0;
    int[] one = new int[1];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(0x5eedL ^ startSequence);
    try {
      for (int e = 0; e < spec.epochs(); e++) {
        checkCancelled(steps);
        if (e % spec.updateFreq() == 0) {
          System.arraycopy(weights, 0, snapshot, 0, dim);
          fullGradient(set, plan, snapshot, partial, agg, pool, mu);
          svrg.importState(new Svrg.SvrgState(true, snapshot, mu));
        }
        if (importance) {
          for (int k = 0; k < n; k++) {
            int i = java.util.Arrays.binarySearch(cdf, rnd.nextDouble() * acc);
            i = i >= 0 ? Math.min(i + 1, n - 1) : -i - 1;
            one[0] = i;
            svrg.innerStep(w, st, one, 1, meanL / lip[i]);
            steps++;
          }
        } else {
          for (int k = 0, np = plan.count(); k < np; k++) {
            int[] ex = plan.batch(k);
            svrg.innerStep(w, st, ex, ex.length);
            steps++;
          }
        }
        svrg.endEpoch(w, st);
        String bad = checkWeights(weights);
        if (bad != null) {
          throw new Diverged("svrg diverged in epoch " + e + ": " + bad, steps);
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return steps;
  }

  /**
   * {@code mu = sum over the plan's batches of G_b(w~) / (K - p/B)} (OPTIMIZERS.md 6.3, textbook
   * reset), by {@code D} participants over contiguous slices of the plan. Each pushes its partial
   * sum scaled by {@code D / (K - p/B)} under {@code "weight_full"}; the aggregator's {@code S / D}
   * is then exactly {@code mu}. Pushes run on the pool and pulls on this thread, so the round
   * completes even on a pool narrower than {@code D}.
   */
  private static void fullGradient(
      TrainingSet set,
      Batches plan,
      double[] at,
      double[][] partial,
      FullGradientAggregator agg,
      ExecutorService pool,
      double[] mu) {
    int d = partial.length;
    int k = plan.count();
    double scale = d / plan.effectiveBatches();
    String key = FullGradientAggregator.fullKey("weight");
    List<Runnable> tasks = new ArrayList<>(d);
    for (int p = 0; p < d; p++) {
      final int participant = p;
      final int from = (int) ((long) k * p / d);
      final int to = (int) ((long) k * (p + 1) / d);
      tasks.add(
          () -> {
            double[] acc = partial[participant];
            java.util.Arrays.fill(acc, 0);
            double[] ms = new double[set.width()];
            double[] gs = new double[set.width()];
            for (int bi = from; bi < to; bi++) {
              for (int i : plan.batch(bi)) {
                set.addGradients(at, i, i + 1, acc, ms, gs);
              }
            }
            for (int c = 0; c < acc.length; c++) {
              acc[c] *= scale;
            }
            agg.push(key, participant, acc);
          });
    }
    if (pool == null) {
      tasks.forEach(Runnable::run);
    } else {
      List<Future<?>> fs = new ArrayList<>(d);
      for (Runnable t : tasks) {
        fs.add(pool.submit(t));
      }
      for (Future<?> f : fs) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted during the full-gradient pass", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("full-gradient participant failed", e.getCause());
        }
      }
    }
    for (int p = 0; p < d; p++) {
      agg.pull(key, p, p == 0 ? mu : partial[p]);
    }
  }

  private long lbfgs(TrainingSet set, double[] weights, double l2) {
    try (DenseGradientKernel kernel = kernelFor(set)) {
      return lbfgs(kernel, set, weights, l2);
    }
  }

  /** The gradient kernel for {@code set} under the spec's preference (recorded for the result). */
  private DenseGradientKernel kernelFor(TrainingSet set) {
    if (!(set.weightSum() > 0)) {
      throw new Diverged("lbfgs: the training examples' weights sum to 0", 0);
    }
    DenseGradientKernels.Choice choice;
    try {
      choice = DenseGradientKernels.choose(set, spec.kernel());
    } catch (DenseGradientKernels.Unavailable e) {
      throw new Diverged("lbfgs: " + e.getMessage(), 0);
    }
    kernelName = choice.kernel().name();
    kernelReason = choice.reason();
    return choice.kernel();
  }

  /** L-BFGS from {@code weights} (overwritten) on {@code kernel}'s staging of {@code set}. */
  private long lbfgs(DenseGradientKernel kernel, TrainingSet set, double[] weights, double l2) {
    Lbfgs.Objective plainF = objective(kernel, set.weightSum(), l2);
    Lbfgs.Objective f =
        (x, g) -> {
          checkCancelled(0);
          return plainF.valueAndGradient(x, g);
        };
    Lbfgs opt = new Lbfgs(set.dimension(), spec.history());
    Lbfgs.Outcome out = opt.minimize(f, weights, spec.l1(), spec.iterations(), spec.tolerance());
    if (!Double.isFinite(out.value())) {
      throw new Diverged("lbfgs: the objective at the live weights is " + out.value(), 0);
    }
    return out.iterations();
  }

  /** The chosen multiplier of the matched L2 penalty and how it was chosen. */
  private record L2Choice(double multiplier, String account) {}

  /**
   * Chooses the L2 penalty of L-BFGS and SVRG (a multiple of {@link #matchedL2}) on a validation
   * split of the training part, so that the judge's tail plays no part in the choice. The fits are
   * L-BFGS's for both methods: they minimise the same objective, and L-BFGS gets there in a few
   * dozen passes where SVRG's epochs may stop short. Each candidate multiplier of {@link
   * RefineSpec#l2Candidates}, strongest first, is fitted on window positions {@code [0, fitEnd)}
   * (the first from zero weights, each next one from the previous solution: a regularisation path,
   * and no live weight that learned the validation examples leaks in), then scored without learning
   * on {@code [fitEnd, trainEnd)}, with weight 0 on rows the fit part never touches. The lowest
   * validation loss wins; a tie keeps the stronger penalty.
   */
  private L2Choice searchL2(ReplayWindow w, int fitEnd, int trainEnd, Optimizer liveOpt) {
    TrainingSet fit = TrainingSet.of(w, 0, fitEnd, copy.kind());
    List<Double> cands = new ArrayList<>(spec.l2Candidates());
    cands.sort(java.util.Comparator.reverseOrder());
    double base = matchedL2(liveOpt, fit.weightSum());
    double[] x = new double[fit.dimension()];
    double best = Double.POSITIVE_INFINITY;
    double bestMult = cands.get(0);
    StringBuilder tried = new StringBuilder();
    // one staging of the fit part serves every candidate
    try (DenseGradientKernel kernel = kernelFor(fit)) {
      for (double mult : cands) {
        try {
          lbfgs(kernel, fit, x, mult * base);
        } catch (Diverged e) {
          if (cancelled) {
            throw e;
          }
          continue;
        }
        double v = staticLoss(w, fitEnd, trainEnd, fit, x, copy.kind());
        tried.append(tried.length() == 0 ? "" : ", ");
        tried.append(String.format(java.util.Locale.ROOT, "x%s %.4f", mult, v));
        if (v < best) {
          best = v;
          bestMult = mult;
        }
      }
    }
    return new L2Choice(
        bestMult,
        String.format(
            java.util.Locale.ROOT,
            "matched x %s chosen on %d validation examples (%s)",
            bestMult,
            trainEnd - fitEnd,
            tried));
  }

  /**
   * Mean weighted loss of window positions {@code [from, to)} under the weights {@code x} of {@code
   * set}'s coordinates (rows outside the set count as 0), nothing learned.
   */
  static double staticLoss(
      ReplayWindow w, int from, int to, TrainingSet set, double[] x, ModelKind kind) {
    int width = kind.outputs();
    return windowLoss(
        w,
        from,
        to,
        kind,
        (row, j) -> {
          int a = set.activeIndex(row);
          return a >= 0 ? x[a * width + j] : 0;
        },
        new double[to - from]);
  }

  /** Output {@code j}'s weight of global row {@code row}. */
  @FunctionalInterface
  interface RowWeights {
    double weight(int row, int j);
  }

  /**
   * Mean weighted loss of window positions {@code [from, to)} under {@code weights}, nothing
   * learned; each example's weighted loss goes into {@code each[p - from]}.
   */
  static double windowLoss(
      ReplayWindow w, int from, int to, ModelKind kind, RowWeights weights, double[] each) {
    int width = kind.outputs();
    double[] margin = new double[width];
    double loss = 0;
    double wsum = 0;
    for (int p = from; p < to; p++) {
      java.util.Arrays.fill(margin, 0);
      int off = w.offset(p);
      for (int f = off; f < off + w.nnz(p); f++) {
        int row = w.indices()[f];
        for (int j = 0; j < width; j++) {
          margin[j] += w.values()[f] * weights.weight(row, j);
        }
      }
      each[p - from] = kind.loss(margin, 0, w.label(p), w.weight(p));
      loss += each[p - from];
      wsum += w.weight(p);
    }
    return wsum > 0 ? loss / wsum : Double.NaN;
  }

  /** The kernel L-BFGS ran with ({@link RefineResult#kernel}) and why. */
  private String kernelName = DenseGradientKernels.PLAIN;

  private String kernelReason = "";

  /**
   * Inner optimizers whose step is a multiple of the gradient: their lr is chosen from the data.
   */
  private static final java.util.Set<String> SCALED_BY_DATA = java.util.Set.of("sgd", "nag");

  /**
   * The L2 penalty on the mean loss matched to the live optimizer's own regularisation, for a
   * training part of summed example weight {@code weightSum}. FTRL-proximal's weights minimise
   * {@code sum_s g_s.w + (1/2) sum_s sigma_s |w - w_s|^2 + lamda1|w|_1 + (wd/2)|w|^2} with {@code
   * sigma_1 = beta/lr} centred at 0 (McMahan et al., KDD 2013): its quadratic pull towards 0 over
   * the summed loss is {@code beta/lr + wd}, so over the mean loss {@code (beta/lr + wd)/W}. Other
   * optimizers' {@code wd} is a per-step decay on the mean gradient, so it is the mean-loss penalty
   * as is; with none, {@code 1/W} (a unit Gaussian prior on each weight). Only FTRL is derived; the
   * rest is a choice.
   */
  static double matchedL2(Optimizer live, double weightSum) {
    double w = Math.max(weightSum, 1);
    var hp = live.hyperparams();
    if (live.name().equals("ftrl")) {
      return (hp.real("beta") / hp.learningRate() + hp.wd()) / w;
    }
    return hp.wd() > 0 ? hp.wd() : 1 / w;
  }

  /** Upper bound of the loss's second derivative in the margin, per unit weight. */
  static double smoothness(ModelKind kind) {
    return switch (kind.name()) {
      case "logistic", "hinge" -> 0.25;
      case "softmax" -> 0.5;
      default -> 1.0;
    };
  }

  /** {@code mean weighted loss + (l2/2)|w|^2} over {@code set}, L-BFGS's smooth part. */
  static Lbfgs.Objective objective(TrainingSet set, double l2) {
    return objective(DenseGradientKernel.plain(set), set.weightSum(), l2);
  }

  /** {@link #objective(TrainingSet, double)} through {@code kernel}. */
  static Lbfgs.Objective objective(DenseGradientKernel kernel, double weightSum, double l2) {
    final double inv = 1 / weightSum;
    return (w, grad) -> {
      double loss = kernel.lossAndGradient(w, grad) * inv;
      double pen = 0;
      for (int i = 0; i < w.length; i++) {
        grad[i] = grad[i] * inv + l2 * w[i];
        pen += w[i] * w[i];
      }
      return loss + 0.5 * l2 * pen;
    };
  }

  private long optimizerEpochs(TrainingSet set, double[] weights) {
    Optimizer liveOpt = copy.updater().optimizer();
    boolean continueLive = spec.method().equals(liveOpt.name()) && spec.optimizerParams().isEmpty();
    Optimizer opt =
        continueLive
            ? liveOpt.copy()
            : OptimizerRegistry.create(spec.method(), spec.optimizerParams());
    Updater up = new Updater(opt);
    Store.F64 w = Store.of(weights);
    ParamState st = up.createState(w);
    if (continueLive) {
      gatherState(copy, set, st);
    }
    int n = set.examples();
    int b = spec.batchSize();
    int[] coords = new int[set.dimension()];
    double[] g = new double[set.dimension()];
    long steps = 0;
    for (int e = 0; e < spec.epochs(); e++) {
      checkCancelled((long) e * n);
      for (int from = 0; from < n; from += b) {
        int nc = set.sparseBatchGradient(weights, from, Math.min(n, from + b), coords, g);
        up.sparseUpdate(0, w, st, coords, nc, 1, g);
        steps++;
      }
      String bad = checkWeights(weights);
      if (bad != null) {
        throw new Diverged(spec.method() + " diverged in epoch " + e + ": " + bad, steps);
      }
    }
    return steps;
  }

  // ------------------------------------------------------------------ helpers

  /** Mean weighted loss of {@code m} over window positions {@code [from, to)}. */
  static double holdoutLoss(Model m, int from, int to) {
    return holdoutLoss(m, from, to, new double[to - from]);
  }

  /** {@link #holdoutLoss(Model, int, int)}, each example's weighted loss into {@code each}. */
  static double holdoutLoss(Model m, int from, int to, double[] each) {
    ModelShard[] shards = m.shards();
    int s = shards.length;
    return windowLoss(
        m.window(), from, to, m.kind(), (row, j) -> shards[row % s].weight(row / s, j), each);
  }

  /**
   * Mean weighted progressive loss the window recorded for positions {@code [from, to)} (each
   * example's loss under the model that was live when it was learned, before learning it), or NaN
   * if any of them has none or the weights sum to 0.
   */
  static double recordedLoss(ReplayWindow w, int from, int to, double[] each) {
    double loss = 0;
    double wsum = 0;
    for (int p = from; p < to; p++) {
      float l = w.loss(p);
      if (Float.isNaN(l)) {
        return Double.NaN;
      }
      each[p - from] = l;
      loss += l;
      wsum += w.weight(p);
    }
    return wsum > 0 ? loss / wsum : Double.NaN;
  }

  /**
   * Resets every row that examples {@code [from, to)} touch to an unlearned state ({@link
   * Promotion#forget}). Rows the training part also touches are then refined from 0; the others
   * stay 0 until the tail is replayed, losing whatever history from before the window they had (a
   * handicap for the challenger, see the class javadoc). Returns the rows that were not already 0.
   */
  private static int forgetTailRows(Model m, ReplayWindow w, int from, int to) {
    ModelShard[] shards = m.shards();
    int s = shards.length;
    int width = m.kind().outputs();
    int count = 0;
    for (int p = from; p < to; p++) {
      int off = w.offset(p);
      for (int f = off; f < off + w.nnz(p); f++) {
        int row = w.indices()[f];
        ModelShard sh = shards[row % s];
        int local = row / s;
        boolean nonZero = false;
        for (int j = 0; j < width; j++) {
          nonZero |= sh.weight(local, j) != 0;
        }
        if (nonZero) {
          count++;
        }
        Promotion.forget(m, sh, local);
      }
    }
    return count;
  }

  /** Reconciles the optimizer state of every training row with its refined weights. */
  private static void reconcile(Model m, TrainingSet set) {
    ModelShard[] shards = m.shards();
    int s = shards.length;
    for (int a = 0; a < set.activeRows(); a++) {
      int row = set.row(a);
      Promotion.reconcile(m, shards[row % s], row / s);
    }
  }

  /**
   * Continues {@code m} online over positions {@code [from, to)} of {@code w}, one example per step
   * with its own optimizer, scoring each before learning it; returns the mean weighted loss of
   * those scores (the challenger's progressive loss on the tail).
   */
  private static double progressiveTail(Model m, ReplayWindow w, int from, int to, double[] each) {
    SparseVector[] one = {new SparseVector()};
    double[] y = new double[1];
    double[] wt = new double[1];
    double loss = 0;
    double wsum = 0;
    for (int p = from; p < to; p++) {
      SparseVector v = one[0];
      v.clear();
      int off = w.offset(p);
      for (int f = off; f < off + w.nnz(p); f++) {
        v.add(w.indices()[f], w.values()[f]);
      }
      y[0] = w.label(p);
      wt[0] = w.weight(p);
      each[p - from] = m.replayHashed(one, y, wt, 1);
      loss += each[p - from];
      wsum += wt[0];
    }
    return wsum > 0 ? loss / wsum : Double.NaN;
  }

  /**
   * The paired z statistic of the challenger's improvement on tail positions {@code [from, from +
   * n)}: {@code D / SE(D)} with {@code d_p = live_p - challenger_p} (weighted losses), {@code D =
   * sum d_p / W} and the ratio estimator's standard error {@code sqrt(n / (n - 1) * sum (d_p - w_p
   * D)^2) / W}. Per-example differences, not the two means' spreads, so the many examples both
   * sides get right cancel. Infinite when every difference is the same positive (or negative)
   * multiple of its weight, NaN for fewer than 2 examples.
   */
  static double pairedZ(double[] live, double[] challenger, ReplayWindow w, int from) {
    int n = live.length;
    if (n < 2) {
      return Double.NaN;
    }
    double sum = 0;
    double wsum = 0;
    for (int q = 0; q < n; q++) {
      sum += live[q] - challenger[q];
      wsum += w.weight(from + q);
    }
    double mean = sum / wsum;
    double ss = 0;
    for (int q = 0; q < n; q++) {
      double r = live[q] - challenger[q] - w.weight(from + q) * mean;
      ss += r * r;
    }
    double se = Math.sqrt(ss * n / (n - 1)) / wsum;
    if (se == 0) {
      return mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean);
    }
    return mean / se;
  }

  static double[] gather(Model m, TrainingSet set) {
    int width = set.width();
    ModelShard[] shards = m.shards();
    int s = shards.length;
    double[] out = new double[set.dimension()];
    for (int a = 0; a < set.activeRows(); a++) {
      int row = set.row(a);
      for (int j = 0; j < width; j++) {
        out[a * width + j] = shards[row % s].weight(row / s, j);
      }
    }
    return out;
  }

  private static void gatherState(Model m, TrainingSet set, ParamState into) {
    int width = set.width();
    ModelShard[] shards = m.shards();
    int s = shards.length;
    for (int a = 0; a < set.activeRows(); a++) {
      int row = set.row(a);
      ParamState from = shards[row % s].state();
      int local = row / s;
      for (int i = 0; i < into.arrayCount(); i++) {
        for (int j = 0; j < width; j++) {
          into.array(i).set(a * width + j, from.array(i).get(local * width + j));
        }
      }
    }
    System.arraycopy(shards[0].state().scalars(), 0, into.scalars(), 0, into.scalars().length);
  }

  private static void scatter(Model m, TrainingSet set, double[] weights) {
    int width = set.width();
    ModelShard[] shards = m.shards();
    int s = shards.length;
    for (int a = 0; a < set.activeRows(); a++) {
      int row = set.row(a);
      Store ws = shards[row % s].weights();
      int local = row / s;
      for (int j = 0; j < width; j++) {
        ws.set(local * width + j, weights[a * width + j]);
      }
    }
  }

  /** Null if every weight is finite and within {@link Model#MAX_MAGNITUDE}, else why not. */
  private static String checkWeights(double[] w) {
    for (int i = 0; i < w.length; i++) {
      if (!(Math.abs(w[i]) <= Model.MAX_MAGNITUDE)) {
        return "coordinate " + i + " has weight " + w[i] + " (limit " + Model.MAX_MAGNITUDE + ")";
      }
    }
    return null;
  }

  private static final class Diverged extends RuntimeException {
    final long steps;

    Diverged(String msg, long steps) {
      super(msg, null, false, false);
      this.steps = steps;
    }
  }
}
