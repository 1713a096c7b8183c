package io.riffle.optim.yellowfin;

import io.riffle.optim.Store;
import java.util.List;

/**
 * The YellowFin tuner (Zhang and Mitliagkas, "YellowFin and the Art of Momentum Tuning",
 * arXiv:1706.03471) with the arithmetic of the authors' TensorFlow reference (OPTIMIZERS.md 7): one
 * global momentum {@code mu} and learning rate {@code alpha} for the whole model, tuned every
 * iteration from gradient statistics over the concatenation of all parameter gradients, applied by
 * momentum SGD in the TF form {@code v <- mu*v + g; x <- x - alpha*v}.
 *
 * <p>One iteration {@code k = 0, 1, ...} ({@link #step}, which is {@link #observe} then {@link
 * #apply}):
 *
 * <ol>
 *   <li>global-norm clip at {@code clip_thresh} if set, then (adaptive clipping, {@code k > 0}) at
 *       {@code sqrt(stat_protect_fac) * T};
 *   <li>statistics on the clipped gradient, every EMA zero-debiased with the shared exponent {@code
 *       k+1}: {@code h = |g|^2}; the curvature window {@code W[k mod w] = h + EPS} and {@code
 *       h_min, h_max} as exp of the EMAs of {@code log(min/max W + EPS)} (or EMAs of the raw
 *       extremes without log smoothing); the variance {@code C = max(EPS, EMA(h) - |EMA(g)|^2)};
 *       the distance {@code D = EMA(EMA(|g|) / (EMA(h) + EPS))}; with {@code sparsity_debias},
 *       {@code h_min, h_max, C} times and {@code D} divided by {@code sqrt(EMA(nnz/size)) + EPS};
 *   <li>tuning, {@code k >= 1}: the cubic's root {@code x} ({@link #cubicRoot}), {@code mu_t =
 *       max(x^2, ((sqrt(kappa)-1)/(sqrt(kappa)+1))^2)}, {@code alpha_t = (1-sqrt(mu_t))^2/(h_min +
 *       EPS)} times the slow start {@code min(1, (k+1)/(10w))}; at {@code k = 0} the initial
 *       values. Applied directly (default) or smoothed with {@code beta};
 *   <li>exploding-gradient clip: if {@code |g| > T} the update uses {@code g} scaled to norm {@code
 *       T} ({@code T} is the previous iteration's {@code sqrt(h_max)}, {@code 1e15} at first);
 *   <li>momentum step with {@code mu + delta_mu} (or a {@link ClosedLoopMomentum}'s {@code mu_G}
 *       plus {@code delta_mu}) and {@code alpha * lr_factor}, Nesterov form if set;
 *   <li>{@code T <- sqrt(h_max)}, {@code k <- k+1}.
 * </ol>
 *
 * <p><b>Call order.</b> Either {@link #step} once per iteration, or {@link #observe} (statistics
 * and tuning; advances {@code k}) followed by {@link #apply} with the same gradients. {@link
 * #observe} alone, repeated, uses YellowFin as a pure tuner (read {@link #mu()} and {@link #lr()}),
 * as a parameter server with closed-loop control does; the momentum buffers then stay untouched.
 * Snapshot ({@link #exportState}) only between iterations. Gradients are never modified; clipping
 * is carried as scale factors.
 *
 * <p><b>Memory</b> ({@code n} = total coordinates): per-coordinate EMA of the gradient and momentum
 * buffer, {@code 2n} doubles; the curvature window, {@code w} doubles; a dozen scalars. Everything
 * is allocated at construction: {@link #observe}, {@link #apply} and {@link #step} allocate
 * nothing. Single-threaded.
 *
 * <p>Not reproduced from the PyTorch port or the paper's pseudo-code (7.7): the port's raw-{@code
 * h} window, its catastrophic-move cap and NaN restore, and weight decay (YellowFin has none; add
 * it to the gradient).
 */
public final class YellowFin {
  /** The reference's {@code EPS}. */
  public static final double EPS = 1e-6;

  /** Initial adaptive-clip threshold (effectively none). */
  public static final double LARGE = 1e15;

  /** Names of {@link YellowFinState#scalars()}, in order. */
  public static final List<String> SCALAR_NAMES =
      List.of(
          "mu",
          "lr",
          "clip_T",
          "ema_h2",
          "ema_h_min",
          "ema_h_max",
          "ema_grad_norm",
          "ema_dist",
          "ema_sparsity",
          "h_min",
          "h_max",
          "C",
          "D",
          "delta_mu",
          "lr_factor");

