package io.riffle.store.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.Store;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.features.SparseVector;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.replay.ReplayOptions;
import io.riffle.store.shard.ModelShard;
import io.riffle.store.snapshot.FilesystemModelStore;
import io.riffle.store.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
  @TempDir Path dir;

  private static ModelSpec spec(String optimizer, int shards) {
    return ModelSpec.of(ModelKindSpec.of("logistic"))
        .withHashing(HashingSpec.defaults().withBits(10))
        .withShards(shards)
        .withOptimizer(optimizer, Map.of())
        .withPosterior(PosteriorSpec.defaults())
        // small window: evictions happen, and the posterior must follow them exactly
        .withReplay(new ReplayOptions(16 * 1024, 0.1));
  }

  /** Trains {@code n} examples, every third step as a micro-batch of 3. */
  private static void train(Model m, Synthetic data, int n) {
    SparseVector[] xs = {new SparseVector(), new SparseVector(), new SparseVector()};
    double[] ys = new double[3];
    double[] ws = new double[3];
    io.riffle.store.features.FeatureHasher h =
        new io.riffle.store.features.FeatureHasher(m.spec().hashing());
    int i = 0;
    while (i < n) {
      if (i % 9 == 0 && i + 3 <= n) {
        for (int k = 0; k < 3; k++) {
          data.next(true);
          h.hash(data.features, xs[k]);
          ys[k] = data.label;
          ws[k] = 1.0;
        }
        m.learnHashed(xs, ys, ws, 3);
        i += 3;
      } else {
        data.next(true);
        m.learn(data.features, data.label, 1.0);
        i++;
      }
    }
  }

  private static double globalWeight(Model m, int row) {
    ModelShard[] s = m.shards();
    return s[row % s.length].weight(row / s.length, 0);
  }

  @TestFactory
  Stream<DynamicTest> oneShardAndFourShardsLearnIdenticalWeights() {
    return Stream.of("ftrl", "sgd", "adam", "nadam", "lars", "adagrad", "sgld")
        .map(
            opt ->
                DynamicTest.dynamicTest(
                    opt,
                    () -> {
                      Model a = new Model("a", spec(opt, 1));
                      Model b = new Model("b", spec(opt, 4));
                      train(a, new Synthetic(5), 400);
                      train(b, new Synthetic(5), 400);
                      for (int row = 0; row < 1024; row++) {
                        assertThat(globalWeight(b, row))
                            .as("%s row %d", opt, row)
                            .isEqualTo(globalWeight(a, row));
                      }
                      Synthetic probe = new Synthetic(99).next(true);
                      Prediction pa = a.predict(probe.features, 16, new double[] {0.1}, true, 7);
                      Prediction pb = b.predict(probe.features, 16, new double[] {0.1}, true, 7);
                      assertThat(pb.outputs()).isEqualTo(pa.outputs());
                      assertThat(pb.uncertainty().get(0).samples())
                          .isEqualTo(pa.uncertainty().get(0).samples());
                    }));
  }

  @TestFactory
  Stream<DynamicTest> snapshotAndRestoreResumesBitForBitForEveryOptimizer() {
    return OptimizerRegistry.providers().keySet().stream()
        .map(
            opt ->
                DynamicTest.dynamicTest(
                    opt,
                    () -> {
                      FilesystemModelStore store = new FilesystemModelStore(dir.resolve(opt));
                      Model straight = new Model("m", spec(opt, 2));
                      Synthetic d1 = new Synthetic(11);
                      train(straight, d1, 300);
                      Model resumed = Model.restore(saveAndLoad(store, straight));
                      Synthetic d2 = new Synthetic(11);
                      train(new Model("scratch", spec(opt, 2)), d2, 0);
                      // both continue on the same stream
                      Synthetic s1 = new Synthetic(12);
                      Synthetic s2 = new Synthetic(12);
                      train(straight, s1, 200);
                      train(resumed, s2, 200);
                      assertSame(straight.snapshot(), resumed.snapshot(), opt);
                    }));
  }

  private static Snapshot saveAndLoad(FilesystemModelStore store, Model m) throws IOException {
    long v = store.save(m.name(), m.snapshot());
    return store.load(m.name(), v);
  }

  private static void assertSame(Snapshot a, Snapshot b, String what) {
    assertThat(b.arrays().keySet()).isEqualTo(a.arrays().keySet());
    for (Map.Entry<String, Store> e : a.arrays().entrySet()) {
      assertThat(b.arrays().get(e.getKey()).bitEquals(e.getValue()))
          .as("%s array %s", what, e.getKey())
          .isTrue();
    }
    assertThat(b.meta().get("examples")).isEqualTo(a.meta().get("examples"));
    try {
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      assertThat(json.writeValueAsString(b.meta().get("updater")))
          .isEqualTo(json.writeValueAsString(a.meta().get("updater")));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> learnOneWithPosteriorAllocatesNothingOnceTheWindowIsFull() {
    return OptimizerRegistry.providers().keySet().stream()
        .map(opt -> DynamicTest.dynamicTest(opt, () -> learnOneAllocatesNothing(opt)));
  }

  /** Steady state, across re-anchors and (for LARS, LAMB, LBSGD) the touched-row norms. */
  private static void learnOneAllocatesNothing(String opt) {
    // 16 KiB window, ~200 examples: the chain re-anchors every 64 steps
    Model m = new Model("m", spec(opt, 2));
    io.riffle.store.features.FeatureHasher h =
        new io.riffle.store.features.FeatureHasher(m.spec().hashing());
    Synthetic d = new Synthetic(21);
    SparseVector[] xs = new SparseVector[256];
    double[] ys = new double[xs.length];
    for (int k = 0; k < xs.length; k++) {
      d.next(true);
      xs[k] = h.hash(d.features, new SparseVector());
      ys[k] = d.label;
    }
    int[] next = {0};
    Runnable learnNext =
        () -> {
          int k = next[0]++ & (xs.length - 1);
          m.learnOne(xs[k], ys[k], 1.0);
        };
    while (m.window().evictedCount() == 0) {
      learnNext.run();
    }
    // A real allocation (per step, or per re-anchor: about 30 per round of 2000 steps) shows in
    // every round. A round can also count a few hundred bytes that the JVM allocates on this
    // thread while the JIT compiles the path (none with -Xint), so one clean round suffices.
    long fewest = Long.MAX_VALUE;
    for (int round = 0; round < 20 && fewest > 0; round++) {
      fewest = Math.min(fewest, io.riffle.store.features.Allocations.measure(learnNext, 2000));
    }
    assertThat(fewest).as("%s: fewest bytes allocated by a round of 2000 steps", opt).isZero();
  }

  @Test
  void progressiveMetricsScoreBeforeLearning() {
    Model m = new Model("m", spec("ftrl", 1));
    Synthetic d = new Synthetic(3);
    d.next(false);
    double loss = m.learn(d.features, d.label, 1.0);
    // an untrained model predicts 0.5: the first progressive loss is log 2
    assertThat(loss).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
    train(m, d, 5000);
    Map<String, Object> all = (Map<String, Object>) m.metrics().summary().get("all");
    assertThat((Double) all.get("auc")).isGreaterThan(0.85);
  }

  @Test
  void predictionIntervalsNarrowWithDataAndRarelyMissTheTruth() {
    PosteriorSpec p = PosteriorSpec.defaults();
    double[] q = {0.05, 0.95};
    double widthEarly = 0;
    double widthLate = 0;
    int covered = 0;
    int total = 0;
    for (int set = 0; set < 6; set++) {
      Model m =
          new Model(
              "m",
              ModelSpec.of(ModelKindSpec.of("logistic"))
                  .withHashing(HashingSpec.defaults().withBits(12))
                  .withPosterior(p));
      Synthetic d = new Synthetic(200 + set);
      train(m, d, 1000);
      Synthetic probe = new Synthetic(900 + set);
      for (int t = 0; t < 50; t++) {
        probe.next(true);
        Prediction.Uncertainty u = m.predict(probe.features, 400, q, false, t).uncertainty().get(0);
        widthEarly += u.quantiles()[1] - u.quantiles()[0];
      }
      train(m, d, 15_000);
      for (int t = 0; t < 50; t++) {
        probe.next(true);
        Prediction.Uncertainty u = m.predict(probe.features, 400, q, false, t).uncertainty().get(0);
        widthLate += u.quantiles()[1] - u.quantiles()[0];
        if (probe.trueP >= u.quantiles()[0] && probe.trueP <= u.quantiles()[1]) {
          covered++;
        }
        total++;
      }
    }
    double coverage = covered / (double) total;
    System.out.printf(
        "model posterior: coverage %.3f, mean 90%% width %.4f at 1k, %.4f at 16k%n",
        coverage, widthEarly / total, widthLate / total);
    assertThat(coverage).isBetween(0.85, 0.97);
    assertThat(widthLate).isLessThan(widthEarly * 0.6);
  }

  @Test
  void overflowingFeatureValuesAreRefusedAndChangeNothing() {
    Model m = new Model("m", spec("sgd", 2));
    train(m, new Synthetic(1), 50);
    Snapshot before = m.snapshot();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> m.learn(Map.of("f0", 1e20, "f1", 1e20), 1, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature values are too large");
    assertSame(before, m.snapshot(), "after a refused example");
  }
}
