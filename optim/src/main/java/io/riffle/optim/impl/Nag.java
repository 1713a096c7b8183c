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
 * Nesterov accelerated gradient (Nesterov 1983, "A method for solving the convex programming
 * problem with convergence rate O(1/k^2)"), in the momentum form of Sutskever, Martens, Dahl and
 * Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013, rewritten
 * at the look-ahead point as MXNet does (OPTIMIZERS.md 4.2).
 *
 * <pre>
 *   g' = clip(r*g) + wd*w                      (P1, both versions)
 *   momentum:    mom = mu*mom - lr*g';  w = w + mu*mom - lr*g'   (the updated mom)
 *   no momentum: w -= lr*g'                    (plain SGD)
 * </pre>
 *
 * <p>State: {@code mom} when {@code momentum != 0} (one array of the weight's length), else none.
 *
 * <p>1.x: defaults {@code learning_rate=0.01}, {@code momentum=0}. The 1.x kernel is written as
 * {@code w - mu*m_old + (1+mu)(mu*m_old - lr*g')}, which is algebraically the same update.
 *
 * <p>Sparse: MXNet has no sparse NAG kernel (a row-sparse gradient is densified). The lazy step
 * here - the dense rule on the touched rows, untouched rows keep weight and momentum, no momentum
 * decay and no weight decay for them - is a Riffle extension.
 */
public final class Nag extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(nonNegative("learning_rate", 0.1).v1(0.01), unitOpen("momentum", 0.9).v1(0.0));

  private final double momentum;

  public Nag(Hyperparams hp) {
    super(hp);
    this.momentum = hp.real("momentum");
  }

  @Override
  public List<String> stateNames() {
    return momentum != 0 ? List.of("mom") : List.of();
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
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double gp = Grad.p1(g[k], wv, r, c, wd);
        double m = mu * mom.get(e) - lr * gp;
        mom.set(e, m);
        w.set(e, wv + mu * m - lr * gp);
      }
    } else {
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        w.set(e, wv - lr * Grad.p1(g[k], wv, r, c, wd));
      }
    }
  }

  /** Registers {@code "nag"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("nag", SPECS, Nag::new);
    }
  }
}