  private final YellowFinConfig cfg;
  private final int[] lengths;
  private final long size;
  private final double beta;
  private final int width;
  private final double[][] gradEma;
  private final double[][] velocity;
  private final double[] window;
  // holders for the single-array convenience methods, so they allocate nothing either
  private final double[][] oneParam = new double[1][];
  private final double[][] oneGrad = new double[1][];

  private long k;
  private double mu;
  private double lr;
  private double clipT = LARGE;
  // biased EMA accumulators; all advance every iteration, so they share the debias exponent k+1
  private double emaH2;
  private double emaHMin;
  private double emaHMax;
  private double emaGradNorm;
  private double emaDist;
  private double emaSparsity;
  // the last iteration's statistics
  private double hMin;
  private double hMax;
  private double gradVar;
  private double dist;
  private double deltaMu;
  private double lrFactor;

  // carried from observe to apply: clip scale factors (1 = no clip)
  private double s1 = 1;
  private double s2 = 1;
  private double s3 = 1;
  private boolean observed;
  private ClosedLoopMomentum closedLoop;

  /**
   * A tuner for parameters of the given lengths (one per parameter array).
   *
   * @throws IllegalArgumentException if there is no parameter or a length is negative
   */
  public YellowFin(YellowFinConfig config, int... lengths) {
    if (lengths.length == 0) {
      throw new IllegalArgumentException("YellowFin needs at least one parameter array");
    }
    this.cfg = config;
    this.lengths = lengths.clone();
    long n = 0;
    for (int len : lengths) {
      if (len < 0) {
        throw new IllegalArgumentException("parameter length " + len + " must be >= 0");
      }
      n += len;
    }
    this.size = n;
    this.beta = config.beta();
    this.width = config.curvWinWidth();
    this.gradEma = new double[lengths.length][];
    this.velocity = new double[lengths.length][];
    for (int i = 0; i < lengths.length; i++) {
      gradEma[i] = new double[lengths[i]];
      velocity[i] = new double[lengths[i]];
    }
    this.window = new double[width];
    this.mu = config.momentum();
    this.lr = config.learningRate();
    this.deltaMu = config.deltaMu();
    this.lrFactor = config.lrFactor();
  }

  // ------------------------------------------------------------------ the cubic (7.4)

  /**
   * The root {@code x = sqrt(mu)} in {@code [0, 1]} of {@code p*x = (1-x)^3} with {@code p =
   * (D+eps)^2 (h_min+eps)^2 / (2 (C+eps))}, by Vieta's substitution on {@code y = x - 1}, {@code
   * y^3 + p*y + p = 0} (exactly one real root).
   */
  public static double cubicRoot(double d, double c, double hMin, double eps) {
    double a = d + eps;
    double b = hMin + eps;
    double p = a * a * (b * b) / 2.0 / (c + eps);
    double w3 = (-Math.sqrt(p * p + 4.0 / 27.0 * Math.pow(p, 3)) - p) / 2.0;
    double w = Math.copySign(Math.pow(Math.abs(w3), 1.0 / 3.0), w3);
    double y = w - p / 3.0 / (w + eps);
    return y + 1.0;
  }

  /**
   * The tuned momentum {@code max(x^2, ((sqrt(kappa)-1)/(sqrt(kappa)+1))^2)}, {@code kappa =
   * max((h_max+eps)/(h_min+eps), 1+eps)}.
   */
  public static double tunedMu(double d, double c, double hMin, double hMax, double eps) {
    double x = cubicRoot(d, c, hMin, eps);
    double dr = pyMax((hMax + eps) / (hMin + eps), 1.0 + eps);
    double sq = Math.sqrt(dr);
    double bound = (sq - 1.0) / (sq + 1.0);
    return pyMax(x * x, bound * bound);
  }

  /**
   * The tuned rate {@code (1-sqrt(mu))^2/(h_min+eps)}, capped by the slow start {@code (k+1)/(10w)}
   * of it.
   */
  public static double tunedLr(double mu, double hMin, long k, int curvWinWidth, double eps) {
    double s = 1.0 - Math.sqrt(mu);
    double lr = s * s / (hMin + eps);
    return pyMin(lr, lr * (k + 1.0) / 10.0 / curvWinWidth);
  }

  // Python's max/min: the first argument unless the second compares greater/smaller, so a NaN in
  // second place is ignored exactly as in the reference
  private static double pyMax(double a, double b) {
    return b > a ? b : a;
  }

  private static double pyMin(double a, double b) {
    return b < a ? b : a;
  }

