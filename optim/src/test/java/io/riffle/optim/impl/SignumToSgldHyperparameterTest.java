package io.riffle.optim.impl;

import static io.riffle.optim.impl.Fixtures.hp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riffle.optim.InvalidHyperparameterException;
import io.riffle.optim.Optimizer;
import io.riffle.optim.OptimizerRegistry;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SignumToSgldHyperparameterTest {

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("signum", "learning_rate", hp("learning_rate=-0.1")),
        Arguments.of("signum", "momentum", hp("momentum=1.0")),
        Arguments.of("signum", "wd_lh", hp("wd_lh=-1.0")),
        Arguments.of("signum", "wd_lh", hp("version=1.x momentum=0.0 wd_lh=0.1")),
        Arguments.of("lars", "learning_rate", hp("learning_rate=-1.0")),
        Arguments.of("lars", "momentum", hp("momentum=-0.5")),
        Arguments.of("lars", "eta", hp("eta=-0.001")),
        Arguments.of("lars", "epsilon", hp("epsilon=-1e-8")),
        Arguments.of("lars", "momentum_correction", hp("momentum_correction=maybe")),
        Arguments.of("lbsgd", "batch_scale", hp("batch_scale=0")),
        Arguments.of("lbsgd", "batch_scale", hp("batch_scale=1.5")),
        Arguments.of("lbsgd", "warmup_strategy", hp("warmup_strategy=cubic")),
        Arguments.of("lbsgd", "updates_per_epoch", hp("updates_per_epoch=0")),
        Arguments.of("lbsgd", "begin_epoch", hp("begin_epoch=-1")),
        Arguments.of("lbsgd", "warmup_epochs", hp("warmup_epochs=-2")),
        Arguments.of("lbsgd", "momentum", hp("momentum=1.2")),
        Arguments.of("dcasgd", "lamda", hp("lamda=-0.04")),
        Arguments.of("dcasgd", "momentum", hp("momentum=1.0")),
        Arguments.of("dcasgd", "learning_rate", hp("learning_rate=fast")),
        Arguments.of("ftml", "learning_rate", hp("learning_rate=0.0")),
        Arguments.of("ftml", "beta1", hp("beta1=1.0")),
        Arguments.of("ftml", "beta2", hp("beta2=-0.1")),
        Arguments.of("ftml", "epsilon", hp("epsilon=-1.0")),
        Arguments.of("sgld", "temperature", hp("temperature=-1.0")),
        Arguments.of("sgld", "learning_rate", hp("learning_rate", Double.NaN)),
        Arguments.of("sgld", "sigma", hp("sigma=1.0")));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("bad")
  void badValuesAreRejectedNamingTheParameter(String opt, String param, Map<String, ?> hp) {
    assertThatThrownBy(() -> OptimizerRegistry.create(opt, hp))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining(param)
        .hasMessageStartingWith(opt);
  }

  @Test
  void defaultsFollowTheVersion() {
    assertThat(real("signum", "2.x", "learning_rate")).isEqualTo(0.01);
    assertThat(real("signum", "1.x", "learning_rate")).isEqualTo(0.01);
    assertThat(real("signum", "2.x", "momentum")).isEqualTo(0.9);
    assertThat(real("lars", "2.x", "learning_rate")).isEqualTo(0.1);
    assertThat(real("lars", "1.x", "learning_rate")).isEqualTo(0.01);
    assertThat(real("lars", "2.x", "epsilon")).isEqualTo(1e-8);
    assertThat(real("lars", "1.x", "epsilon")).isEqualTo(0.0);
    assertThat(real("dcasgd", "2.x", "learning_rate")).isEqualTo(0.1);
    assertThat(real("dcasgd", "1.x", "learning_rate")).isEqualTo(0.01);
    assertThat(real("ftml", "2.x", "learning_rate")).isEqualTo(0.0025);
    assertThat(real("ftml", "1.x", "learning_rate")).isEqualTo(0.01);
    assertThat(real("sgld", "2.x", "learning_rate")).isEqualTo(0.1);
    assertThat(real("sgld", "1.x", "learning_rate")).isEqualTo(0.01);
    assertThat(real("sgld", "2.x", "temperature")).isEqualTo(1.0);
    assertThat(real("lbsgd", "1.x", "learning_rate")).isEqualTo(0.01);
    Optimizer lars1 = OptimizerRegistry.create("lars", Map.of("version", "1.x"));
    assertThat(lars1.hyperparams().bool("momentum_correction")).isTrue();
    assertThat(lars1.hyperparams().bool("lazy_update")).isTrue();
    Optimizer lbsgd = OptimizerRegistry.create("LBSGD", Map.of());
    assertThat(lbsgd.hyperparams().integer("warmup_epochs")).isEqualTo(5);
    assertThat(lbsgd.hyperparams().integer("updates_per_epoch")).isEqualTo(32);
    assertThat(lbsgd.hyperparams().string("warmup_strategy")).isEqualTo("linear");
    // 1.x signsgd without wd_lh, and 1.x signum with wd_lh, are fine
    OptimizerRegistry.create("signum", Map.of("version", "1.x", "momentum", 0.0));
    OptimizerRegistry.create("signum", Map.of("version", "1.x", "wd_lh", 0.1));
  }

  private static double real(String opt, String version, String name) {
    return OptimizerRegistry.create(opt, Map.of("version", version)).hyperparams().real(name);
  }
}
