package io.riffle.store.refine;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.model.ModelKindSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS through the ND4J kernel (found by ServiceLoader, as the service finds it) against the
 * plain pass: same minimiser, same judge's decision. In model-store's package for {@link Lbfgs}.
 */
class Nd4jLbfgsTest {

  /** A dense model of {@code dim} inputs (+ bias) trained online on {@code n} examples. */
  private static Model denseModel(ModelKindSpec kindSpec, int k, int dim, int n, long seed) {
    ModelSpec spec =
        ModelSpec.of(kindSpec).withHashing(HashingSpec.defaults().withBits(10)).withShards(2);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] truth = new double[k][dim];
    for (double[] t : truth) {
      for (int j = 0; j < dim; j++) {
        t[j] = rnd.nextGaussian() * 0.4;
      }
    }
    Model live = new Model("d", spec);
    SparseVector v = new SparseVector();
    double[] z = new double[k];
    for (int i = 0; i < n; i++) {
      v.clear();
      java.util.Arrays.fill(z, 0);
      for (int j = 0; j < dim; j++) {
        float x = (float) rnd.nextGaussian();
        v.add(j, x);
        for (int c = 0; c < k; c++) {
          z[c] += truth[c][j] * x;
        }
      }
      v.add(dim, 1f);
      double y;
      if (k == 1) {
        y = rnd.nextDouble() < 1 / (1 + Math.exp(-z[0])) ? 1 : 0;
      } else {
        int best = 0;
        for (int c = 1; c < k; c++) {
          best = z[c] + rnd.nextGaussian() > z[best] ? c : best;
        }
        y = best;
      }
      live.learnOne(v, y, 1.0);
    }
    return live;
  }

  @Test
  void refineJobShouldReachTheSameDecisionWithEitherKernel() {
    for (Model live :
        new Model[] {
          denseModel(ModelKindSpec.of("logistic"), 1, 64, 3000, 11),
          denseModel(new ModelKindSpec("softmax", null, 4), 4, 40, 3000, 12)
        }) {
      RefineSpec spec = RefineSpec.of("lbfgs");
      RefineResult plain = RefineJob.refine(live, spec.withKernel("plain"));
      RefineResult nd4j = RefineJob.refine(live, spec.withKernel("nd4j"));
      RefineResult auto = RefineJob.refine(live, spec);
      System.out.printf("plain: %s%nnd4j:  %s%n", plain.message(), nd4j.message());
      assertThat(plain.kernel()).isEqualTo("plain");
      assertThat(nd4j.kernel()).isEqualTo("nd4j");
      assertThat(auto.kernel()).isEqualTo("nd4j");
      assertThat(nd4j.status()).isEqualTo(plain.status());
      assertThat(nd4j.liveLoss()).isEqualTo(plain.liveLoss());
      assertThat(Math.abs(nd4j.challengerLoss() - plain.challengerLoss()) / plain.challengerLoss())
          .isLessThan(1e-6);
      assertThat(auto.challengerLoss()).isEqualTo(nd4j.challengerLoss());
    }
  }

  @Test
  void lbfgsShouldReachTheSameObjectiveThroughEitherKernel() {
    Model live = denseModel(new ModelKindSpec("softmax", null, 4), 4, 48, 4000, 13);
    TrainingSet set = TrainingSet.of(live.window(), 0, live.window().size(), live.kind());
    double l2 = 1e-3;
    double[] w0 = RefineJob.gather(live, set);
    double plainValue = minimize(DenseGradientKernel.plain(set), set, w0, l2);
    for (boolean f64 : new boolean[] {true, false}) {
      double v = minimize(new io.riffle.nd4j.Nd4jKernelFactory(f64).stage(set), set, w0, l2);
      double rel = Math.abs(v - plainValue) / plainValue;
      System.out.printf(
          "lbfgs objective plain %.12f, nd4j %s %.12f (relative %.2e)%n",
          plainValue, f64 ? "float64" : "float32", v, rel);
      assertThat(rel).isLessThan(f64 ? 1e-9 : 1e-5);
    }
  }

  private static double minimize(DenseGradientKernel k, TrainingSet set, double[] w0, double l2) {
    try (k) {
      Lbfgs.Outcome out =
          new Lbfgs(set.dimension(), 10)
              .minimize(RefineJob.objective(k, set.weightSum(), l2), w0.clone(), 0, 200, 1e-10);
      return out.value();
    }
  }
}
