package io.riffle.optim.svrg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riffle.optim.OptimizerRegistry;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.optim.random.SplitMix64;
import io.riffle.optim.schedule.LrSchedulers;
import io.riffle.optim.tools.LinearRegression;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SVRG checks of the reference self-test (OPTIMIZERS.md 6) plus the lazy mu term (6.7). */
class SvrgTest {

  /** The self-test's data: 20 examples of 3 features, noiseless targets of (1, -2, 0.5). */
  private static LinearRegression selftestData() {
    SplitMix64 r = new SplitMix64(99);
    double[][] x = new double[20][3];
    double[] y = new double[20];
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = r.sym();
      }
      y[i] = x[i][0] * 1.0 + x[i][1] * -2.0 + x[i][2] * 0.5;
    }
    return new LinearRegression(x, y);
  }

  private static Updater sgd(Map<String, Object> hp, int batchSize) {
    return new Updater(OptimizerRegistry.create("sgd", Svrg.innerHyperparams(hp, batchSize, 1)));
  }

  private static Map<String, Object> hp(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void assertClose(double[] got, double[] want, double tol) {
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.length; i++) {
      assertThat(Math.abs(got[i] - want[i]))
          .as("element %d: %s vs %s", i, got[i], want[i])
          .isLessThanOrEqualTo(tol * Math.max(1.0, Math.abs(want[i])));
    }
  }

  @Test
  void paddedBatchesWrapToTheStart() {
    Batches b = Batches.padded(20, 8);
    assertThat(b.count()).isEqualTo(3);
    assertThat(b.pad()).isEqualTo(4);
    assertThat(b.effectiveBatches()).isEqualTo(2.5);
    assertThat(b.batch(2)).containsExactly(16, 17, 18, 19, 0, 1, 2, 3);
    assertThat(Batches.padded(16, 8).pad()).isZero();
  }

  @Test
  void rescaleGradDefaultsToOneOverBatchSizeTimesWorkers() {
    assertThat(Svrg.innerHyperparams(Map.of(), 8, 1)).containsEntry("rescale_grad", 0.125);
    assertThat(Svrg.innerHyperparams(Map.of(), 8, 2)).containsEntry("rescale_grad", 1.0 / 16);
    assertThat(Svrg.innerHyperparams(Map.of("rescale_grad", 1.0), 8, 1))
        .containsEntry("rescale_grad", 1.0);
  }

  @Test
  void firstInnerGradientAfterTheFullPassIsMu() {
    LinearRegression data = selftestData();
    Updater up = sgd(hp("learning_rate", 0.3), 8);
    Svrg svrg = new Svrg(up, data, Svrg.Options.of(8, 1));
    double[] w = {0.1, 0.2, 0.3};
    Store ws = Store.of(w);
    ParamState st = up.createState(ws);
    svrg.fullGradientPass(ws);
    double[] mu = svrg.mu().clone();

    double[] g = new double[3];
    double[] gs = new double[3];
    int[] b0 = svrg.batches().batch(0);
    data.batchGradient(ws, b0, b0.length, g);
    data.batchGradient(svrg.snapshot(), b0, b0.length, gs);
    double[] vr = new double[3];
    Svrg.varianceReduced(g, gs, mu, vr, 3);
    assertThat(vr).containsExactly(mu);

    // so the first SGD step is w - lr * rescale * mu
    svrg.innerStep(ws, st, b0, b0.length);
    for (int j = 0; j < 3; j++) {
      assertThat(w[j]).isEqualTo(new double[] {0.1, 0.2, 0.3}[j] - 0.3 * (0.125 * mu[j]));
    }
  }

  @Test
  void faithfulAccumulatorAddsThePreviousMu() {
    LinearRegression data = selftestData();
    Store ws = Store.of(new double[] {0.1, 0.2, 0.3});
    Svrg reset = new Svrg(sgd(hp(), 8), data, Svrg.Options.of(8, 1));
    reset.fullGradientPass(ws);
    double[] mu = reset.mu().clone();
    reset.fullGradientPass(ws);
    assertThat(reset.mu()).containsExactly(mu);

    Svrg faithful = new Svrg(sgd(hp(), 8), data, Svrg.Options.of(8, 1).withFaithfulMxnet(true));
    faithful.fullGradientPass(ws);
    assertClose(faithful.mu(), mu, 1e-15);
    faithful.fullGradientPass(ws);
    // (mu_prev + sum_b G_b) / (K - p/B) with sum_b G_b = 2.5 mu
    double[] want = new double[3];
    for (int j = 0; j < 3; j++) {
      want[j] = mu[j] + mu[j] / 2.5;
    }
    assertClose(faithful.mu(), want, 1e-12);
  }

  @Test
  void resetVariantWithOneFullBatchIsFullBatchGradientDescent() {
    LinearRegression data = selftestData();
    Updater up = sgd(hp("learning_rate", 2.0), 20);
    Svrg svrg = new Svrg(up, data, Svrg.Options.of(20, 1));
    double[] w = new double[3];
    Store ws = Store.of(w);
    ParamState st = up.createState(ws);
    double[] gd = new double[3];
    double[] g = new double[3];
    int[] all = svrg.batches().batch(0);
    for (int epoch = 0; epoch < 60; epoch++) {
      svrg.epoch(epoch, ws, st);
      data.batchGradient(Store.of(gd), all, all.length, g);
      for (int j = 0; j < 3; j++) {
        gd[j] = gd[j] - 2.0 * ((1.0 / 20) * g[j]);
      }
      assertClose(w, gd, 1e-12);
    }
    assertClose(w, new double[] {1.0, -2.0, 0.5}, 1e-4);
  }

  @Test
  void fullPassRunsOnlyOnMultiplesOfUpdateFreq() {
    LinearRegression data = selftestData();
    Updater up = sgd(hp("learning_rate", 0.1), 8);
    Svrg svrg = new Svrg(up, data, Svrg.Options.of(8, 2));
    double[] w = new double[3];
    Store ws = Store.of(w);
    ParamState st = up.createState(ws);
    List<double[]> snaps = new ArrayList<>();
    svrg.fit(ws, st, 0, 4, (e, weights) -> snaps.add(svrg.exportState().snapshot()));
    assertThat(snaps.get(1)).containsExactly(snaps.get(0));
    assertThat(snaps.get(2)).isNotEqualTo(snaps.get(1));
    assertThat(snaps.get(3)).containsExactly(snaps.get(2));
  }

  @Test
  void exportImportResumesIdentically() {
    LinearRegression data = LinearRegression.referenceData(4);
    Map<String, Object> inner = hp("learning_rate", 0.1, "momentum", 0.5);
    Updater up = sgd(inner, 8);
    Svrg svrg = new Svrg(up, data, Svrg.Options.of(8, 2).withFaithfulMxnet(true));
    double[] w = new double[3];
    Store ws = Store.of(w);
    ParamState st = up.createState(ws);
    svrg.fit(ws, st, 0, 3, null);
    Svrg.SvrgState saved = svrg.exportState();
    ParamState stSaved = st.copy();
    Updater.UpdaterState upSaved = up.exportState();
    double[] w2 = w.clone();
    svrg.fit(ws, st, 3, 6, null);

    Updater up2 = sgd(inner, 8);
    up2.importState(upSaved);
    Svrg resumed = new Svrg(up2, data, Svrg.Options.of(8, 2).withFaithfulMxnet(true));
    resumed.importState(saved);
    Store ws2 = Store.of(w2);
    ParamState st2 = up2.createState(ws2);
    st2.importFrom(stSaved);
    resumed.fit(ws2, st2, 3, 6, null);
    assertThat(w2).containsExactly(w);
    assertThat(resumed.mu()).containsExactly(svrg.mu());
  }

  // ------------------------------------------------------------------ lazy mu term (6.7)

  @Test
  void closedFormCatchUpEqualsIteratedSteps() {
    double[] wds = {0.0, 1e-9, 1e-3, 0.05, 0.5, 1.5};
    for (double wd : wds) {
      for (double mu : new double[] {0.0, 0.7, -3.0}) {
        double lr = 0.4;
        double q = lr * (0.25 * mu);
        double w = 1.3;
        for (int k = 0; k <= 40; k++) {
          double closed = LazyMu.catchUp(1.3, k, lr, wd, q);
          assertThat(Math.abs(closed - w))
              .as("wd=%s mu=%s k=%d", wd, mu, k)
              .isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(w)));
          w = w - lr * (0.25 * mu + wd * w);
        }
      }
    }
  }

  private static double[] runSparse(
      boolean lazy, Map<String, Object> inner, int batch, int freq, boolean faithful, int epochs) {
    SparseLinearRegression data = new SparseLinearRegression(17, 37, 40, 3, 5);
    Updater up = sgd(inner, batch);
    Svrg svrg =
        new Svrg(up, data, Svrg.Options.of(batch, freq).withFaithfulMxnet(faithful).withLazy(lazy));
    double[] w = new double[40];
    SplitMix64 r = new SplitMix64(5);
    for (int j = 0; j < w.length; j++) {
      w[j] = 0.5 * r.sym();
    }
    Store ws = Store.of(w);
    ParamState st = up.createState(ws);
    List<double[]> perEpoch = new ArrayList<>();
    svrg.fit(ws, st, 0, epochs, (e, weights) -> perEpoch.add(w.clone()));
    double[] all = new double[epochs * w.length];
    for (int e = 0; e < epochs; e++) {
      System.arraycopy(perEpoch.get(e), 0, all, e * w.length, w.length);
    }
    return all;
  }

  @Test
  void lazyMuTermEqualsDenseUpdate() {
    List<Map<String, Object>> inners =
        List.of(
            hp("learning_rate", 0.2, "wd", 0.01),
            hp("learning_rate", 0.2),
            hp("learning_rate", 0.3, "wd", 0.05, "clip_gradient", 0.05),
            hp("learning_rate", 0.1, "wd", 1e-6, "rescale_grad", 0.3));
    for (Map<String, Object> inner : inners) {
      for (boolean faithful : new boolean[] {false, true}) {
        double[] dense = runSparse(false, inner, 6, 2, faithful, 5);
        double[] lazy = runSparse(true, inner, 6, 2, faithful, 5);
        for (int i = 0; i < dense.length; i++) {
          assertThat(Math.abs(lazy[i] - dense[i]))
              .as(
                  "%s faithful=%s value %d: lazy %s dense %s",
                  inner, faithful, i, lazy[i], dense[i])
              .isLessThanOrEqualTo(1e-12 * Math.max(1.0, Math.abs(dense[i])));
        }
        // the problem is really sparse and the run really moved
        assertThat(dense[dense.length - 1]).isNotEqualTo(0.0);
      }
    }
  }

  @Test
  void lazyModeRefusesWhatHasNoClosedForm() {
    SparseLinearRegression sparse = new SparseLinearRegression(1, 10, 8, 2, 0);
    Svrg.Options lazy = Svrg.Options.of(4, 1).withLazy(true);
    assertThatThrownBy(() -> new Svrg(sgd(hp("momentum", 0.9), 4), sparse, lazy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("momentum");
    assertThatThrownBy(() -> new Svrg(sgd(hp(), 4), selftestData(), lazy.withLazy(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SparseGradientSource");
    Updater scheduled =
        new Updater(
            OptimizerRegistry.create("sgd", Svrg.innerHyperparams(Map.of(), 4, 1)),
            LrSchedulers.create("factor", Map.of("step", 2, "factor", 0.5)));
    assertThatThrownBy(() -> new Svrg(scheduled, sparse, lazy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schedule");
  }

  // ------------------------------------------------------------------ aggregation (6.5)

  @Test
  void fullKeysMatchTheExactSuffixOnly() {
    assertThat(FullGradientAggregator.fullKey("fc1_weight")).isEqualTo("fc1_weight_full");
    assertThat(FullGradientAggregator.isFullKey("fc1_weight_full")).isTrue();
    assertThat(FullGradientAggregator.isFullKey("fullyconnected0_weight")).isFalse();
    assertThat(FullGradientAggregator.isFullKey("fc_full_weight")).isFalse();
    assertThat(FullGradientAggregator.isFullKey("_full")).isFalse();
    assertThat(FullGradientAggregator.paramOf("fullyconnected0_weight_full"))
        .isEqualTo("fullyconnected0_weight");
    InJvmFullGradientAggregator agg = new InJvmFullGradientAggregator(1);
    assertThatThrownBy(() -> agg.push("fullyconnected0_weight", 0, new double[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Rows {@code i % parts == part} of the self-test data. */
  private static LinearRegression selftestPart(int part, int parts) {
    SplitMix64 r = new SplitMix64(99);
    double[][] xs = new double[20][3];
    double[] ys = new double[20];
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 3; j++) {
        xs[i][j] = r.sym();
      }
      ys[i] = xs[i][0] * 1.0 + xs[i][1] * -2.0 + xs[i][2] * 0.5;
    }
    int n = (20 - part + parts - 1) / parts;
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = xs[part + parts * i];
      y[i] = ys[part + parts * i];
    }
    return new LinearRegression(x, y);
  }

  @Test
  void devicesOnOneThreadEachGetSumOverD() {
    // the reference self-test: two devices with every other example, batch 4 (pad 2 on 10)
    double[] wSnap = {0.1, 0.2, 0.3};
    InJvmFullGradientAggregator agg = new InJvmFullGradientAggregator(2);
    double[][] local = new double[2][];
    Svrg[] devices = new Svrg[2];
    for (int d = 0; d < 2; d++) {
      LinearRegression part = selftestPart(d, 2);
      Svrg alone = new Svrg(sgd(hp(), 4), part, Svrg.Options.of(4, 1));
      alone.fullGradientPass(Store.of(wSnap.clone()));
      local[d] = alone.mu().clone();
      devices[d] = new Svrg(sgd(hp(), 4), part, Svrg.Options.of(4, 1).withAggregator(agg, d));
    }
    // one thread drives both devices: push both, then pull both
    String key = FullGradientAggregator.fullKey("weight");
    agg.push(key, 0, local[0]);
    agg.push(key, 1, local[1]);
    double[] got0 = new double[3];
    double[] got1 = new double[3];
    agg.pull(key, 0, got0);
    agg.pull(key, 1, got1);
    double[] want = new double[3];
    for (int j = 0; j < 3; j++) {
      want[j] = (local[0][j] + local[1][j]) / 2;
    }
    assertThat(got0).containsExactly(want);
    assertThat(got1).containsExactly(want);
    // the drivers' own passes in turn on this thread would block (each pulls before the other
    // pushed), so the driver path is exercised on threads below
    assertThat(devices[1].options().aggregator()).isSameAs(agg);
  }

  @Test
  void threeWorkersOnThreadsAggregateEveryRound() throws Exception {
    int workers = 3;
    InJvmFullGradientAggregator agg = new InJvmFullGradientAggregator(workers);
    String key = FullGradientAggregator.fullKey("fc_weight");
    int rounds = 4;
    double[][][] got = new double[workers][rounds][];
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int p = 0; p < workers; p++) {
      final int me = p;
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int round = 0; round < rounds; round++) {
                    double[] partial = {me + 1.0, 10.0 * (me + 1) + round, -round};
                    agg.push(key, me, partial);
                    double[] out = new double[3];
                    agg.pull(key, me, out);
                    got[me][round] = out;
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive()).as("worker finished").isFalse();
    }
    assertThat(errors).isEmpty();
    for (int round = 0; round < rounds; round++) {
      // S = sum over workers, a fresh sum every round; each gets S/3
      double[] want = {(1.0 + 2.0 + 3.0) / 3, (10.0 + 20.0 + 30.0 + 3 * round) / 3, -round};
      for (int p = 0; p < workers; p++) {
        assertThat(got[p][round]).as("worker %d round %d", p, round).containsExactly(want);
      }
    }
  }

  @Test
  void svrgDriversOnThreeThreadsShareTheAggregatedMu() throws Exception {
    int workers = 3;
    InJvmFullGradientAggregator agg = new InJvmFullGradientAggregator(workers);
    double[] w0 = {0.3, -0.2, 0.1};
    double[][] mus = new double[workers][];
    double[][] locals = new double[workers][];
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int p = 0; p < workers; p++) {
      final int me = p;
      LinearRegression part = selftestPart(me, workers);
      Svrg alone = new Svrg(sgd(hp(), 3), part, Svrg.Options.of(3, 1));
      alone.fullGradientPass(Store.of(w0.clone()));
      locals[me] = alone.mu().clone();
      Svrg svrg = new Svrg(sgd(hp(), 3), part, Svrg.Options.of(3, 1).withAggregator(agg, me));
      Thread t =
          new Thread(
              () -> {
                try {
                  svrg.fullGradientPass(Store.of(w0.clone()));
                  mus[me] = svrg.mu().clone();
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(errors).isEmpty();
    double[] want = new double[3];
    for (int j = 0; j < 3; j++) {
      want[j] = ((locals[0][j] + locals[1][j]) + locals[2][j]) / workers;
    }
    for (int p = 0; p < workers; p++) {
      assertThat(mus[p]).containsExactly(want);
    }
  }
}
