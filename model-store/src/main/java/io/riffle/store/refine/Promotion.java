package io.riffle.store.refine;

import io.riffle.optim.Hyperparams;
import io.riffle.optim.ParamState;
import io.riffle.optim.Store;
import io.riffle.store.features.SparseVector;
import io.riffle.store.learn.Model;
import io.riffle.store.replay.ReplayWindow;
import io.riffle.store.shard.ModelShard;

/**
 * Builds the model that goes live from a promotable {@link RefineResult}. Call on the live model's
 * writer thread; the live model is only read.
 *
 * <p><b>What the promoted model is.</b> Exactly the challenger that was judged ({@link RefineJob}:
 * refined on the window minus its held-back tail, then continued online over the tail, which is how
 * it was scored), continued online over every example the live model learned while the job ran:
 *
 * <ul>
 *   <li><b>Weights</b>: the challenger's, then every example the live model learned while the job
 *       ran replayed onto them ({@link Model#replayHashed}), in order, one example per step, so
 *       nothing the stream taught is lost.
 *   <li><b>Online optimizer state</b>: the challenger's: the live model's as of the job's start,
 *       reconciled with the refined weights by the job (for optimizers whose weight is a function
 *       of their state: FTRL's {@code z}, FTML's {@code z}, DCASGD's previous weight) and advanced
 *       by the tail, then by the replayed examples. The tail's gradients therefore enter the
 *       accumulators twice (the live model's state already held them when the job started): a
 *       slightly smaller per-coordinate rate on those rows, nothing worse. The updater's counts and
 *       schedule are then set to the live model's current ones.
 *   <li><b>Everything else</b> is the live model's now: example count, progressive metrics, replay
 *       window, ingest offsets.
 *   <li><b>Posterior</b>: the SGLD chain restarts from the promoted weights: chain and anchor move
 *       there, the full-data gradient at the anchor is rebuilt over the window, and the chain's
 *       burn-in starts again ({@link Model#restartPosterior}); the running moments are kept, so the
 *       served uncertainty neither collapses nor jumps while the chain settles. Restarting is the
 *       choice because the old chain sampled around the live weights, and its control variate is
 *       only good near the anchor: continuing it unchanged would keep sampling the old mode.
 * </ul>
 */
public final class Promotion {
  private Promotion() {}

  /**
   * Promotes with the examples learned meanwhile taken from the live model's replay window by
   * sequence number ({@code [result.startSequence(), live.window().nextSequence())}).
   *
   * @throws IllegalStateException if the result is not promotable, or some of those examples have
   *     already left the live window (pass them explicitly then)
   */
  public static Model promote(Model live, RefineResult result) {
    ReplayWindow w = live.window();
    long from = result.startSequence();
    long to = w.nextSequence();
    if (to > from && w.positionOf(from) < 0) {
      throw new IllegalStateException(
          "examples from sequence "
              + from
              + " were learned during the job but the oldest still in the window is "
              + w.oldestSequence()
              + "; pass the examples learned meanwhile explicitly");
    }
    int n = (int) (to - from);
    SparseVector[] xs = new SparseVector[n];
    double[] labels = new double[n];
    double[] weights = new double[n];
    for (int k = 0; k < n; k++) {
      int p = w.positionOf(from + k);
      xs[k] = vector(w, p);
      labels[k] = w.label(p);
      weights[k] = w.weight(p);
    }
    return promote(live, result, xs, labels, weights, n);
  }

  /**
   * Promotes with the {@code n} examples the live model learned while the job ran, in the order it
   * learned them (hashed, canonical, validated, as {@link Model#learnHashed} takes them).
   *
   * @throws IllegalStateException if the result is not promotable
   */
  public static Model promote(
      Model live,
      RefineResult result,
      SparseVector[] xs,
      double[] labels,
      double[] weights,
      int n) {
    if (!result.promotable()) {
      throw new IllegalStateException(
          "refinement result is " + result.status() + ", not promotable: " + result.message());
    }
    Model challenger = result.challenger();
    if (!challenger.spec().equals(live.spec())) {
      throw new IllegalArgumentException("the challenger was refined from a model of another spec");
    }
    Model p = live.copy();
    ModelShard[] ps = p.shards();
    ModelShard[] cs = challenger.shards();
    for (int s = 0; s < ps.length; s++) {
      // the job left the challenger's optimizer state consistent with its weights
      ps[s].weights().copyFrom(cs[s].weights());
      ps[s].state().importFrom(cs[s].state());
    }
    // replay with the challenger's update counts, then continue with the live ones
    p.updater().importState(challenger.updater().exportState());
    SparseVector[] one = new SparseVector[1];
    double[] y = new double[1];
    double[] wt = new double[1];
    for (int k = 0; k < n; k++) {
      one[0] = xs[k];
      y[0] = labels[k];
      wt[0] = weights[k];
      p.replayHashed(one, y, wt, 1);
    }
    p.updater().importState(live.updater().exportState());
    p.restartPosterior();
    return p;
  }

