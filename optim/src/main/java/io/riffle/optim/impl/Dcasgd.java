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
 * Delay-compensated asynchronous SGD (Zheng, Meng, Wang, Chen, Yu, Ma and Liu, "Asynchronous
 * Stochastic Gradient Descent with Delay Compensation", ICML 2017), in MXNet's form (OPTIMIZERS.md
 * 4.12). {@code lamda} is the compensation strength; {@code w - prev_weight} is the drift since
 * this parameter's previous update.
 *
 * <pre>
 *   2.x:  g' = clip(r*g) + wd*w                           (P1)
 *         d  = g' + lamda*g'^2*(w - prev_weight)
 *   1.x:  g' = clip(r*g)                                  (P3; decay added outside, not squared)
 *         d  = g' + wd*w + lamda*g'^2*(w - prev_weight)
 *   momentum:    mom = mu*mom - lr*d;  delta = mom
 *   no momentum: delta = -lr*d
 *   prev_weight = w   (the value before this update)
 *   w += delta
 * </pre>
 *
 * <p>State: {@code mom} when {@code momentum != 0}, and {@code prev_weight}, which {@link
 * #initState} sets to a copy of the weights when the state is created: one or two arrays of the
 * weight's length. With {@code lamda = 0} DCASGD is SGD.
 *
 * <p>Sparse: MXNet's DCASGD is Python-only and densifies a row-sparse gradient. Riffle's lazy step,
 * the dense rule on the touched rows with untouched rows' weight, {@code mom} and {@code
 * prev_weight} frozen (so {@code prev_weight} is kept per row and the drift of a row spans the time
 * since that row was last touched), is a Riffle extension.
 */
public final class Dcasgd extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.1).v1(0.01),
          unitOpen("momentum", 0.0),
          nonNegative("lamda", 0.04));

  private final double momentum;
  private final double lamda;

  public Dcasgd(Hyperparams hp) {
    super(hp);
    this.momentum = hp.real("momentum");
    this.lamda = hp.real("lamda");
  }

  @Override
  public List<String> stateNames() {
    return momentum != 0 ? List.of("mom", "prev_weight") : List.of("prev_weight");
  }

  @Override
  public void initState(Store weights, ParamState state) {
    state.array(momentum != 0 ? 1 : 0).copyFrom(weights);
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
    final double lam = lamda;
    final boolean hasMom = momentum != 0;
    final Store mom = hasMom ? s.array(0) : null;
    final Store prev = s.array(hasMom ? 1 : 0);
    final double mu = momentum;
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      double wv = w.get(e);
      double d;
      if (v1) {
        double gc = Grad.p3(g[k], r, c);
        d = gc + wd * wv + lam * gc * gc * (wv - prev.get(e));
      } else {
        double gp = Grad.p1(g[k], wv, r, c, wd);
        d = gp + lam * gp * gp * (wv - prev.get(e));
      }
      double delta;
      if (hasMom) {
        delta = mu * mom.get(e) - lr * d;
        mom.set(e, delta);
      } else {
        delta = -lr * d;
      }
      prev.set(e, wv);
      w.set(e, wv + delta);
    }
  }

  /** Registers {@code "dcasgd"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("dcasgd", SPECS, Dcasgd::new);
    }
  }
}
