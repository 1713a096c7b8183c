package io.riffle.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerRegistryTest {

  @Test
  void customOptimizerFromTestSourcesIsFoundByName() {
    Optimizer o = OptimizerRegistry.create("Halving_SGD", Map.of("learning_rate", 0.2));
    assertThat(o).isInstanceOf(HalvingSgd.class);
    Store w = Store.of(new double[] {1.0});
    Updater up = new Updater(o);
    up.update(0, w, up.createState(w), new double[] {1.0});
    assertThat(w.get(0)).isEqualTo(0.9);
  }

  @Test
  void namesAreCaseInsensitive() {
    assertThat(OptimizerRegistry.create("FTRL").name()).isEqualTo("ftrl");
    assertThat(OptimizerRegistry.create("Sgd").name()).isEqualTo("sgd");
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> OptimizerRegistry.create("adamw"))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("adamw")
        .hasMessageContaining("ftrl");
  }

  @Test
  void unknownHyperparameterIsRejectedWithTheKnownOnes() {
    assertThatThrownBy(() -> OptimizerRegistry.create("sgd", Map.of("momentm", 0.9)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("momentm")
        .hasMessageContaining("momentum");
  }

  @Test
  void negativeLearningRateNamesParameterValueAndRange() {
    assertThatThrownBy(() -> OptimizerRegistry.create("sgd", Map.of("learning_rate", -0.1)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("learning_rate=-0.1")
        .hasMessageContaining("[0, inf)");
  }

  @Test
  void momentumOfOneOrMoreIsRejected() {
    assertThatThrownBy(() -> OptimizerRegistry.create("sgd", Map.of("momentum", 1.0)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("momentum=1.0")
        .hasMessageContaining("[0, 1)");
  }

  @Test
  void nonFiniteValuesAreRejected() {
    for (Object bad : new Object[] {Double.NaN, Double.POSITIVE_INFINITY, "nan", "inf"}) {
      assertThatThrownBy(() -> OptimizerRegistry.create("ftrl", Map.of("lamda1", bad)))
          .isInstanceOf(InvalidHyperparameterException.class)
          .hasMessageContaining("lamda1");
    }
  }

  @Test
  void wrongTypeIsRejected() {
    assertThatThrownBy(() -> OptimizerRegistry.create("sgd", Map.of("lazy_update", "maybe")))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("lazy_update")
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> OptimizerRegistry.create("sgd", Map.of("version", "3.x")))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("version");
  }

  @Test
  void stringValuesFromCommandLineOrJsonAreParsed() {
    Optimizer o =
        OptimizerRegistry.create(
            "sgd", Map.of("momentum", "0.5", "lazy_update", "True", "clip_gradient", "None"));
    assertThat(o.hyperparams().real("momentum")).isEqualTo(0.5);
    assertThat(o.hyperparams().bool("lazy_update")).isTrue();
    assertThat(o.hyperparams().isNone("clip_gradient")).isTrue();
  }

  @Test
  void versionSelectsOneXDefaults() {
    Optimizer v1 = OptimizerRegistry.create("sgd", Map.of("version", "1.x"));
    assertThat(v1.hyperparams().learningRate()).isEqualTo(0.01);
    assertThat(v1.hyperparams().bool("lazy_update")).isTrue();
    assertThat(OptimizerRegistry.create("sgd").hyperparams().learningRate()).isEqualTo(0.1);
  }

  @Test
  void oneXKeywordNamesAreAcceptedUnderOneXOnly() {
    Optimizer rms =
        OptimizerRegistry.create("rmsprop", Map.of("version", "1.x", "gamma1", 0.8, "gamma2", 0.5));
    assertThat(rms.hyperparams().real("rho")).isEqualTo(0.8);
    assertThat(rms.hyperparams().real("momentum")).isEqualTo(0.5);
    assertThat(
            OptimizerRegistry.create("adagrad", Map.of("version", "1.x", "eps", 1e-3))
                .hyperparams()
                .real("epsilon"))
        .isEqualTo(1e-3);
    assertThatThrownBy(() -> OptimizerRegistry.create("adagrad", Map.of("eps", 1e-3)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("'eps' is MXNet 1.x's name; use 'epsilon'");
  }
}
