package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.unitOpen;

import io.riffle.optim.Grad;
import io.riffle.optim.HyperparamSpec;
import io.riffle.optim.Hyperparams;
import io.riffle.optim.InvalidHyperparameterException;
import io.riffle.optim.OptimizerProvider;
import io.riffle.optim.ParamState;
import io.riffle.optim.Rows;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import java.util.List;

/**
 * Signum and SignSGD (Bernstein, Wang, Azizzadenesheli and Anandkumar, "signSGD: Compressed
 * Optimisation for Non-Convex Problems", ICML 2018), in MXNet's form (OPTIMIZERS.md 4.9). {@code
 * wd_lh} is decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization",
 * ICLR 2019). {@code momentum = 0} selects SignSGD.
 *
 * <pre>
 *   Signum (momentum != 0):
 *     g' = clip(r*g) + wd*w                          (P1)
 *     mom = mu*mom - (1-mu)*g'                       (mom holds the negative moving average)
 *     w = (1 - lr*wd_lh)*w + lr*sgn(mom)
 *   SignSGD (momentum = 0), sign of the raw gradient (r and clip cannot change it):
 *     2.x:  w = (1 - lr*(wd + wd_lh))*w - lr*sgn(g)
 *     1.x:  w = (1 - lr*wd)*w - lr*sgn(g)            (wd_lh != 0 is rejected, as MXNet 1.x does)
 * </pre>
 *
 * <p>State: {@code mom} when {@code momentum != 0} (one array of the weight's length), else none.
 * {@code sgn(0) = 0}.
 *
 * <p>Sparse: MXNet has no sparse kernel for either variant (a row-sparse gradient is densified).
 * Riffle's lazy step, the dense rule on the touched rows with untouched rows' weight and momentum
 * frozen (no decoupled decay either), is a Riffle extension.
 *
 * <p>MXNet 1.x passes Signum's default learning rate to the base class, so under 1.x it overwrites
 * an attached scheduler's base rate ({@link #v1PassesDefaultLr()}).
 */
public final class Signum extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.01), unitOpen("momentum", 0.9), nonNegative("wd_lh", 0.0));

  private final double momentum;
  private final double wdLh;

  public Signum(Hyperparams hp) {
    super(hp);
    this.momentum = hp.real("momentum");
    this.wdLh = hp.real("wd_lh");
    if (v1 && momentum == 0 && wdLh != 0) {
      throw new InvalidHyperparameterException(
          hp.optimizer()
              + ": wd_lh="
              + wdLh
              + " is not allowed with momentum=0 under version=1.x"
              + " (MXNet 1.x signsgd_update has no wd_lh); expected wd_lh=0");
    }
  }

  @Override
  public List<String> stateNames() {
    return momentum != 0 ? List.of("mom") : List.of();
  }

  @Override
  public boolean v1PassesDefaultLr() {
    return true;
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
    final double lr = ctx.lr;
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    if (momentum != 0) {
      final Store mom = s.array(0);
      final double mu = momentum;
      final double decay = 1.0 - lr * wdLh;
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double m = mu * mom.get(e) - (1 - mu) * Grad.p1(g[k], wv, r, c, wd);
        mom.set(e, m);
        w.set(e, decay * wv + lr * Grad.sign(m));
      }
    } else {
      final double decay = v1 ? 1.0 - lr * wd : 1.0 - lr * (wd + wdLh);
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        w.set(e, decay * w.get(e) - lr * Grad.sign(g[k]));
      }
    }
  }

  /** Registers {@code "signum"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("signum", SPECS, Signum::new);
    }
  }
}
