package io.riffle.optim.impl;

import static io.riffle.optim.HyperparamSpec.nonNegative;

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
 * AdaGrad (Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, 2011), in MXNet's form (OPTIMIZERS.md 4.3).
 *
 * <pre>
 *   dense, 2.x:  g' = clip(r*g) + wd*w                       (P1)
 *                h += g'^2;  w -= lr * g' / (sqrt(h) + eps)  (eps outside the root)
 *   dense, 1.x:  g' = clip(r*g)                              (P3: no decay in the history)
 *                h += g'^2;  w -= lr * (g' / sqrt(h + eps) + wd*w)   (eps inside the root)
 *   sparse (both versions, MXNet's AdagradDnsRspDnsKernel):
 *                g' = clip(r*g);  h += g'^2;  w -= lr * g' / (sqrt(h) + eps)
 * </pre>
 *
 * <p>State: {@code history} (one array of the weight's length).
 *
 * <p>Sparse: a step given {@code rows} is MXNet's lazy row-sparse update, which uses the sparse
 * kernel's rule above in both versions; untouched rows keep weight and history. So under 1.x the
 * dense and sparse paths differ in where {@code eps} sits, as they do in MXNet. MXNet rejects a
 * sparse update with {@code wd != 0}; Riffle instead adds the decay to the gradient as in P1
 * ({@code g' = clip(r*g) + wd*w}, eps outside the root) - a Riffle extension. With {@code wd = 0}
 * the 2.x dense rule and the sparse rule coincide.
 *
 * <p>1.x: default {@code epsilon=1e-7} (MXNet 1.x names it {@code eps}). The learning rate is not
 * handed to the base class in 1.x, so an attached scheduler keeps its own base rate.
 */
public final class AdaGrad extends AbstractOptimizer {
  static final List<HyperparamSpec> SPECS =
      List.of(nonNegative("learning_rate", 0.01), nonNegative("epsilon", 1e-6).v1(1e-7));

  private final double epsilon;

  public AdaGrad(Hyperparams hp) {
    super(hp);
    this.epsilon = hp.real("epsilon");
  }

  @Override
  public List<String> stateNames() {
    return List.of("history");
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
    final double eps = epsilon;
    final Store h = s.array(0);
    if (v1 && rows == null) {
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double gc = Grad.p3(g[k], r, c);
        double hv = h.get(e) + gc * gc;
        h.set(e, hv);
        w.set(e, wv - lr * (gc / Math.sqrt(hv + eps) + wd * wv));
      }
    } else {
      // 2.x dense rule; also the sparse kernel's rule (identical when wd = 0, Riffle's P1
      // extension when wd != 0), in both versions
      for (int k = 0; k < count; k++) {
        int e = Rows.element(rows, from, width, k);
        double wv = w.get(e);
        double gp = Grad.p1(g[k], wv, r, c, wd);
        double hv = h.get(e) + gp * gp;
        h.set(e, hv);
        w.set(e, wv - lr * gp / (Math.sqrt(hv) + eps));
      }
    }
  }

  /** Registers {@code "adagrad"}. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super("adagrad", SPECS, AdaGrad::new, java.util.Map.of("eps", "epsilon"));
    }
  }
}
