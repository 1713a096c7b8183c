package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.nonNegative;
import static io.riffle.optim.HyperparamSpec.positive;
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
 * Follow the Moving Leader (Zheng and Kwok, "Follow the Moving Leader in Deep Learning", ICML
 * 2017), in MXNet's form (OPTIMIZERS.md 4.14; kernel {@code FTMLKernel}). {@code t} is this
 * parameter's update count.
 *
 * <pre>
 *   g' = clip(r*g) + wd*w      (2.x, P1)      g' = clip(r*g + wd*w)   (1.x, P2)
 *   v   = beta2*v + (1-beta2)*g'^2
 *   d_t = ((1 - beta1^t)/lr) * (sqrt(v/(1 - beta2^t)) + epsilon)
 *   z   = beta1*z + (1-beta1)*g' - (d_t - beta1*d)*w
 *   d   = d_t
 *   w   = -z/d_t
 * </pre>
 *
 * <p>With {@code beta1 = 0} this is {@code w -= lr*g'/(sqrt(v_hat) + epsilon)}. A changing learning
 * rate enters {@code d_t} at its current value.
 *
 * <p>State: {@code d}, {@code v} and {@code z}, three arrays of the weight's length, all starting
 * at 0.
 *
 * <p>Sparse: MXNet has no sparse FTML kernel (a row-sparse gradient is densified). Riffle's lazy
 * step, the dense rule on the touched rows with untouched rows' weight, {@code d}, {@code v} and
 * {@code z} frozen, is a Riffle extension; the bias corrections still use the parameter-wide {@code
 * t}.
 */
public final class Ftml extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          positive("learning_rate", 0.0025).v1(0.01),
          unitOpen("beta1", 0.6),
          unitOpen("beta2", 0.999),
          nonNegative("epsilon", 1e-8));

  private final double beta1;
  private final double beta2;
  private final double epsilon;

  public Ftml(Hyperparams hp) {
    super(hp);
    this.beta1 = hp.real("beta1");
    this.beta2 = hp.real("beta2");
    this.epsilon = hp.real("epsilon");
  }

  @Override
  public List<String> stateNames() {
    return List.of("d", "v", "z");
  }

  /** Precomputes {@code (1 - beta1^t)/lr} and {@code 1 - beta2^t} into {@code aux[0..1]}. */
  @Override
  public void beginStep(StepContext c, double[] globals) {
    c.aux[0] = (1.0 - Math.pow(beta1, c.t)) / c.lr;
    c.aux[1] = 1.0 - Math.pow(beta2, c.t);
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
    final double wd = ctx.wd;
    final double r = this.r;
    final double c = this.c;
    final double b1 = beta1;
    final double b2 = beta2;
    final double eps = epsilon;
    final double dScale = ctx.aux[0];
    final double bc2 = ctx.aux[1];
    final Store d = s.array(0);
    final Store v = s.array(1);
    final Store z = s.array(2);
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double gp = Grad.p1or2(v1, g[k], wv, r, c, wd);
      double vv = b2 * v.get(e) + (1 - b2) * gp * gp;
      v.set(e, vv);
      double dt = dScale * (Math.sqrt(vv / bc2) + eps);
      double zv = b1 * z.get(e) + (1 - b1) * gp - (dt - b1 * d.get(e)) * wv;
      z.set(e, zv);
      d.set(e, dt);
      w.set(e, -zv / dt);
    }
  }

  /** Registers {@code "ftml"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("ftml", SPECS, Ftml::new);
    }
  }
}
