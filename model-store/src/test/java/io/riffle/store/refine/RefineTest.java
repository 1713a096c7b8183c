package io.riffle.store.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.optim.Store;
import io.riffle.store.features.HashingSpec;
import io.riffle.store.learn.Model;
import io.riffle.store.learn.ModelSpec;
import io.riffle.store.model.ModelKindSpec;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.replay.ReplayWindow;
import io.riffle.store.shard.ModelShard;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefineTest {
  private static final int N = 4000;

  private static ModelSpec ftrl(int shards) {
    return ModelSpec.of(ModelKindSpec.of("logistic"))
        .withHashing(HashingSpec.defaults().withBits(18))
        .withShards(shards)
        .withOptimizer("ftrl", Map.of());
  }

  private static Model trained(ModelSpec spec, long seed, boolean sparseTruth, int n) {
    Model m = new Model("m", spec);
    Stream s = new Stream(seed, sparseTruth);
    for (int i = 0; i < n; i++) {
      s.next();
      m.learn(s.features, s.label, 1.0);
    }
    return m;
  }

  private static double weight(Model m, int row) {
    ModelShard[] sh = m.shards();
    return sh[row % sh.length].weight(row / sh.length, 0);
  }

  private static Store[] weightsOf(Model m) {
    Store[] out = new Store[m.shards().length * 3];
    for (int s = 0; s < m.shards().length; s++) {
      out[3 * s] = m.shards()[s].weights().copy();
      out[3 * s + 1] = m.shards()[s].state().array(0).copy();
      out[3 * s + 2] = m.shards()[s].state().array(1).copy();
    }
    return out;
  }

  @Test
  void svrgAndLbfgsShouldBeatOnlineFtrlOnTheHeldBackTail() {
    Model live = trained(ftrl(2), 7, true, N);
    RefineResult svrg = RefineJob.refine(live, RefineSpec.of("svrg"));
    RefineResult lbfgs = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    RefineResult adagrad = RefineJob.refine(live, RefineSpec.of("adagrad").withEpochs(3));
    for (RefineResult r : new RefineResult[] {svrg, lbfgs, adagrad}) {
      System.out.printf(
          "%-8s %s; status %s, %d steps, %d ms%n",
          r.method(), r.message(), r.status(), r.steps(), r.millis());
    }
    assertThat(svrg.trainExamples()).isEqualTo(N - N / 10);
    assertThat(svrg.holdoutExamples()).isEqualTo(N / 10);
    assertThat(svrg.promotable()).isTrue();
    assertThat(svrg.challengerLoss()).isLessThan(svrg.liveLoss());
    assertThat(lbfgs.promotable()).isTrue();
    assertThat(lbfgs.challengerLoss()).isLessThan(lbfgs.liveLoss());
    assertThat(adagrad.status()).isNotEqualTo(RefineStatus.FAILED);
    // both refine towards the same optimum: their held-back losses are close
    assertThat(Math.abs(svrg.challengerLoss() - lbfgs.challengerLoss())).isLessThan(0.02);

    // and on fresh examples of the same stream, scored without learning, the promoted models
    // beat the live one at the same point (a check independent of the judge)
    Stream fresh = new Stream(7, true);
    for (int i = 0; i < N; i++) {
      fresh.next(); // the examples the models learned
    }
    Model ps = Promotion.promote(live, svrg);
    Model pl = Promotion.promote(live, lbfgs);
    double[] loss = new double[3];
    int m = 4000;
    for (int i = 0; i < m; i++) {
      fresh.next();
      int k = 0;
      for (Model x : new Model[] {live, ps, pl}) {
        double p = x.predict(fresh.features, 0, new double[0], false, 1).outputs()[0];
        loss[k++] -= Math.log(fresh.label > 0 ? p : 1 - p) / m;
      }
    }
    System.out.printf(
        "fresh %d examples, log loss: online ftrl %.4f, promoted svrg %.4f, promoted lbfgs %.4f%n",
        m, loss[0], loss[1], loss[2]);
    assertThat(loss[1]).isLessThan(loss[0]);
    assertThat(loss[2]).isLessThan(loss[0]);
  }

  @Test
  void judgeShouldUseTheLossesRecordedWhenTheTailWasLearned() {
    Model live = new Model("m", ftrl(1));
    Stream s = new Stream(31, false);
    double[] progressive = new double[2000];
    for (int i = 0; i < progressive.length; i++) {
      s.next();
      progressive[i] = live.learn(s.features, s.label, 1.0);
    }
    RefineResult r = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    double expected = 0;
    for (int i = r.trainExamples(); i < progressive.length; i++) {
      expected += (float) progressive[i];
    }
    expected /= r.holdoutExamples();
    assertThat(r.liveLoss()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    // the live model's loss on the tail it has learned is lower: it would be an unfair judge
    double inSample = RefineJob.holdoutLoss(live, r.trainExamples(), live.window().size());
    assertThat(inSample).isLessThan(r.liveLoss());
    assertThat(r.message()).contains("as recorded when learned");

    // a window without recorded losses (restored from an older snapshot) falls back to in-sample
    var state = new java.util.LinkedHashMap<>(live.window().exportState());
    state.remove("losses");
    live.window().importState(state);
    RefineResult old = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    assertThat(old.liveLoss()).isEqualTo(inSample);
    assertThat(old.message()).contains("none recorded, in-sample instead");
    // the challenger's side is the same either way
    assertThat(old.challengerLoss()).isEqualTo(r.challengerLoss());
  }

  @Test
  void rowsTheTailTouchesShouldNotLeakIntoTheChallenger() {
    ModelSpec spec = ftrl(1);
    Model live = trained(spec, 41, false, 1800);
    // "late" appears in the 200 newest examples only: the held-back tail
    Stream s = new Stream(43, false);
    for (int i = 0; i < 200; i++) {
      s.next();
      s.features.put("late", 1.0);
      live.learn(s.features, s.label, 1.0);
    }
    int late = Stream.row(spec.hashing(), "late");
    assertThat(weight(live, late)).isNotZero();
    RefineJob job = RefineJob.prepare(live, RefineSpec.of("lbfgs"));
    RefineResult r = job.run();
    assertThat(r.holdoutExamples()).isEqualTo(200);
    // every row the tail touches (the 100 pool features, the bias and "late") starts from 0
    assertThat(r.message()).contains("with the 102 rows the tail touches reset to 0");
    // the challenger relearned it over the tail, as the live model did
    assertThat(weight(r.challenger(), late)).isNotZero();
  }

  @Test
  void divergingRefinementShouldNotBePromotableAndLeaveTheLiveModelBitIdentical() {
    Model live = trained(ftrl(2), 11, false, 2000);
    Store[] before = weightsOf(live);
    long examples = live.examples();
    RefineResult r =
        RefineJob.refine(
            live, RefineSpec.of("svrg").withOptimizerParams(Map.of("learning_rate", 1e12)));
    System.out.printf("huge lr: %s; %s%n", r.status(), r.message());
    assertThat(r.promotable()).isFalse();
    assertThat(r.challengerLoss()).isNotNaN();
    assertThatThrownBy(() -> Promotion.promote(live, r)).isInstanceOf(IllegalStateException.class);
    Store[] after = weightsOf(live);
    for (int i = 0; i < before.length; i++) {
      assertThat(after[i].bitEquals(before[i])).isTrue();
    }
    assertThat(live.examples()).isEqualTo(examples);

    // squared loss with a huge rate overflows: the job fails instead of producing NaN
    ModelSpec sq = ftrl(1).withOptimizer("sgd", Map.of("learning_rate", 0.01));
    sq =
        new ModelSpec(
            ModelKindSpec.of("squared"),
            sq.hashing(),
            1,
            "sgd",
            Map.of("learning_rate", 0.01),
            null,
            null,
            null,
            null,
            null);
    Model reg = new Model("r", sq);
    Stream s = new Stream(3, false);
    for (int i = 0; i < 1000; i++) {
      s.next();
      reg.learn(s.features, s.label * 3, 1.0);
    }
    Store w0 = reg.shards()[0].weights().copy();
    RefineResult f =
        RefineJob.refine(
            reg, RefineSpec.of("sgd").withOptimizerParams(Map.of("learning_rate", 1e6)));
    System.out.printf("squared, huge lr: %s; %s%n", f.status(), f.message());
    assertThat(f.status()).isEqualTo(RefineStatus.FAILED);
    assertThat(f.challenger()).isNull();
    assertThat(reg.shards()[0].weights().bitEquals(w0)).isTrue();
  }

  @Test
  void promotionShouldReplayTheExamplesLearnedDuringTheJob() {
    ModelSpec spec = ftrl(2);
    Model live = trained(spec, 5, true, N);
    RefineJob job = RefineJob.prepare(live, RefineSpec.of("lbfgs"));
    // the live model keeps learning while the job runs; "novel" appears only now
    Stream s = new Stream(99, false);
    for (int i = 0; i < 50; i++) {
      s.next();
      s.features.put("novel", 1.0);
      live.learn(s.features, 1.0, 1.0);
    }
    RefineResult r = job.run();
    assertThat(r.promotable()).isTrue();
    int novel = Stream.row(spec.hashing(), "novel");
    assertThat(weight(r.challenger(), novel)).isZero();
    assertThat(weight(live, novel)).isNotZero();

    Model promoted = Promotion.promote(live, r);
    System.out.printf(
        "promoted: examples %d (live %d), novel weight %.4f (live %.4f)%n",
        promoted.examples(), live.examples(), weight(promoted, novel), weight(live, novel));
    assertThat(promoted.examples()).isEqualTo(live.examples()).isEqualTo(N + 50);
    assertThat(weight(promoted, novel)).isPositive();
    assertThat(promoted.window().size()).isEqualTo(live.window().size());
    assertThat(promoted.updater().numUpdate()).isEqualTo(live.updater().numUpdate());
    // the promoted model keeps learning from where it is: a refined row is not snapped back
    int f0 = Stream.row(spec.hashing(), Stream.name(0));
    double before = weight(promoted, f0);
    promoted.learn(Map.of(Stream.name(0), 1.0), 1.0, 1.0);
    assertThat(Math.abs(weight(promoted, f0) - before)).isLessThan(0.1);
  }

  @Test
  void promotionShouldRestartThePosteriorFromTheRefinedWeights() {
    ModelSpec spec = ftrl(2).withPosterior(PosteriorSpec.defaults());
    Model live = trained(spec, 21, true, N);
    RefineResult r = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    assertThat(r.promotable()).isTrue();
    Model promoted = Promotion.promote(live, r);
    Stream s = new Stream(4, false).next();
    var p = promoted.predict(s.features, 16, new double[] {0.1, 0.9}, false, 1);
    assertThat(p.outputs()[0]).isBetween(0.0, 1.0);
    assertThat(p.uncertainty().get(0).std()).isPositive().isFinite();
    for (int i = 0; i < 200; i++) {
      promoted.learn(s.next().features, s.label, 1.0);
    }
    assertThat(promoted.examples()).isEqualTo(N + 200);
  }

  @Test
  void owlqnShouldGiveExactZerosForIrrelevantFeatures() {
    // the solver's own result: a job's challenger continues online over the tail after it
    ModelSpec spec = ftrl(1);
    Model live = trained(spec, 13, true, N);
    TrainingSet set = TrainingSet.of(live.window(), 0, live.window().size(), live.kind());
    double[] w0 = RefineJob.gather(live, set);
    Lbfgs.Outcome out =
        new Lbfgs(set.dimension(), RefineSpec.DEFAULT_HISTORY)
            .minimize(RefineJob.objective(set, 0), w0, 0.01, 100, 1e-7);
    assertThat(out.value()).isFinite();
    java.util.Map<Integer, Double> byRow = new java.util.HashMap<>();
    for (int a = 0; a < set.activeRows(); a++) {
      byRow.put(set.row(a), w0[a]);
    }
    int zeros = 0;
    int relevantNonZero = 0;
    for (int k = 0; k < Stream.POOL; k++) {
      double w = byRow.get(Stream.row(spec.hashing(), Stream.name(k)));
      if (k % 2 == 1 && w == 0.0) {
        zeros++;
      }
      if (k % 2 == 0 && w != 0.0) {
        relevantNonZero++;
      }
      if (k < 6) {
        System.out.printf(
            "  %s true %.1f owl-qn %.4f%n", Stream.name(k), new Stream(13, true).trueW[k], w);
      }
    }
    System.out.printf(
        "owl-qn l1=0.01: %d of 50 irrelevant exactly 0, %d of 50 relevant non-zero; %s%n",
        zeros, relevantNonZero, out);
    assertThat(zeros).isGreaterThanOrEqualTo(45);
    assertThat(relevantNonZero).isEqualTo(50);
  }

  /**
   * The service's dense model kind is a model whose rows are the vector's positions (plus a bias
   * row): refinement runs over the same window, every entry of a vector a stored feature. Single
   * output (logistic) and multi-output (softmax over 4 classes).
   */
  @Test
  void denseVectorModelsShouldRefineAndBeatTheOnlineModelOnFreshData() {
    int dim = 24;
    for (ModelKindSpec kindSpec :
        new ModelKindSpec[] {ModelKindSpec.of("logistic"), new ModelKindSpec("softmax", null, 4)}) {
      ModelSpec spec =
          ModelSpec.of(kindSpec).withHashing(HashingSpec.defaults().withBits(5)).withShards(2);
      int k = kindSpec.kind().equals("softmax") ? 4 : 1;
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(61);
      double[][] truth = new double[k][dim];
      for (double[] t : truth) {
        for (int j = 0; j < dim; j++) {
          t[j] = rnd.nextGaussian() * 0.6;
        }
      }
      Model live = new Model("d", spec);
      io.riffle.store.features.SparseVector v = new io.riffle.store.features.SparseVector();
      double[] y = new double[1];
      java.util.function.Supplier<io.riffle.store.features.SparseVector> next =
          () -> {
            v.clear();
            double[] z = new double[k];
            for (int j = 0; j < dim; j++) {
              float x = (float) rnd.nextGaussian();
              v.add(j, x);
              for (int c = 0; c < k; c++) {
                z[c] += truth[c][j] * x;
              }
            }
            v.add(dim, 1f); // bias row, as the service adds it
            if (k == 1) {
              y[0] = rnd.nextDouble() < 1 / (1 + Math.exp(-z[0])) ? 1 : 0;
            } else {
              double[] p = new double[k];
              double sum = 0;
              for (int c = 0; c < k; c++) {
                p[c] = Math.exp(z[c]);
                sum += p[c];
              }
              double u = rnd.nextDouble() * sum;
              int c = 0;
              while (c < k - 1 && (u -= p[c]) > 0) {
                c++;
              }
              y[0] = c;
            }
            return v;
          };
      for (int i = 0; i < 3000; i++) {
        live.learnOne(next.get(), y[0], 1.0);
      }
      RefineResult r = RefineJob.refine(live, RefineSpec.of("lbfgs"));
      System.out.printf("dense %s: %s; %s%n", kindSpec.kind(), r.status(), r.message());
      assertThat(r.promotable()).isTrue();
      Model promoted = Promotion.promote(live, r);
      double liveFresh = 0;
      double promotedFresh = 0;
      int m = 3000;
      for (int i = 0; i < m; i++) {
        io.riffle.store.features.SparseVector x = next.get();
        liveFresh += freshLoss(live, x, y[0]) / m;
        promotedFresh += freshLoss(promoted, x, y[0]) / m;
      }
      System.out.printf(
          "dense %s, fresh %d: online ftrl %.4f, promoted lbfgs %.4f%n",
          kindSpec.kind(), m, liveFresh, promotedFresh);
      assertThat(promotedFresh).isLessThan(liveFresh);
    }
  }

  /** Log loss of {@code m} on hashed {@code x}, without learning. */
  private static double freshLoss(Model m, io.riffle.store.features.SparseVector x, double label) {
    var p = m.predictHashed(x, 0, new double[0], false, 1).outputs();
    double q = p.length == 1 ? (label > 0 ? p[0] : 1 - p[0]) : p[(int) label];
    return -Math.log(Math.max(q, 1e-15));
  }

  /**
   * The promotion rule is a paired z test on the tail: the same challenger that clears the default
   * bar is rejected when the bar is set above its z, and the live model stays as it was.
   */
  @Test
  void aChallengerBelowTheRequiredSignificanceShouldBeRejected() throws Exception {
    Model live = trained(ftrl(2), 7, true, N);
    RefineResult ok = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    assertThat(ok.promotable()).isTrue();
    assertThat(ok.improvementZ()).isGreaterThan(RefineSpec.DEFAULT_MIN_Z);
    double bar = Math.ceil(ok.improvementZ()) + 1;
    RefineSpec strict =
        new ObjectMapper()
            .readValue("{\"method\":\"lbfgs\",\"minZ\":" + bar + "}", RefineSpec.class);
    Store[] before = weightsOf(live);
    RefineResult no = RefineJob.refine(live, strict);
    assertThat(no.status()).isEqualTo(RefineStatus.REJECTED);
    assertThat(no.challengerLoss()).isEqualTo(ok.challengerLoss());
    assertThat(no.improvementZ()).isEqualTo(ok.improvementZ());
    assertThat(no.message()).contains("promotion needs z >= " + bar);
    Store[] after = weightsOf(live);
    for (int i = 0; i < before.length; i++) {
      for (int c = 0; c < before[i].length(); c++) {
        assertThat(after[i].get(c)).isEqualTo(before[i].get(c));
      }
    }
  }

  /**
   * With no {@code l2} given, L-BFGS picks a multiple of the matched penalty on a validation split
   * of the training part (so the judge's tail has no say); one candidate, or a given {@code l2},
   * skips the search.
   */
  @Test
  void lbfgsShouldChooseItsPenaltyOnAValidationSplitUnlessGivenOne() throws Exception {
    Model live = trained(ftrl(1), 11, true, N);
    ObjectMapper json = new ObjectMapper();
    RefineResult searched = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    assertThat(searched.message())
        .containsPattern("matched x [0-9.]+ chosen on 400 validation examples \\(x10.0 [0-9.]+,");
    RefineResult one =
        RefineJob.refine(
            live, json.readValue("{\"method\":\"lbfgs\",\"l2Candidates\":[1]}", RefineSpec.class));
    assertThat(one.message()).contains(", matched, kernel ").doesNotContain("chosen");
    RefineResult given =
        RefineJob.refine(
            live, json.readValue("{\"method\":\"lbfgs\",\"l2\":0.5}", RefineSpec.class));
    assertThat(given.message()).contains("l2 0.500, given");
    // a heavy penalty fits worse than the searched one on the same tail
    assertThat(given.challengerLoss()).isGreaterThan(searched.challengerLoss());
  }

  /**
   * One example with a huge feature value sets {@code L_max}: SVRG's uniform safe step {@code 1 /
   * L_max} then barely moves, while importance sampling steps at {@code 1 / mean L} and refines.
   */
  @Test
  void importanceSamplingShouldKeepSvrgMovingWhenOneExampleHasAHugeNorm() throws Exception {
    Model live = new Model("m", ftrl(1));
    Stream s = new Stream(5, true);
    for (int i = 0; i < N; i++) {
      s.next();
      if (i == 100) {
        s.features.put("outlier", 1000.0);
      }
      live.learn(s.features, s.label, 1.0);
    }
    ObjectMapper json = new ObjectMapper();
    RefineResult uniform =
        RefineJob.refine(
            live,
            json.readValue("{\"method\":\"svrg\",\"sampling\":\"uniform\"}", RefineSpec.class));
    RefineResult importance = RefineJob.refine(live, RefineSpec.of("svrg"));
    System.out.printf(
        "outlier, uniform: %s%noutlier, importance: %s%n", uniform.message(), importance.message());
    assertThat(uniform.message()).contains("uniform sampling");
    assertThat(importance.message()).contains("importance sampling");
    assertThat(importance.challengerLoss()).isLessThan(uniform.challengerLoss());
    assertThat(importance.promotable()).isTrue();
  }

  @Test
  void aCancelledJobShouldFailAndLeaveTheLiveModelAlone() {
    Model live = trained(ftrl(1), 3, true, 2000);
    Store[] before = weightsOf(live);
    for (String method : new String[] {"svrg", "lbfgs", "adagrad"}) {
      RefineJob job = RefineJob.prepare(live, RefineSpec.of(method));
      job.cancel();
      RefineResult r = job.run();
      assertThat(r.status()).as(method).isEqualTo(RefineStatus.FAILED);
      assertThat(r.message()).as(method).contains("cancelled");
      assertThat(r.challenger()).isNull();
    }
    Store[] after = weightsOf(live);
    for (int i = 0; i < before.length; i++) {
      for (int c = 0; c < before[i].length(); c++) {
        assertThat(after[i].get(c)).isEqualTo(before[i].get(c));
      }
    }
  }

  @Test
  void pairedZShouldBeTheMeanDifferenceOverItsStandardError() {
    ReplayWindow w = new ReplayWindow(1 << 20, 0);
    for (int i = 0; i < 4; i++) {
      w.add(new int[] {i}, new float[] {1}, 0, 1, 1, 1f);
    }
    // differences 0.1, 0.3, 0.2, 0.2: mean 0.2, sample sd sqrt(0.02 / 3), se sd / 2
    double[] live = {0.5, 0.6, 0.4, 0.7};
    double[] chal = {0.4, 0.3, 0.2, 0.5};
    double se = Math.sqrt(0.02 / 3) / 2;
    assertThat(RefineJob.pairedZ(live, chal, w, 0)).isCloseTo(0.2 / se, within(1e-9));
    assertThat(RefineJob.pairedZ(chal, live, w, 0)).isCloseTo(-0.2 / se, within(1e-9));
    assertThat(RefineJob.pairedZ(new double[] {1, 1}, new double[] {0.5, 0.5}, w, 0))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(RefineJob.pairedZ(new double[] {1}, new double[] {0.5}, w, 0)).isNaN();
  }

  @Test
  void lbfgsShouldReportItsKernelAndFailWhenANamedOneIsMissing() {
    Model live = trained(ftrl(1), 7, true, 1000);
    RefineResult plain = RefineJob.refine(live, RefineSpec.of("lbfgs"));
    assertThat(plain.kernel()).isEqualTo("plain");
    assertThat(plain.message()).contains("kernel plain: sparse window");
    RefineResult nd4j = RefineJob.refine(live, RefineSpec.of("lbfgs").withKernel("nd4j"));
    assertThat(nd4j.status()).isEqualTo(RefineStatus.FAILED);
    assertThat(nd4j.kernel()).isEqualTo("plain");
    assertThat(nd4j.message()).contains("kernel nd4j requested").contains("riffle-nd4j");
    assertThat(RefineJob.refine(live, RefineSpec.of("svrg")).kernel()).isEqualTo("plain");
  }

  @Test
  void specShouldRoundTripThroughJsonWithDefaults() throws Exception {
    ObjectMapper json = new ObjectMapper();
    RefineSpec min = json.readValue("{\"method\":\"svrg\"}", RefineSpec.class);
    assertThat(min).isEqualTo(RefineSpec.of("svrg"));
    assertThat(min.optimizer()).isEqualTo("sgd");
    assertThat(min.optimizerParams()).doesNotContainKey("learning_rate");
    assertThat(min.l2()).isNull();
    assertThat(min.updateFreq()).isEqualTo(RefineSpec.DEFAULT_UPDATE_FREQ);
    assertThat(min.kernel()).isEqualTo("auto");
    RefineSpec full =
        json.readValue(
            "{\"method\":\"LBFGS\",\"history\":5,\"l1\":0.1,\"update_freq\":3,"
                + "\"everyExamples\":10000,\"holdout\":0.2,\"minZ\":2.5,\"kernel\":\"ND4J\"}",
            RefineSpec.class);
    assertThat(full.method()).isEqualTo("lbfgs");
    assertThat(full.kernel()).isEqualTo("nd4j");
    assertThat(full.updateFreq()).isEqualTo(3);
    assertThat(full.minZ()).isEqualTo(2.5);
    assertThat(min.minZ()).isEqualTo(RefineSpec.DEFAULT_MIN_Z);
    assertThat(json.readValue(json.writeValueAsString(full), RefineSpec.class)).isEqualTo(full);
    assertThatThrownBy(() -> json.readValue("{\"method\":\"newton\"}", RefineSpec.class))
        .hasMessageContaining("\"newton\"");
    assertThatThrownBy(() -> json.readValue("{\"kernel\":\"cuda\"}", RefineSpec.class))
        .hasMessageContaining("kernel \"cuda\"");
    assertThatThrownBy(() -> json.readValue("{\"holdout\":1.5}", RefineSpec.class))
        .hasMessageContaining("holdout=1.5");
    assertThatThrownBy(() -> json.readValue("{\"minZ\":-1}", RefineSpec.class))
        .hasMessageContaining("minZ=-1");
    assertThat(min.l2Candidates()).isEqualTo(RefineSpec.DEFAULT_L2_CANDIDATES);
    assertThat(min.sampling()).isEqualTo(RefineSpec.IMPORTANCE);
    assertThatThrownBy(() -> json.readValue("{\"sampling\":\"stratified\"}", RefineSpec.class))
        .hasMessageContaining("expected uniform or importance");
    assertThat(json.readValue("{\"l2Candidates\":[0.5]}", RefineSpec.class).l2Candidates())
        .containsExactly(0.5);
    assertThatThrownBy(() -> json.readValue("{\"l2Candidates\":[]}", RefineSpec.class))
        .hasMessageContaining("expected 1 to 8");
    assertThatThrownBy(() -> json.readValue("{\"l2Candidates\":[1, 0]}", RefineSpec.class))
        .hasMessageContaining("value 0.0 must be finite and > 0");
    assertThatThrownBy(
            () ->
                json.readValue(
                    "{\"method\":\"svrg\",\"optimizerParams\":{\"learning_rate\":-1}}",
                    RefineSpec.class))
        .hasMessageContaining("learning_rate=-1");
  }
}
