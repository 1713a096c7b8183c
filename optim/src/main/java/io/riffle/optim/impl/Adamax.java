package io.riffle.optim.impl;

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
 * AdaMax, the infinity-norm variant of Adam (Kingma and Ba, "Adam: A Method for Stochastic
 * Optimization", ICLR 2015, arXiv:1412.6980, section 7.1, Algorithm 2), in MXNet's form
 * (OPTIMIZERS.md 4.7).
 *
 * <pre>
 *   lr_t = lr / (1 - beta1^t)                  (once per step, t = this parameter's count)
 *   g'   = clip(r*g) + wd*w                   (P1; 1.x: P2, clip(r*g + wd*w))
 *   mean = beta1*mean + (1-beta1)*g'
 *   u    = max(beta2*u, |g'|)
 *   w   -= lr_t * mean / (u + eps)            (1.x: lr_t * mean / u, no epsilon)
 * </pre>
 *
 * <p>State: {@code mean} and {@code u} (two arrays of the weight's length).
 *
 * <p>1.x has no {@code epsilon}: it is accepted and ignored, and an element whose gradients have
 * all been 0 gets 0/0 = NaN, as in MXNet 1.x.
 *
 * <p>Sparse: MXNet's Adamax is pure Python without a sparse path (a row-sparse gradient is
 * densified). The lazy step here - the dense rule on the touched rows, untouched rows keep weight,
 * mean and u, with {@code lr_t} from the parameter-wide count - is a Riffle extension.
 */
public final class Adamax extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.002),
          unitOpen("beta1", 0.9),
          unitOpen("beta2", 0.999),
          nonNegative("epsilon", 1e-8));

  private final double beta1;
  private final double beta2;
  private final double epsilon;

  public Adamax(Hyperparams hp) {
    super(hp);
    this.beta1 = hp.real("beta1");
    this.beta2 = hp.real("beta2");
    this.epsilon = hp.real("epsilon");
  }

  @Override
  public List<String> stateNames() {
    return List.of("mean", "u");
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
    final double b1 = beta1;
    final double b2 = beta2;
    final double lrT = ctx.lr / (1.0 - Math.pow(b1, (double) ctx.t));
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    final double eps = epsilon;
    final boolean v1 = this.v1;
    final Store mean = s.array(0);
    final Store u = s.array(1);
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double gp = Grad.p1or2(v1, g[k], wv, r, c, wd);
      double m = b1 * mean.get(e) + (1 - b1) * gp;
      double uv = Math.max(b2 * u.get(e), Math.abs(gp));
      mean.set(e, m);
      u.set(e, uv);
      w.set(e, v1 ? wv - lrT * m / uv : wv - lrT * m / (uv + eps));
    }
  }

  /** Registers {@code "adamax"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("adamax", SPECS, Adamax::new);
    }
  }
}