  // ------------------------------------------------------------------ one iteration

  /** One iteration over several parameter arrays: {@link #observe} then {@link #apply}. */
  public void step(double[][] params, double[][] grads) {
    observe(grads);
    apply(params, grads);
  }

  /** One iteration over parameter stores. */
  public void step(Store[] params, double[][] grads) {
    observe(grads);
    apply(params, grads);
  }

  /** One iteration of a single-array model. */
  public void step(double[] param, double[] grad) {
    oneParam[0] = param;
    oneGrad[0] = grad;
    try {
      step(oneParam, oneGrad);
    } finally {
      oneParam[0] = null;
      oneGrad[0] = null;
    }
  }

  /**
   * Statistics and tuning for iteration {@code k} (steps 1-4 and 6 above): updates {@link #mu()},
   * {@link #lr()} and the statistics, advances the iteration. {@code grads[i]} belongs to parameter
   * {@code i}.
   */
  public void observe(double[][] grads) {
    checkShapes(grads, "gradient");
    final double e = EPS;
    // 1. clipping (scale factors; the reference rescales copies)
    double a = 1;
    double b = 1;
    double sq = Double.NaN;
    if (cfg.hasClipThresh() || cfg.useAdaptGradClip()) {
      sq = sumSq(grads, 1, 1);
      if (cfg.hasClipThresh()) {
        double norm = Math.sqrt(sq);
        if (!(norm <= cfg.clipThresh())) {
          a = cfg.clipThresh() / norm;
          sq = sumSq(grads, a, 1);
        }
      }
      if (cfg.useAdaptGradClip()) {
        double th = k > 0 ? Math.sqrt(cfg.statProtectFac() * (clipT * clipT)) : LARGE;
        double norm = Math.sqrt(sq);
        if (!(norm <= th)) {
          b = th / norm;
          sq = Double.NaN;
        }
      }
    }
    // 2. statistics
    double h2 = Double.isNaN(sq) ? sumSq(grads, a, b) : sq;
    double den = cfg.zeroDebias() ? 1.0 - Math.pow(beta, k + 1) : 1.0;
    double om = 1.0 - beta;
    emaH2 = beta * emaH2 + om * h2;
    double h2Avg = emaH2 / den;
    window[(int) (k % width)] = h2 + e;
    int valid = (int) Math.min(width, k + 1);
    double lo = window[0];
    double hi = window[0];
    for (int i = 1; i < valid; i++) {
      lo = Math.min(lo, window[i]);
      hi = Math.max(hi, window[i]);
    }
    emaHMin = beta * emaHMin + om * (cfg.hMinLogSmooth() ? Math.log(lo + e) : lo);
    double curMin = cfg.hMinLogSmooth() ? Math.exp(emaHMin / den) : emaHMin / den;
    emaHMax = beta * emaHMax + om * (cfg.hMaxLogSmooth() ? Math.log(hi + e) : hi);
    double curMax = cfg.hMaxLogSmooth() ? Math.exp(emaHMax / den) : emaHMax / den;
    double gbarSq = 0;
    long nnz = 0;
    for (int i = 0; i < grads.length; i++) {
      double[] g = grads[i];
      double[] m = gradEma[i];
      double part = 0;
      for (int j = 0; j < g.length; j++) {
        double gj = g[j] * a * b;
        double mj = beta * m[j] + om * gj;
        m[j] = mj;
        double avg = mj / den;
        part += avg * avg;
        if (gj != 0) {
          nnz++;
        }
      }
      gbarSq += part;
    }
    double c = pyMax(e, h2Avg - gbarSq);
    emaGradNorm = beta * emaGradNorm + om * Math.sqrt(h2);
    double gradNormAvg = emaGradNorm / den;
    emaDist = beta * emaDist + om * (gradNormAvg / (h2Avg + e));
    double d = emaDist / den;
    if (cfg.sparsityDebias()) {
      emaSparsity = beta * emaSparsity + om * (size == 0 ? 0.0 : (double) nnz / size);
      double sp = emaSparsity / den;
      curMin *= sp;
      curMax *= sp;
      c *= sp;
      d /= Math.sqrt(sp) + e;
    }
    // 3. tuning
    double muT;
    double lrT;
    if (k > 0) {
      muT = tunedMu(d, c, curMin, curMax, e);
      lrT = tunedLr(muT, curMin, k, width, e);
    } else {
      muT = mu;
      lrT = lr;
    }
    if (cfg.useUnsmoothedLrMu()) {
      mu = muT;
      lr = lrT;
    } else {
      mu = beta * mu + om * muT;
      lr = beta * lr + om * lrT;
    }
    // 4. exploding-gradient clip against the previous iteration's sqrt(h_max)
    double s = 1;
    if (cfg.useAdaptGradClip()) {
      double gn = Math.sqrt(h2);
      if (gn > clipT) {
        s = clipT / gn;
      }
    }
    hMin = curMin;
    hMax = curMax;
    gradVar = c;
    dist = d;
    s1 = a;
    s2 = b;
    s3 = s;
    observed = true;
    // 6. advance
    k++;
    clipT = Math.sqrt(curMax);
  }

