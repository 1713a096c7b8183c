package io.riffle.store.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseLinearModelTest {

  @Test
  void batchMarginsShouldEqualPerExampleDotProducts() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int dim : new int[] {1, 3, 4, 7, 64, 257}) {
      DenseLinearModel m = new DenseLinearModel(ModelKind.softmax(3), dim);
      for (int i = 0; i < m.weights().length; i++) {
        m.weights()[i] = (float) rnd.nextGaussian();
      }
      m.bias()[1] = 0.25f;
      int batch = 5;
      float[] xs = new float[1 + batch * dim];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) rnd.nextGaussian();
      }
      double[] out = new double[2 + batch * 3];
      m.marginsBatch(xs, 1, batch, out, 2);
      double[] one = new double[3];
      for (int b = 0; b < batch; b++) {
        m.margins(xs, 1 + b * dim, one, 0);
        for (int o = 0; o < 3; o++) {
          double exact = m.bias()[o];
          for (int j = 0; j < dim; j++) {
            exact += (double) m.weights()[o * dim + j] * xs[1 + b * dim + j];
          }
          assertThat(out[2 + b * 3 + o]).isEqualTo(one[o]);
          assertThat(out[2 + b * 3 + o]).isCloseTo(exact, within(1e-4 * Math.sqrt(dim)));
        }
      }
    }
  }

  @Test
  void accumulateGradientShouldAddOuterProduct() {
    DenseLinearModel m = new DenseLinearModel(ModelKind.logistic(), 3);
    float[] gw = new float[3];
    float[] gb = new float[1];
    m.accumulateGradient(new float[] {1, 2, 3}, 0, new double[] {0.5}, 0, gw, gb);
    m.accumulateGradient(new float[] {1, 0, 0}, 0, new double[] {1}, 0, gw, gb);
    assertThat(gw).containsExactly(1.5f, 1f, 1.5f);
    assertThat(gb).containsExactly(1.5f);
  }

  @Test
  void gradientStepsShouldFitALogisticProblem() {
    // plain SGD on separable data: the dense path works end to end with a model kind
    SplittableRandom rnd = new SplittableRandom(9);
    int dim = 8;
    DenseLinearModel m = new DenseLinearModel(ModelKind.logistic(), dim);
    float[] truth = new float[dim];
    for (int j = 0; j < dim; j++) {
      truth[j] = (float) rnd.nextGaussian();
    }
    float[] x = new float[dim];
    double[] z = new double[1];
    double[] g = new double[1];
    float[] gw = new float[dim];
    float[] gb = new float[1];
    double lastLoss = 0;
    for (int t = 0; t < 4000; t++) {
      for (int j = 0; j < dim; j++) {
        x[j] = (float) rnd.nextGaussian();
      }
      double y = DenseLinearModel.dot(truth, 0, x, 0, dim) > 0 ? 1 : 0;
      m.margins(x, 0, z, 0);
      double loss = m.kind().lossAndGradient(z, 0, y, 1, g, 0);
      lastLoss = 0.99 * lastLoss + 0.01 * loss;
      java.util.Arrays.fill(gw, 0);
      gb[0] = 0;
      m.accumulateGradient(x, 0, g, 0, gw, gb);
      for (int j = 0; j < dim; j++) {
        m.weights()[j] -= 0.1f * gw[j];
      }
      m.bias()[0] -= 0.1f * gb[0];
    }
    assertThat(lastLoss).isLessThan(0.15);
  }

  @Test
  void copyShouldBeDeepAndBitEqual() {
    DenseLinearModel m = new DenseLinearModel(ModelKind.squared(), 2);
    m.weights()[1] = 3f;
    DenseLinearModel c = m.copy();
    assertThat(c.bitEquals(m)).isTrue();
    c.weights()[1] = 4f;
    assertThat(m.weights()[1]).isEqualTo(3f);
    assertThat(c.bitEquals(m)).isFalse();
  }

  @Test
  void shouldRejectBadShapes() {
    assertThatThrownBy(() -> new DenseLinearModel(ModelKind.squared(), 0))
        .hasMessageContaining("dim=0");
    DenseLinearModel m = new DenseLinearModel(ModelKind.squared(), 4);
    assertThatThrownBy(() -> m.marginsBatch(new float[7], 0, 2, new double[2], 0))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("xs needs 8");
    assertThatThrownBy(() -> m.marginsBatch(new float[8], 0, 2, new double[1], 0))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("out needs 2");
  }
}
