package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.bool;
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
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, arXiv:1412.6980,
 * Algorithm 1 with the efficiency reordering of its section 2), in MXNet's form (OPTIMIZERS.md
 * 4.6).
 *
 * <pre>
 *   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)      (once per step, t = this parameter's count)
 *   g'   = clip(r*g) + wd*w                   (P1; 1.x: P2, clip(r*g + wd*w))
 *   mean = beta1*mean + (1-beta1)*g'
 *   var  = beta2*var  + (1-beta2)*g'^2
 *   w   -= lr_t * mean / (sqrt(var) + eps)
 * </pre>
 *
 * <p>{@code eps} is not bias-corrected: this equals the paper's {@code lr*m^/(sqrt(v^) + eps^)}
 * with {@code eps^ = eps/sqrt(1-beta2^t)}.
 *
 * <p>State: {@code mean} and {@code var} (two arrays of the weight's length).
 *
 * <p>Sparse: a step given {@code rows} is MXNet's lazy update ({@code lazy_update=True}): only the
 * touched rows update mean, var and weight, untouched rows get no moment decay and no weight decay,
 * and {@code lr_t} still uses the parameter-wide count {@code t}. {@code lazy_update} is accepted
 * and recorded (default False in 2.x, True in 1.x); MXNet's non-lazy ("standard") sparse semantics
 * are a dense step over a gradient with zeros in the missing rows.
 */
public final class Adam extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.001),
          unitOpen("beta1", 0.9),
          unitOpen("beta2", 0.999),
          nonNegative("epsilon", 1e-8),
          bool("lazy_update", false).v1(true));

  private final double beta1;
  private final double beta2;
  private final double epsilon;

  public Adam(Hyperparams hp) {
    super(hp);
    this.beta1 = hp.real("beta1");
    this.beta2 = hp.real("beta2");
    this.epsilon = hp.real("epsilon");
  }

  @Override
  public List<String> stateNames() {
    return List.of("mean", "var");
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
    final double t = ctx.t;
    final double lrT = ctx.lr * Math.sqrt(1.0 - Math.pow(b2, t)) / (1.0 - Math.pow(b1, t));
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    final double eps = epsilon;
    final boolean v1 = this.v1;
    final Store mean = s.array(0);
    final Store var = s.array(1);
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double gp = Grad.p1or2(v1, g[k], wv, r, c, wd);
      double m = b1 * mean.get(e) + (1 - b1) * gp;
      double v = b2 * var.get(e) + (1 - b2) * gp * gp;
      mean.set(e, m);
      var.set(e, v);
      w.set(e, wv - lrT * m / (Math.sqrt(v) + eps));
    }
  }

  /** Registers {@code "adam"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("adam", SPECS, Adam::new);
    }
  }
}