  private static SparseVector vector(ReplayWindow w, int pos) {
    int nnz = w.nnz(pos);
    int off = w.offset(pos);
    SparseVector v = new SparseVector(nnz);
    for (int f = off; f < off + nnz; f++) {
      v.add(w.indices()[f], w.values()[f]);
    }
    return v;
  }

  /**
   * Resets local row {@code localRow} of a shard to weight 0 with the optimizer state that learned
   * nothing towards it: the state a weight is a function of (FTRL's and FTML's {@code z}, DCASGD's
   * previous weight, the master copy) becomes 0; accumulators that only scale steps (FTRL's {@code
   * n}, Adagrad's sums, Adam's moments...) are kept.
   */
  static void forget(Model m, ModelShard shard, int localRow) {
    ParamState st = shard.state();
    Store w = shard.weights();
    int width = m.kind().outputs();
    int from = localRow * width;
    int to = from + width;
    for (int e = from; e < to; e++) {
      w.set(e, 0);
    }
    switch (m.updater().optimizer().name()) {
      case "ftrl" -> zero(st.array(0), from, to);
      case "ftml" -> zero(st.array(2), from, to);
      case "dcasgd" -> zero(st.array(st.arrayCount() - 1), from, to);
      default -> {
        // accumulators only
      }
    }
    if (st.master() != null) {
      zero(st.master(), from, to);
    }
  }

  private static void zero(Store s, int from, int to) {
    for (int e = from; e < to; e++) {
      s.set(e, 0);
    }
  }

  /**
   * Makes the optimizer state of local row {@code localRow} of a shard consistent with its (new)
   * weights, for the optimizers whose weight is a function of their state; otherwise the first step
   * on such a row would snap it back to the value the state implies.
   */
  static void reconcile(Model m, ModelShard shard, int localRow) {
    Hyperparams hp = m.updater().optimizer().hyperparams();
    ParamState st = shard.state();
    Store w = shard.weights();
    int width = m.kind().outputs();
    int from = localRow * width;
    int to = from + width;
    switch (m.updater().optimizer().name()) {
      case "ftrl" -> {
        // w = -sgn(z) max(|z| - l1, 0) / ((beta + sqrt(n))/lr + wd): invert for z, keep n
        double lr = hp.learningRate();
        double l1 = hp.real("lamda1");
        double beta = hp.real("beta");
        double wd = hp.wd();
        Store z = st.array(0);
        Store n = st.array(1);
        for (int e = from; e < to; e++) {
          double wv = w.get(e);
          if (wv != 0) {
            double denom = (beta + Math.sqrt(n.get(e))) / lr + wd;
            z.set(e, -Math.signum(wv) * (Math.abs(wv) * denom + l1));
          } else if (Math.abs(z.get(e)) > l1) {
            z.set(e, Math.copySign(l1, z.get(e)));
          }
        }
      }
      case "ftml" -> {
        // w = -z/d
        Store d = st.array(0);
        Store z = st.array(2);
        for (int e = from; e < to; e++) {
          z.set(e, -w.get(e) * d.get(e));
        }
      }
      case "dcasgd" -> {
        Store prev = st.array(st.arrayCount() - 1);
        for (int e = from; e < to; e++) {
          prev.set(e, w.get(e));
        }
      }
      default -> {
        // the other optimizers' state are accumulators: the weights are free of them
      }
    }
    if (st.master() != null) {
      for (int e = from; e < to; e++) {
        st.master().set(e, w.get(e));
      }
    }
  }
}
