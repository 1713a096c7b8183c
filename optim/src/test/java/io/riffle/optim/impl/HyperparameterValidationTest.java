package io.riffle.optim.impl;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riffle.optim.InvalidHyperparameterException;
import io.riffle.optim.OptimizerRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Out-of-range hyperparameters are rejected with a message naming the parameter. */
class HyperparameterValidationTest {

  @ParameterizedTest(name = "{0} {1}={2}")
  @CsvSource({
    "nag, learning_rate, -0.1",
    "nag, momentum, 1.0",
    "nag, momentum, -0.5",
    "adagrad, epsilon, -1e-6",
    "adagrad, learning_rate, NaN",
    "rmsprop, rho, -0.1",
    "rmsprop, rho, 1.0",
    "rmsprop, momentum, 1.0",
    "rmsprop, epsilon, -1",
    "rmsprop, centered, maybe",
    "adadelta, rho, -0.1",
    "adadelta, rho, 1.5",
    "adadelta, epsilon, 0",
    "adadelta, epsilon, Infinity",
    "adam, beta1, 1.0",
    "adam, beta2, 1.0",
    "adam, beta1, -0.1",
    "adam, epsilon, NaN",
    "adam, learning_rate, -0.001",
    "adam, lazy_update, 2",
    "adamax, beta1, 1.0",
    "adamax, beta2, -1e-3",
    "adamax, epsilon, NaN",
    "nadam, beta1, 1.0",
    "nadam, beta2, 1.01",
    "nadam, schedule_decay, -0.004",
    "nadam, epsilon, -Infinity",
    "lamb, beta1, 1.0",
    "lamb, beta2, -0.1",
    "lamb, epsilon, NaN",
    "lamb, lower_bound, -1",
    "lamb, upper_bound, -0.5",
    "lamb, bias_correction, yes",
  })
  void badValueIsRejectedNamingTheParameter(String opt, String name, String value) {
    assertThatThrownBy(() -> OptimizerRegistry.create(opt, Map.of(name, value)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining(opt)
        .hasMessageContaining(name + "=");
  }

  @ParameterizedTest(name = "{0} {1}={2}")
  @CsvSource({
    "nag, momentum, 0.0",
    "rmsprop, rho, 0.0",
    "rmsprop, clip_weights, -1",
    "rmsprop, clip_weights, None",
    "adagrad, epsilon, 0",
    "adam, beta1, 0.0",
    "adam, beta2, 0.999999",
    "nadam, schedule_decay, 0",
    "lamb, upper_bound, None",
    "adam, learning_rate, 0",
  })
  void edgeValuesAreAccepted(String opt, String name, String value) {
    assertThatCode(() -> OptimizerRegistry.create(opt, Map.of(name, value)))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"nag", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "nadam", "lamb"})
  void unknownNameIsRejected(String opt) {
    assertThatThrownBy(() -> OptimizerRegistry.create(opt, Map.of("betta1", 0.9)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("betta1");
  }

  @Test
  void lambLowerBoundAboveUpperBoundIsRejected() {
    assertThatThrownBy(
            () -> OptimizerRegistry.create("lamb", Map.of("lower_bound", 2.0, "upper_bound", 1.0)))
        .isInstanceOf(InvalidHyperparameterException.class)
        .hasMessageContaining("lower_bound=2.0")
        .hasMessageContaining("upper_bound=1.0");
  }
}