  /**
   * The momentum step of the iteration last {@link #observe observed}, with the same gradients.
   *
   * @throws IllegalStateException if no {@link #observe} precedes it
   */
  public void apply(double[][] params, double[][] grads) {
    checkApply(grads);
    checkShapes(params, "parameter");
    final double m = appliedMomentum();
    final double rate = lr * lrFactor;
    final double f1 = s1;
    final double f2 = s2;
    final double f3 = s3;
    final boolean nesterov = cfg.useNesterov();
    for (int i = 0; i < grads.length; i++) {
      double[] g = grads[i];
      double[] v = velocity[i];
      double[] p = params[i];
      for (int j = 0; j < g.length; j++) {
        double gj = g[j] * f1 * f2 * f3;
        double vj = m * v[j] + gj;
        v[j] = vj;
        p[j] = p[j] - rate * (nesterov ? gj + m * vj : vj);
      }
    }
    observed = false;
  }

  /** {@link #apply(double[][], double[][])} over parameter stores. */
  public void apply(Store[] params, double[][] grads) {
    checkApply(grads);
    if (params.length != lengths.length) {
      throw shapeError("parameter", params.length);
    }
    for (int i = 0; i < params.length; i++) {
      if (params[i].length() != lengths[i]) {
        throw shapeError("parameter", i, params[i].length());
      }
    }
    final double m = appliedMomentum();
    final double rate = lr * lrFactor;
    final double f1 = s1;
    final double f2 = s2;
    final double f3 = s3;
    final boolean nesterov = cfg.useNesterov();
    for (int i = 0; i < grads.length; i++) {
      double[] g = grads[i];
      double[] v = velocity[i];
      Store p = params[i];
      for (int j = 0; j < g.length; j++) {
        double gj = g[j] * f1 * f2 * f3;
        double vj = m * v[j] + gj;
        v[j] = vj;
        p.set(j, p.get(j) - rate * (nesterov ? gj + m * vj : vj));
      }
    }
    observed = false;
  }

  private double appliedMomentum() {
    return (closedLoop != null ? closedLoop.muG() : mu) + deltaMu;
  }

  private void checkApply(double[][] grads) {
    if (!observed) {
      throw new IllegalStateException("apply without a preceding observe");
    }
    checkShapes(grads, "gradient");
  }

  private static double sumSq(double[][] grads, double a, double b) {
    double total = 0;
    for (double[] g : grads) {
      double part = 0;
      for (double x : g) {
        double y = x * a * b;
        part += y * y;
      }
      total += part;
    }
    return total;
  }

  private void checkShapes(double[][] arrays, String what) {
    if (arrays.length != lengths.length) {
      throw shapeError(what, arrays.length);
    }
    for (int i = 0; i < arrays.length; i++) {
      if (arrays[i].length != lengths[i]) {
        throw shapeError(what, i, arrays[i].length);
      }
    }
  }

  private IllegalArgumentException shapeError(String what, int count) {
    return new IllegalArgumentException(
        count + " " + what + " arrays given, the tuner has " + lengths.length);
  }

  private IllegalArgumentException shapeError(String what, int i, int len) {
    return new IllegalArgumentException(
        what + " " + i + " has " + len + " elements, expected " + lengths[i]);
  }

  // ------------------------------------------------------------------ options and accessors

  /**
   * Applies {@code loop}'s {@code mu_G} instead of the tuned {@code mu} (OPTIMIZERS.md 7.6); null
   * restores the tuned momentum. The tuned value stays readable as the loop's target, {@link
   * #mu()}.
   */
  public YellowFin closedLoop(ClosedLoopMomentum loop) {
    this.closedLoop = loop;
    return this;
  }

  /** The attached closed-loop controller, or null. */
  public ClosedLoopMomentum closedLoop() {
    return closedLoop;
  }

  /** Sets {@code lr_factor}, the external multiplier for user decay schemes. */
  public void setLrFactor(double f) {
    if (!(f >= 0) || Double.isInfinite(f)) {
      throw new IllegalArgumentException("lr_factor=" + f + " must be finite and >= 0");
    }
    this.lrFactor = f;
  }

