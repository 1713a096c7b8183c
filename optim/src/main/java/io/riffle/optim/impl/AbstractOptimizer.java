package io.riffle.optim.impl;

import io.riffle.optim.Hyperparams;
import io.riffle.optim.Optimizer;

/**
 * Common fields of the built-in optimizers: the hyperparameters and the preprocessing scalars every
 * kernel reads ({@code rescale_grad}, {@code clip_gradient}, the MXNet version), copied into final
 * fields so the hot loop reads no maps.
 */
abstract class AbstractOptimizer implements Optimizer {
  protected final Hyperparams hp;

  /** {@code rescale_grad}. */
  protected final double r;

  /** {@code clip_gradient}, or -1 when off. */
  protected final double c;

  /** True under MXNet 1.x semantics. */
  protected final boolean v1;

  AbstractOptimizer(Hyperparams hp) {
    this.hp = hp;
    this.r = hp.rescaleGrad();
    this.c = hp.clipGradient();
    this.v1 = hp.version() == io.riffle.optim.MxVersion.V1;
  }

  @Override
  public String name() {
    return hp.optimizer();
  }

  @Override
  public Hyperparams hyperparams() {
    return hp;
  }

  @Override
  public String toString() {
    return name() + hp.values();
  }
}
