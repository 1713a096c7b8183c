package io.riffle.optim;

import java.util.List;
import java.util.function.Function;

/**
 * Service-provider interface: how an optimizer makes itself known to {@link OptimizerRegistry}.
 * Built-in optimizers and custom ones register the same way, by listing their provider class in
 * {@code META-INF/services/io.riffle.optim.OptimizerProvider}.
 */
public interface OptimizerProvider {

  /** Registry name (matched case-insensitively). */
  String name();

  /** The optimizer's own hyperparameters ({@code learning_rate} first); common ones are added. */
  List<HyperparamSpec> hyperparams();

  /** Builds an optimizer from already validated hyperparameters. */
  Optimizer create(Hyperparams hp);

  /**
   * MXNet 1.x keyword names that 2.x renamed, mapped to the 2.x name (AdaGrad's {@code eps},
   * RMSProp's {@code gamma1}/{@code gamma2}, LARS's {@code eps}). Accepted under {@code
   * version=1.x} only; 2.x rejects them, as MXNet 2.x does.
   */
  default java.util.Map<String, String> v1Aliases() {
    return java.util.Map.of();
  }

  /** Convenience base: a name, the specs and a constructor reference. */
  abstract class Base implements OptimizerProvider {
    private final String name;
    private final List<HyperparamSpec> specs;
    private final Function<Hyperparams, Optimizer> factory;

    private final java.util.Map<String, String> aliases;

    protected Base(String name, List<HyperparamSpec> specs, Function<Hyperparams, Optimizer> f) {
      this(name, specs, f, java.util.Map.of());
    }

    protected Base(
        String name,
        List<HyperparamSpec> specs,
        Function<Hyperparams, Optimizer> f,
        java.util.Map<String, String> v1Aliases) {
      this.name = name;
      this.specs = List.copyOf(specs);
      this.factory = f;
      this.aliases = java.util.Map.copyOf(v1Aliases);
    }

    @Override
    public java.util.Map<String, String> v1Aliases() {
      return aliases;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<HyperparamSpec> hyperparams() {
      return specs;
    }

    @Override
    public Optimizer create(Hyperparams hp) {
      return factory.apply(hp);
    }
  }
}