  /** Sets {@code delta_mu}, added to the applied momentum. */
  public void setDeltaMu(double dm) {
    if (!Double.isFinite(dm)) {
      throw new IllegalArgumentException("delta_mu=" + dm + " must be finite");
    }
    this.deltaMu = dm;
  }

  /** The configuration. */
  public YellowFinConfig config() {
    return cfg;
  }

  /** The tuned momentum {@code mu} (without {@code delta_mu}). */
  public double mu() {
    return mu;
  }

  /** The tuned learning rate {@code alpha} (without {@code lr_factor}). */
  public double lr() {
    return lr;
  }

  /** {@code h_min} of the last iteration. */
  public double hMin() {
    return hMin;
  }

  /** {@code h_max} of the last iteration. */
  public double hMax() {
    return hMax;
  }

  /** The gradient variance {@code C} of the last iteration. */
  public double gradVar() {
    return gradVar;
  }

  /** The distance to the optimum {@code D} of the last iteration. */
  public double distToOpt() {
    return dist;
  }

  /** Iterations observed so far ({@code k} of the next one). */
  public long iteration() {
    return k;
  }

  /** The exploding-gradient threshold {@code T} for the next iteration. */
  public double clipThreshold() {
    return clipT;
  }

  /** {@code lr_factor}. */
  public double lrFactor() {
    return lrFactor;
  }

  /** {@code delta_mu}. */
  public double deltaMu() {
    return deltaMu;
  }

  /** Lengths of the parameter arrays (a copy). */
  public int[] lengths() {
    return lengths.clone();
  }

  // ------------------------------------------------------------------ snapshots

  /**
   * A deep copy of everything mutable (not the closed-loop controller, which has its own). Only
   * between iterations.
   *
   * @throws IllegalStateException between {@link #observe} and {@link #apply}
   */
  public YellowFinState exportState() {
    if (observed) {
      throw new IllegalStateException("export between observe and apply");
    }
    double[] sc = {
      mu,
      lr,
      clipT,
      emaH2,
      emaHMin,
      emaHMax,
      emaGradNorm,
      emaDist,
      emaSparsity,
      hMin,
      hMax,
      gradVar,
      dist,
      deltaMu,
      lrFactor
    };
    double[][] ge = new double[gradEma.length][];
    double[][] ve = new double[velocity.length][];
    for (int i = 0; i < ge.length; i++) {
      ge[i] = gradEma[i].clone();
      ve[i] = velocity[i].clone();
    }
    return new YellowFinState(k, sc, window.clone(), ge, ve);
  }

  /**
   * Restores {@link #exportState} into this tuner (same lengths and window width), copying into the
   * existing arrays. Continuing from here is bit-identical to continuing the exported tuner.
   */
  public void importState(YellowFinState s) {
    if (s.scalars().length != SCALAR_NAMES.size()
        || s.window().length != width
        || s.gradEma().length != lengths.length
        || s.velocity().length != lengths.length) {
      throw new IllegalArgumentException("YellowFin state does not match this tuner's layout");
    }
    for (int i = 0; i < lengths.length; i++) {
      if (s.gradEma()[i].length != lengths[i] || s.velocity()[i].length != lengths[i]) {
        throw new IllegalArgumentException(
            "YellowFin state array " + i + " does not have " + lengths[i] + " elements");
      }
    }
    if (s.iteration() < 0) {
      throw new IllegalArgumentException("iteration=" + s.iteration() + " must be >= 0");
    }
    double[] sc = s.scalars();
    mu = sc[0];
    lr = sc[1];
    clipT = sc[2];
    emaH2 = sc[3];
    emaHMin = sc[4];
    emaHMax = sc[5];
    emaGradNorm = sc[6];
    emaDist = sc[7];
    emaSparsity = sc[8];
    hMin = sc[9];
    hMax = sc[10];
    gradVar = sc[11];
    dist = sc[12];
    deltaMu = sc[13];
    lrFactor = sc[14];
    k = s.iteration();
    System.arraycopy(s.window(), 0, window, 0, width);
    for (int i = 0; i < lengths.length; i++) {
      System.arraycopy(s.gradEma()[i], 0, gradEma[i], 0, lengths[i]);
      System.arraycopy(s.velocity()[i], 0, velocity[i], 0, lengths[i]);
    }
    observed = false;
    s1 = 1;
    s2 = 1;
    s3 = 1;
  }
}
