package io.riffle.store.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelKindTest {
  private static final double W = 1.7;

  private static List<ScalarKind> scalarKinds() {
    return List.of(
        ModelKind.logistic(),
        ModelKind.hinge(),
        ModelKind.squared(),
        ModelKind.quantile(0.9),
        ModelKind.quantile(0.25),
        ModelKind.poisson());
  }

  private static double[] labelsFor(ScalarKind k) {
    if (k instanceof Logistic || k instanceof Hinge) {
      return new double[] {0, 1, -1};
    }
    if (k instanceof Poisson) {
      return new double[] {0, 1, 3.5, 17};
    }
    return new double[] {-3, 0, 0.4, 12};
  }

  @Test
  void scalarGradientsShouldMatchFiniteDifferences() {
    double h = 1e-6;
    for (ScalarKind k : scalarKinds()) {
      for (double y : labelsFor(k)) {
        for (double z = -6; z <= 6; z += 0.37) {
          double s = y > 0 ? 1 : -1;
          if (k instanceof Hinge && Math.abs(s * z - 1) < 1e-3) {
            continue; // the kink
          }
          if (k instanceof Quantile && Math.abs(y - z) < 1e-3) {
            continue;
          }
          double fd = (k.loss(z + h, y, W) - k.loss(z - h, y, W)) / (2 * h);
          assertThat(k.gradient(z, y, W))
              .as("%s y=%s z=%s", k, y, z)
              .isCloseTo(fd, within(1e-5 * Math.max(1, Math.abs(fd))));
        }
      }
    }
  }

  @Test
  void softmaxGradientShouldMatchFiniteDifferences() {
    Softmax k = ModelKind.softmax(4);
    double[] z = {0.3, -1.2, 2.5, 0.0};
    double[] grad = new double[4];
    double h = 1e-6;
    for (int y = 0; y < 4; y++) {
      k.lossAndGradient(z, 0, y, W, grad, 0);
      for (int i = 0; i < 4; i++) {
        double[] zp = z.clone();
        double[] zm = z.clone();
        zp[i] += h;
        zm[i] -= h;
        double fd = (k.loss(zp, 0, y, W) - k.loss(zm, 0, y, W)) / (2 * h);
        assertThat(grad[i]).as("y=%d dz_%d", y, i).isCloseTo(fd, within(1e-6));
      }
    }
  }

  @Test
  void lossAndGradientShouldAgreeWithSeparateCalls() {
    double[] g = new double[1];
    for (ScalarKind k : scalarKinds()) {
      for (double y : labelsFor(k)) {
        double l = k.lossAndGradient(new double[] {0, 0.8}, 1, y, W, g, 0);
        assertThat(l).isEqualTo(k.loss(0.8, y, W));
        assertThat(g[0]).isEqualTo(k.gradient(0.8, y, W));
      }
    }
  }

  @Test
  void logisticShouldGiveKnownValues() {
    Logistic k = ModelKind.logistic();
    assertThat(k.predict(0)).isEqualTo(0.5);
    assertThat(k.loss(0, 1, 1)).isCloseTo(Math.log(2), within(1e-15));
    assertThat(k.gradient(0, 1, 1)).isEqualTo(-0.5);
    assertThat(k.gradient(0, 0, 1)).isEqualTo(0.5);
    assertThat(k.loss(2, 0, 1)).isCloseTo(Math.log(1 + Math.exp(2)), within(1e-15));
    // -1 and 0 are both the negative class
    assertThat(k.loss(2, -1, 1)).isEqualTo(k.loss(2, 0, 1));
    assertThat(k.gradient(2, -1, 1)).isEqualTo(k.gradient(2, 0, 1));
    assertThat(k.loss(2, 1, 3)).isCloseTo(3 * Math.log1p(Math.exp(-2)), within(1e-15));
  }

  @Test
  void hingeShouldGiveKnownValues() {
    Hinge k = ModelKind.hinge();
    assertThat(k.loss(0.5, 1, 1)).isEqualTo(0.5);
    assertThat(k.gradient(0.5, 1, 1)).isEqualTo(-1);
    assertThat(k.loss(-2, -1, 1)).isZero();
    assertThat(k.gradient(-2, 0, 1)).isZero();
    assertThat(k.loss(0.5, 0, 2)).isEqualTo(3);
    assertThat(k.gradient(0.5, 0, 2)).isEqualTo(2);
    assertThat(k.predict(-0.3)).isEqualTo(-0.3);
  }

  @Test
  void squaredShouldGiveKnownValues() {
    Squared k = ModelKind.squared();
    assertThat(k.loss(3, 1, 1)).isEqualTo(2);
    assertThat(k.gradient(3, 1, 1)).isEqualTo(2);
    assertThat(k.loss(3, 1, 0.5)).isEqualTo(1);
    assertThat(k.predict(3)).isEqualTo(3);
  }

  @Test
  void quantileShouldGiveKnownValues() {
    Quantile k = ModelKind.quantile(0.9);
    assertThat(k.loss(0, 1, 1)).isCloseTo(0.9, within(1e-15));
    assertThat(k.loss(2, 1, 1)).isCloseTo(0.1, within(1e-15));
    assertThat(k.gradient(0, 1, 1)).isEqualTo(-0.9);
    assertThat(k.gradient(2, 1, 1)).isCloseTo(0.1, within(1e-15));
    assertThat(k.gradient(1, 1, 1)).isZero();
  }

  @Test
  void poissonShouldGiveKnownValues() {
    Poisson k = ModelKind.poisson();
    assertThat(k.predict(Math.log(3))).isCloseTo(3, within(1e-12));
    assertThat(k.loss(0, 1, 1)).isZero();
    assertThat(k.loss(Math.log(2), 1, 1)).isCloseTo(1 - Math.log(2), within(1e-15));
    assertThat(k.loss(1, 0, 1)).isCloseTo(Math.E, within(1e-15));
    assertThat(k.gradient(Math.log(2), 5, 1)).isCloseTo(-3, within(1e-12));
    // zero exactly at the perfect fit, positive elsewhere
    assertThat(k.loss(Math.log(7), 7, 1)).isCloseTo(0, within(1e-12));
    assertThat(k.loss(Math.log(6), 7, 1)).isPositive();
  }

  @Test
  void softmaxShouldGiveKnownValues() {
    Softmax k = ModelKind.softmax(3);
    double[] z = {1, 2, 3};
    double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assertThat(k.loss(z, 0, 2, 1)).isCloseTo(lse - 3, within(1e-15));
    assertThat(k.loss(z, 0, 0, 2)).isCloseTo(2 * (lse - 1), within(1e-14));
    double[] p = new double[3];
    k.predict(z, 0, p, 0);
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1, within(1e-15));
    assertThat(p[2]).isCloseTo(Math.exp(3 - lse), within(1e-15));
    double[] g = new double[3];
    k.lossAndGradient(z, 0, 1, 1, g, 0);
    assertThat(g[0] + g[1] + g[2]).isCloseTo(0, within(1e-15));
    assertThat(g[1]).isCloseTo(p[1] - 1, within(1e-15));
  }

  @Test
  void softmaxShouldReadAndWriteAtOffsets() {
    Softmax k = ModelKind.softmax(2);
    double[] margins = {99, 99, 0.5, -0.5, 99};
    double[] out = new double[5];
    k.predict(margins, 2, out, 3);
    assertThat(out[0]).isZero();
    assertThat(out[3] + out[4]).isCloseTo(1, within(1e-15));
    assertThat(out[3]).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-15));
  }

  @Test
  void twoClassSoftmaxShouldEqualLogisticOnTheMarginDifference() {
    Softmax s = ModelKind.softmax(2);
    Logistic l = ModelKind.logistic();
    for (double d = -5; d <= 5; d += 0.5) {
      double[] z = {0, d};
      assertThat(s.loss(z, 0, 1, 1)).isCloseTo(l.loss(d, 1, 1), within(1e-14));
      assertThat(s.loss(z, 0, 0, 1)).isCloseTo(l.loss(d, 0, 1), within(1e-14));
    }
  }

  @Test
  void everyKindShouldStayFiniteAtExtremeMargins() {
    double[] g = new double[1];
    double[] p = new double[1];
    for (ScalarKind k : scalarKinds()) {
      for (double y : labelsFor(k)) {
        for (double z : new double[] {-800, 800}) {
          double l = k.lossAndGradient(new double[] {z}, 0, y, W, g, 0);
          k.predict(new double[] {z}, 0, p, 0);
          assertThat(l).as("%s loss z=%s y=%s", k, z, y).isFinite().isGreaterThanOrEqualTo(0);
          assertThat(g[0]).as("%s grad z=%s y=%s", k, z, y).isFinite();
          assertThat(p[0]).as("%s predict z=%s", k, z).isFinite();
        }
      }
    }
    Logistic l = ModelKind.logistic();
    assertThat(l.loss(-800, 1, 1)).isEqualTo(800);
    assertThat(l.loss(800, 1, 1)).isZero();
    assertThat(l.gradient(-800, 1, 1)).isEqualTo(-1);
    assertThat(l.gradient(800, 0, 1)).isEqualTo(1);
    assertThat(l.gradient(800, 1, 1)).isZero();
    assertThat(l.predict(-800)).isZero();
    assertThat(l.predict(800)).isEqualTo(1);
    assertThat(ModelKind.poisson().gradient(-800, 2, 1)).isEqualTo(-2);

    Softmax s = ModelKind.softmax(3);
    double[] z = {800, -800, 0};
    double[] grad = new double[3];
    double loss = s.lossAndGradient(z, 0, 1, 1, grad, 0);
    assertThat(loss).isEqualTo(1600);
    assertThat(grad).containsExactly(new double[] {1, -1, 0}, within(1e-300));
    double[] probs = new double[3];
    s.predict(z, 0, probs, 0);
    assertThat(probs).containsExactly(1, 0, 0);
    assertThat(s.loss(z, 0, 0, 1)).isZero();
  }

  @Test
  void weightShouldScaleLossAndGradient() {
    for (ScalarKind k : scalarKinds()) {
      double y = labelsFor(k)[1];
      assertThat(k.loss(0.3, y, 2.5)).isCloseTo(2.5 * k.loss(0.3, y, 1), within(1e-12));
      assertThat(k.gradient(0.3, y, 2.5)).isCloseTo(2.5 * k.gradient(0.3, y, 1), within(1e-12));
      assertThat(k.loss(0.3, y, 0)).isZero();
      assertThat(k.gradient(0.3, y, 0)).isZero();
    }
  }

  @Test
  void binaryKindsShouldAcceptZeroOneAndPlusMinusOne() {
    for (ModelKind k : List.of(ModelKind.logistic(), ModelKind.hinge())) {
      for (double y : new double[] {0, 1, -1}) {
        assertThatCode(() -> k.validateLabel(y)).doesNotThrowAnyException();
      }
      for (double y : new double[] {0.5, 2, -2, Double.NaN, Double.POSITIVE_INFINITY}) {
        assertThatThrownBy(() -> k.validateLabel(y))
            .isInstanceOf(InvalidLabelException.class)
            .hasMessageContaining(k.name())
            .hasMessageContaining("label " + y)
            .hasMessageContaining("0 or 1");
      }
    }
  }

  @Test
  void regressionKindsShouldRejectNonFiniteLabels() {
    for (ModelKind k : List.of(ModelKind.squared(), ModelKind.quantile(0.5))) {
      assertThatCode(() -> k.validateLabel(-1e9)).doesNotThrowAnyException();
      for (double y : new double[] {Double.NaN, Double.NEGATIVE_INFINITY}) {
        assertThatThrownBy(() -> k.validateLabel(y))
            .isInstanceOf(InvalidLabelException.class)
            .hasMessageContaining("finite");
      }
    }
  }

  @Test
  void poissonShouldRejectNegativeAndNonFiniteLabels() {
    Poisson k = ModelKind.poisson();
    assertThatCode(() -> k.validateLabel(0)).doesNotThrowAnyException();
    assertThatCode(() -> k.validateLabel(2.5)).doesNotThrowAnyException();
    for (double y : new double[] {-1, -1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> k.validateLabel(y))
          .isInstanceOf(InvalidLabelException.class)
          .hasMessageContaining(">= 0");
    }
  }

  @Test
  void softmaxShouldRejectLabelsOutsideTheClasses() {
    Softmax k = ModelKind.softmax(3);
    for (double y : new double[] {0, 1, 2}) {
      assertThatCode(() -> k.validateLabel(y)).doesNotThrowAnyException();
    }
    for (double y : new double[] {-1, 3, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> k.validateLabel(y))
          .isInstanceOf(InvalidLabelException.class)
          .hasMessageContaining("softmax")
          .hasMessageContaining("0, 1, ..., 2");
    }
  }

  @Test
  void weightValidationShouldRejectNegativeAndNonFinite() {
    assertThatCode(() -> ModelKind.validateWeight(0)).doesNotThrowAnyException();
    assertThatCode(() -> ModelKind.validateWeight(3.5)).doesNotThrowAnyException();
    for (double w : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> ModelKind.validateWeight(w))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weight " + w);
    }
  }

  @Test
  void kindParametersShouldBeValidated() {
    assertThatThrownBy(() -> ModelKind.quantile(0)).hasMessageContaining("tau=0.0");
    assertThatThrownBy(() -> ModelKind.quantile(1)).hasMessageContaining("tau=1.0");
    assertThatThrownBy(() -> ModelKind.softmax(1)).hasMessageContaining("classes=1");
  }

  @Test
  void specShouldRoundTripThroughJsonAndRebuildTheKind() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<ModelKind> kinds =
        List.of(
            ModelKind.logistic(),
            ModelKind.hinge(),
            ModelKind.squared(),
            ModelKind.quantile(0.9),
            ModelKind.poisson(),
            ModelKind.softmax(7));
    for (ModelKind k : kinds) {
      String text = json.writeValueAsString(k.spec());
      ModelKindSpec back = json.readValue(text, ModelKindSpec.class);
      assertThat(back).isEqualTo(k.spec());
      ModelKind rebuilt = back.create();
      assertThat(rebuilt.name()).isEqualTo(k.name());
      assertThat(rebuilt.outputs()).isEqualTo(k.outputs());
      assertThat(rebuilt.toString()).isEqualTo(k.toString());
    }
    assertThat(json.writeValueAsString(ModelKind.quantile(0.9).spec()))
        .isEqualTo("{\"kind\":\"quantile\",\"tau\":0.9}");
    assertThat(json.readValue("{\"kind\":\"quantile\"}", ModelKindSpec.class).tau()).isEqualTo(0.5);
  }

  @Test
  void specShouldRejectUnknownKindsAndMisplacedParameters() {
    assertThatThrownBy(() -> ModelKindSpec.of("probit"))
        .hasMessageContaining("unknown model kind 'probit'")
        .hasMessageContaining("logistic");
    assertThatThrownBy(() -> ModelKindSpec.of("softmax")).hasMessageContaining("needs classes");
    assertThatThrownBy(() -> new ModelKindSpec("logistic", 0.5, null))
        .hasMessageContaining("tau applies only to quantile");
    assertThatThrownBy(() -> new ModelKindSpec("squared", null, 3))
        .hasMessageContaining("classes applies only to softmax");
    assertThatThrownBy(() -> new ModelKindSpec(null, null, null)).hasMessageContaining("missing");
  }
}
