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
 * Stochastic gradient descent with optional momentum (OPTIMIZERS.md 4.1; Robbins and Monro 1951,
 * heavy-ball momentum of Polyak 1964 in MXNet's form).
 *
 * <pre>
 *   g' = clip(r*g) + wd*w                      (P1)
 *   momentum:    mom = mu*mom - lr*g';  w += mom
 *   no momentum: w -= lr*g'
 * </pre>
 *
 * <p>State: {@code mom} when {@code momentum != 0} (one array of the weight's length), else none.
 * The sparse step is MXNet's lazy update: untouched rows get neither momentum decay nor weight
 * decay. {@code lazy_update} is accepted and recorded; the non-lazy ("standard") sparse semantics
 * are a dense step over a gradient with zeros in the missing rows.
 */
public final class Sgd extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(
          nonNegative("learning_rate", 0.1).v1(0.01),
          unitOpen("momentum", 0.0),
          bool("lazy_update", false).v1(true));

  private final double momentum;

  public Sgd(Hyperparams hp) {
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
        double m = mu * mom.get(e) - lr * Grad.p1(g[k], wv, r, c, wd);
        mom.set(e, m);
        w.set(e, wv + m);
      }
    } else {
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        w.set(e, wv - lr * Grad.p1(g[k], wv, r, c, wd));
      }
    }
  }

  /** Registers {@code "sgd"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("sgd", SPECS, Sgd::new);
    }
  }
}
