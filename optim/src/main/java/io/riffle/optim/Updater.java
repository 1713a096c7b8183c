package io.riffle.optim;

import io.riffle.optim.schedule.LrScheduler;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Drives an {@link Optimizer} the way MXNet's {@code Optimizer.update} does (OPTIMIZERS.md 2):
 * per-parameter update counts, {@code num_update}, the learning-rate scheduler, {@code
 * lr_mult}/{@code wd_mult}, optimizer-wide scalars, multi-precision master copies and the SGLD
 * noise source. One updater serves one model; it is single-threaded.
 *
 * <p>Learning-rate resolution (2.1): without a scheduler the rate is {@code learning_rate}. With
 * one, an explicitly given {@code learning_rate} - or, under 2.x and for the 1.x optimizers that
 * pass their default, the default - overwrites the scheduler's base rate.
 *
 * <p>Typical use: {@code StepContext c = updater.begin(0);} then {@link #step} once per shard (or
 * {@link #update} for a whole dense array). Nothing here allocates after a parameter's first
 * update.
 */
public final class Updater {
  private final Optimizer opt;
  private final Hyperparams hp;
  private final LrScheduler scheduler;
  private final double lr;
  private final double wd;
  private final long beginNumUpdate;
  private final Map<Integer, Double> lrMultByIndex;
  private final Map<Integer, Double> wdMultByIndex;
  private final Map<String, Double> lrMultByName;
  private final Map<String, Double> wdMultByName;
  private final Map<Integer, String> idx2name;
  private final StepContext ctx = new StepContext();
  private long numUpdate;
  private long[] counts = new long[0];
  private double[] lrMultCache = new double[0];
  private double[] wdMultCache = new double[0];
  private String[] nameCache = new String[0];
  private double[] globals;
  private double lastBaseLr = Double.NaN;
  private GaussianSource noise;

  /** An updater without scheduler or multipliers. */
  public Updater(Optimizer opt) {
    this(opt, null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  /** An updater with a scheduler (may be null). The scheduler is used, not copied. */
  public Updater(Optimizer opt, LrScheduler scheduler) {
    this(opt, scheduler, Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  /**
   * Full form.
   *
   * @param opt the optimizer
   * @param scheduler learning-rate schedule, or null
   * @param idx2name parameter names by index ({@code param_idx2name})
   * @param lrMultByIndex {@code lr_mult} keyed by index
   * @param lrMultByName {@code lr_mult} keyed by name
   * @param wdMultByIndex {@code wd_mult} keyed by index
   * @param wdMultByName {@code wd_mult} keyed by name
   */
  public Updater(
      Optimizer opt,
      LrScheduler scheduler,
      Map<Integer, String> idx2name,
      Map<Integer, Double> lrMultByIndex,
      Map<String, Double> lrMultByName,
      Map<Integer, Double> wdMultByIndex,
      Map<String, Double> wdMultByName) {
    this.opt = opt;
    this.hp = opt.hyperparams();
    this.scheduler = scheduler;
    this.wd = hp.wd();
    this.beginNumUpdate = hp.integer("begin_num_update");
    this.numUpdate = beginNumUpdate;
    this.idx2name = Map.copyOf(idx2name);
    this.lrMultByIndex = Map.copyOf(lrMultByIndex);
    this.lrMultByName = Map.copyOf(lrMultByName);
    this.wdMultByIndex = Map.copyOf(wdMultByIndex);
    Map<String, Double> wdNames = new HashMap<>();
    if (hp.version() == MxVersion.V1) {
      // 1.x set_wd_mult: no decay for parameters that are not weights (2.2)
      boolean lars = opt.name().equals("lars");
      for (String n : idx2name.values()) {
        if (!(n.endsWith("_weight") || (!lars && n.endsWith("_gamma")))) {
          wdNames.put(n, 0.0);
        }
      }
    }
    wdNames.putAll(wdMultByName);
    this.wdMultByName = Map.copyOf(wdNames);
    Double userLr = hp.isExplicit("learning_rate") ? hp.learningRate() : null;
    if (userLr == null
        && (scheduler == null || hp.version() == MxVersion.V2 || opt.v1PassesDefaultLr())) {
      userLr = hp.learningRate();
    }
    if (scheduler != null && userLr != null && scheduler.baseLr() != userLr) {
      scheduler.setBaseLr(userLr);
    }
    this.lr = userLr == null ? Double.NaN : userLr;
    this.globals = opt.initialGlobals();
  }

  /** The optimizer. */
  public Optimizer optimizer() {
    return opt;
  }

  /** The scheduler, or null. */
  public LrScheduler scheduler() {
    return scheduler;
  }

  /** Sets the Gaussian source handed to SGLD steps. */
  public Updater noise(GaussianSource source) {
    this.noise = source;
    return this;
  }

  /** The Gaussian source, or null. */
  public GaussianSource noise() {
    return noise;
  }

  /** Largest update count over all parameters. */
  public long numUpdate() {
    return numUpdate;
  }

  /** The update count of parameter {@code index} (0 before its first update). */
  public long count(int index) {
    return index < counts.length && counts[index] >= 0 ? counts[index] : 0;
  }

  /**
   * New state for a parameter with weights {@code w}: arrays in {@code w}'s precision, or, with
   * {@code multi_precision} and float32 weights, a float64 master copy and float64 state.
   */
  public ParamState createState(Store w) {
    boolean mp = hp.bool("multi_precision") && w.precision() == Precision.FLOAT32;
    Store master = null;
    if (mp) {
      master = Store.zeros(Precision.FLOAT64, w.length());
      master.copyFrom(w);
    }
    ParamState s =
        ParamState.zeros(opt, mp ? Precision.FLOAT64 : w.precision(), w.length(), master);
    opt.initState(mp ? master : w, s);
    return s;
  }

  /**
   * Starts an update of parameter {@code index}: counts it, resolves lr and wd, advances the
   * optimizer-wide scalars. The returned context is reused by the next call.
   */
  public StepContext begin(int index) {
    ensure(index);
    double base;
    if (opt.readsLrBeforeCount()) {
      base = baseLr();
      countUpdate(index);
    } else {
      countUpdate(index);
      base = baseLr();
    }
    StepContext c = ctx;
    c.t = counts[index];
    c.numUpdate = numUpdate;
    c.baseLr = base;
    c.lr = base * lrMultCache[index];
    c.wd = wd * wdMultCache[index];
    double last = Double.isNaN(lastBaseLr) ? base : lastBaseLr;
    lastBaseLr = base;
    c.momentumRatio = last != 0 ? base / last : 1.0;
    c.paramName = nameCache[index];
    c.noise = noise;
    c.weightNormSq = Double.NaN;
    c.gradNormSq = Double.NaN;
    c.shard = 0;
    c.shards = 1;
    opt.beginStep(c, globals);
    return c;
  }

  /**
   * Applies the update begun by {@link #begin} to some elements of a parameter (see {@link
   * Optimizer#step}); under multi-precision it updates the master copy and rounds the touched
   * elements into {@code w}.
   */
  public void step(
      StepContext c,
      Store w,
      ParamState s,
      double[] g,
      int[] rows,
      int count,
      int width,
      int from) {
    Store master = s.master();
    if (master == null) {
      opt.step(c, w, s, g, rows, count, width, from);
      return;
    }
    opt.step(c, master, s, g, rows, count, width, from);
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      w.set(e, master.get(e));
    }
  }

  /** One dense update of the whole parameter {@code index}. */
  public void update(int index, Store w, ParamState s, double[] g) {
    StepContext c = begin(index);
    step(c, w, s, g, null, w.length(), 1, 0);
  }

  /** One lazy sparse update of parameter {@code index} over {@code n} unique rows. */
  public void sparseUpdate(
      int index, Store w, ParamState s, int[] rows, int n, int width, double[] g) {
    StepContext c = begin(index);
    step(c, w, s, g, rows, n * width, width, 0);
  }

  private double baseLr() {
    return scheduler != null ? scheduler.lr(numUpdate) : lr;
  }

  private void countUpdate(int index) {
    long prev = counts[index] < 0 ? beginNumUpdate : counts[index];
    counts[index] = prev + 1;
    if (counts[index] > numUpdate) {
      numUpdate = counts[index];
    }
  }

  private void ensure(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("parameter index=" + index + " must be >= 0");
    }
    if (index < counts.length) {
      return;
    }
    int n = Math.max(index + 1, counts.length * 2);
    int old = counts.length;
    counts = Arrays.copyOf(counts, n);
    lrMultCache = Arrays.copyOf(lrMultCache, n);
    wdMultCache = Arrays.copyOf(wdMultCache, n);
    nameCache = Arrays.copyOf(nameCache, n);
    for (int i = old; i < n; i++) {
      counts[i] = -1;
      String name = idx2name.get(i);
      nameCache[i] = name != null ? name : Integer.toString(i);
      lrMultCache[i] = mult(lrMultByIndex, lrMultByName, i, name);
      wdMultCache[i] = mult(wdMultByIndex, wdMultByName, i, name);
    }
  }

  private static double mult(
      Map<Integer, Double> byIndex, Map<String, Double> byName, int index, String name) {
    Double m = byIndex.get(index);
    if (m == null && name != null) {
      m = byName.get(name);
    }
    return m == null ? 1.0 : m;
  }

  /** Everything mutable, for a snapshot. */
  public UpdaterState exportState() {
    long[] c = new long[counts.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts[i];
    }
    return new UpdaterState(
        numUpdate,
        c,
        globals.clone(),
        scheduler == null ? new double[0] : scheduler.exportState(),
        lastBaseLr,
        noise == null ? new long[0] : noise.exportState());
  }

  /** Restores {@link #exportState}. */
  public void importState(UpdaterState s) {
    numUpdate = s.numUpdate();
    ensure(Math.max(0, s.counts().length - 1));
    Arrays.fill(counts, -1);
    System.arraycopy(s.counts(), 0, counts, 0, s.counts().length);
    globals = s.globals().clone();
    if (scheduler != null && s.scheduler().length > 0) {
      scheduler.importState(s.scheduler());
    }
    lastBaseLr = s.lastBaseLr();
    if (noise != null && s.noise().length > 0) {
      noise.importState(s.noise());
    }
  }

  /**
   * The mutable part of an {@link Updater}.
   *
   * @param numUpdate largest count
   * @param counts per-index counts, -1 where a parameter has not been updated
   * @param globals optimizer-wide scalars
   * @param scheduler scheduler state
   * @param lastBaseLr base rate of the previous lookup (NaN before the first)
   * @param noise noise-source state
   */
  public record UpdaterState(
      long numUpdate,
      long[] counts,
      double[] globals,
      double[] scheduler,
      double lastBaseLr,
      long[] noise) {}
}
