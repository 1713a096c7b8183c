package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.choice;
import static io.riffle.optim.HyperparamSpec.integer;
import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.unitOpen;

import io.riffle.optim.Grad;
import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.Hyperparams;
import io.riffle.optim.OptimizerProvider;
import io.riffle.optim.ParamState;
import io.riffle.optim.Rows;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import java.util.List;

/**
 * Large-batch SGD with warm-up, MXNet 1.x's {@code LBSGD} (OPTIMIZERS.md 4.11): gradients of {@code
 * batch_scale} consecutive updates are summed and applied as one SGD step whose learning rate is
 * multiplied by a warm-up factor (gradual warm-up of Goyal et al., "Accurate, Large Minibatch SGD:
 * Training ImageNet in 1 Hour", arXiv:1706.02677, 2017) or, with {@code warmup_strategy=lars}, by a
 * LARS-style trust ratio (You, Gitman and Ginsburg, "Large Batch Training of Convolutional
 * Networks", arXiv:1708.03888, 2017). MXNet 2.x dropped the class; Riffle runs the same rule under
 * either version.
 *
 * <pre>
 *   k = begin_epoch*updates_per_epoch + (number of updates of this parameter so far, this one
 *       included)                                  (MXNet's num_cums; never resets)
 *   S += g                                         (raw gradient)
 *   if k mod batch_scale != 0: stop (weight and momentum unchanged)
 *   gbar = S / batch_scale
 *   m = clamp(sqrt(|w|^2 / (|gbar|^2 + wd*|w|^2 + 1e-18)), 0.01, 100)   (lars: no eta, no rescale)
 *   m = batch_scale                            if k >= N = warmup_epochs*updates_per_epoch
 *     = 1                                      elif N <= 1
 *     = 1 + (batch_scale-1)*k/N                linear
 *     = 1 + (batch_scale-1)*k^2/N^2            power2
 *     = 1 + (batch_scale-1)*sqrt(k/N)          sqrt
 *   g' = clip(r*gbar) + wd*w                       (P1)
 *   momentum:    mom = mu*mom - (lr*m)*g';  w += mom
 *   no momentum: w -= (lr*m)*g'
 *   S = 0
 * </pre>
 *
 * <p>The learning rate is read before the update is counted ({@link #readsLrBeforeCount()}), so a
 * scheduler sees the previous {@code num_update}, as in MXNet. With {@code batch_scale = 1} and a
 * strategy other than {@code lars} LBSGD is SGD. {@code num_epochs} is accepted and unused, as in
 * MXNet. MXNet maps an unknown strategy to {@code m = 1}; Riffle rejects it at construction.
 *
 * <p>State: {@code cum_grad} ({@code S}) and, when {@code momentum != 0}, {@code mom}: one or two
 * arrays of the weight's length; plus the per-parameter scalar {@code num_cums} ({@code k}). Riffle
 * derives {@code k} from the update count {@link StepContext#t} (and {@code begin_num_update}) and
 * records it in the scalar, so every shard of a parameter, and every call of one update, agrees on
 * whether an update applies; MXNet increments it once per update, which gives the same number.
 *
 * <p>Sparse (a Riffle extension; MXNet's LBSGD densifies): accumulation is per element. Each call
 * adds the given gradient to the touched elements' {@code S}. At an applying update ({@code k mod
 * batch_scale = 0}) only the touched elements take a step, with {@code gbar = S/batch_scale}, and
 * only their {@code S} is cleared; an untouched element keeps its weight, momentum and partial sum,
 * which is applied (still divided by {@code batch_scale}) at the next applying update that touches
 * it. Dense calls are exactly MXNet's rule.
 *
 * <p>The {@code lars} strategy is not row-local ({@link #rowLocal()} false): {@code |w|^2} is
 * {@link StepContext#weightNormSq} and {@code |gbar|^2} is {@link StepContext#gradNormSq} when the
 * caller sets them (for LBSGD the latter must be the squared norm of the averaged accumulated raw
 * gradient {@code S/batch_scale} over the whole parameter at this update, which is the raw
 * gradient's squared norm when {@code batch_scale = 1}); otherwise both are computed over the
 * elements of the call. No allocation.
 */
