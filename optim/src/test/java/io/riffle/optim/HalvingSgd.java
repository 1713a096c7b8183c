package io.riffle.optim;

import java.util.List;

/**
 * A custom optimizer defined only in test sources and registered through the test class path's
 * {@code META-INF/services}: proves that the registry finds optimizers it was not built with.
 * Update: {@code w -= lr * g / 2}.
 */
public final class HalvingSgd implements Optimizer {
  private final Hyperparams hp;

  HalvingSgd(Hyperparams hp) {
    this.hp = hp;
  }

  @Override
  public String name() {
    return "halving_sgd";
  }

  @Override
  public Hyperparams hyperparams() {
    return hp;
  }

  @Override
  public void step(
      StepContext c,
      Store w,
      ParamState s,
      double[] g,
      int[] rows,
      int count,
      int width,
      int from) {
    for (int k = 0; k < count; k++) {
      int e = Rows.element(rows, from, width, k);
      w.set(e, w.get(e) - c.lr * g[k] / 2);
    }
  }

  /** The service provider. */
  public static final class Provider extends OptimizerProvider.Base {
    public Provider() {
      super(
          "halving_sgd",
          List.of(HyperparamSpec.nonNegative("learning_rate", 0.5)),
          HalvingSgd::new);
    }
  }
}