public final class Lbsgd extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.01),
          unitOpen("momentum", 0.0),
          choice("warmup_strategy", "linear", "linear", "power2", "sqrt", "lars"),
          integer("warmup_epochs", 5, 0, Integer.MAX_VALUE),
          integer("batch_scale", 1, 1, Integer.MAX_VALUE),
          integer("updates_per_epoch", 32, 1, Integer.MAX_VALUE),
          integer("begin_epoch", 0, 0, Integer.MAX_VALUE),
          integer("num_epochs", 60, 0, Integer.MAX_VALUE));

  private static final int LINEAR = 0;
  private static final int POWER2 = 1;
  private static final int SQRT = 2;
  private static final int LARS = 3;

  private final double momentum;
  private final int strategy;
  private final long batchScale;
  private final long warmupUpdates;
  private final long initUpdates;
  private final long beginNumUpdate;

  public Lbsgd(Hyperparams hp) {
    super(hp);
    this.momentum = hp.real("momentum");
    this.strategy =
        switch (hp.string("warmup_strategy")) {
          case "power2" -> POWER2;
          case "sqrt" -> SQRT;
          case "lars" -> LARS;
          default -> LINEAR;
        };
    this.batchScale = hp.integer("batch_scale");
    this.warmupUpdates = hp.integer("warmup_epochs") * hp.integer("updates_per_epoch");
    this.initUpdates = hp.integer("begin_epoch") * hp.integer("updates_per_epoch");
    this.beginNumUpdate = hp.integer("begin_num_update");
  }

  @Override
  public List<String> stateNames() {
    return momentum != 0 ? List.of("cum_grad", "mom") : List.of("cum_grad");
  }

  @Override
  public List<String> scalarNames() {
    return List.of("num_cums");
  }

  @Override
  public boolean rowLocal() {
    return strategy != LARS;
  }

  @Override
  public boolean readsLrBeforeCount() {
    return true;
  }

  /** The warm-up multiplier of a non-{@code lars} strategy at accumulation count {@code k}. */
  double warmupMultiplier(long k) {
    double maxMult = batchScale;
    long n = warmupUpdates;
    if (k >= n) {
      return maxMult;
    }
    if (n <= 1) {
      return 1.0;
    }
    double kd = k;
    double nd = n;
    return switch (strategy) {
      case LINEAR -> 1.0 + (maxMult - 1.0) * kd / nd;
      case POWER2 -> 1.0 + (maxMult - 1.0) * (kd * kd) / (nd * nd);
      case SQRT -> 1.0 + (maxMult - 1.0) * Math.sqrt(kd / nd);
      default -> 1.0;
    };
  }

  @Override
  public void step(
      StepContext ctx,
      Store w,
      ParamState s,
      double[] g,
      int[] rows,
      int count,
      int width,
      int from) {
    final long k = initUpdates + (ctx.t - beginNumUpdate);
    s.scalars()[0] = k;
    final Store cum = s.array(0);
    if (k % batchScale != 0) {
      for (int i = 0; i < count; i++) {
        int e = Rows.element(rows, from, width, i);
        cum.set(e, cum.get(e) + g[i]);
      }
      return;
    }
    final double bs = batchScale;
    double mult;
    if (strategy == LARS) {
      double w2 = ctx.weightNormSq;
      double g2 = ctx.gradNormSq;
      if (Double.isNaN(w2) || Double.isNaN(g2)) {
        double ws = 0;
        double gs = 0;
        for (int i = 0; i < count; i++) {
          int e = Rows.element(rows, from, width, i);
          double wv = w.get(e);
          double gbar = (cum.get(e) + g[i]) / bs;
          ws += wv * wv;
          gs += gbar * gbar;
        }
        w2 = Double.isNaN(w2) ? ws : w2;
        g2 = Double.isNaN(g2) ? gs : g2;
      }
      mult = Math.sqrt(w2 / (g2 + ctx.wd * w2 + 1e-18));
      mult = Math.min(Math.max(mult, 0.01), 100.0);
    } else {
      mult = warmupMultiplier(k);
    }
    final double lr = ctx.lr * mult;
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    if (momentum != 0) {
      final Store mom = s.array(1);
      final double mu = momentum;
      for (int i = 0; i < count; i++) {
        int e = Rows.element(rows, from, width, i);
        double wv = w.get(e);
        double gbar = (cum.get(e) + g[i]) / bs;
        double m = mu * mom.get(e) - lr * Grad.p1(gbar, wv, r, c, wd);
        mom.set(e, m);
        w.set(e, wv + m);
        cum.set(e, 0.0);
      }
    } else {
      for (int i = 0; i < count; i++) {
        int e = Rows.element(rows, from, width, i);
        double wv = w.get(e);
        double gbar = (cum.get(e) + g[i]) / bs;
        w.set(e, wv - lr * Grad.p1(gbar, wv, r, c, wd));
        cum.set(e, 0.0);
      }
    }
  }

  /** Registers {@code "lbsgd"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("lbsgd", SPECS, Lbsgd::new);
    }
  }
}
