package io.riffle.store.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.riffle.store.features.Allocations;
import io.riffle.store.features.SparseVector;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  /** What the test remembers of every example it added. */
  private record Ex(int[] idx, float[] val, double label, float weight, float loss) {}

  private static Ex randomExample(SplittableRandom rnd, int maxNnz, long seq) {
    int nnz = rnd.nextInt(0, maxNnz + 1);
    int[] idx = new int[nnz];
    float[] val = new float[nnz];
    for (int k = 0; k < nnz; k++) {
      idx[k] = rnd.nextInt(1 << 20);
      val[k] = (float) rnd.nextGaussian();
    }
    // every third example without a progressive loss
    return new Ex(idx, val, seq * 0.5, (float) (seq % 7), seq % 3 == 0 ? Float.NaN : seq * 0.25f);
  }

  private static void add(ReplayWindow w, Ex e) {
    w.add(e.idx, e.val, 0, e.idx.length, e.label, e.weight, e.loss);
  }

  /** The window must hold exactly the newest size() examples added, in order, intact. */
  private static void assertHoldsNewest(ReplayWindow w, List<Ex> added) {
    int size = w.size();
    assertThat(w.oldestSequence()).isEqualTo(added.size() - size);
    assertThat(w.nextSequence()).isEqualTo(added.size());
    long live = 0;
    for (int p = 0; p < size; p++) {
      Ex e = added.get(added.size() - size + p);
      int off = w.offset(p);
      assertThat(w.nnz(p)).as("nnz at %d", p).isEqualTo(e.idx.length);
      for (int k = 0; k < e.idx.length; k++) {
        assertThat(w.indices()[off + k]).isEqualTo(e.idx[k]);
        assertThat(w.values()[off + k]).isEqualTo(e.val[k]);
      }
      assertThat(w.label(p)).isEqualTo(e.label);
      assertThat(w.weight(p)).isEqualTo(e.weight);
      assertThat(Float.floatToIntBits(w.loss(p))).isEqualTo(Float.floatToIntBits(e.loss));
      assertThat(w.sequence(p)).isEqualTo(added.size() - size + p);
      live += e.idx.length;
    }
    assertThat(w.liveEntries()).isEqualTo(live);
  }

  @Test
  void windowShouldHoldTheNewestExamplesIntactUnderRandomLoad() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (long maxBytes : new long[] {1024, 4000, 50_000}) {
      ReplayWindow w = new ReplayWindow(maxBytes, 0.2);
      List<Ex> added = new ArrayList<>();
      for (int t = 0; t < 3000; t++) {
        Ex e = randomExample(rnd, t % 500 < 250 ? 12 : 40, t);
        add(w, e);
        added.add(e);
        assertThat(w.bytesAllocated()).isLessThanOrEqualTo(maxBytes);
        if (t % 37 == 0 || t > 2950) {
          assertHoldsNewest(w, added);
        }
      }
      assertThat(w.evictedCount()).isEqualTo(3000 - w.size());
    }
  }

  @Test
  void fullWindowShouldEvictOldestFirst() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    List<Ex> added = new ArrayList<>();
    for (int t = 0; t < 500; t++) {
      Ex e = new Ex(new int[] {t, t + 1}, new float[] {1, 2}, t, 1, t);
      add(w, e);
      added.add(e);
    }
    assertThat(w.evictedCount()).isPositive();
    assertThat(w.size()).isLessThan(500);
    assertThat(w.label(0)).isEqualTo(500 - w.size());
    assertThat(w.label(w.size() - 1)).isEqualTo(499);
    assertHoldsNewest(w, added);
  }

  @Test
  void entriesShouldWrapAroundAndStayContiguous() {
    // 3 entries per example into a ring whose size is not a multiple of 3: every lap leaves a
    // padding gap at the end and restarts at 0
    ReplayWindow w = new ReplayWindow(1024, 0);
    List<Ex> added = new ArrayList<>();
    boolean sawWrap = false;
    int lastOffset = -1;
    for (int t = 0; t < 2000; t++) {
      Ex e = new Ex(new int[] {3 * t, 3 * t + 1, 3 * t + 2}, new float[] {t, -t, 0.5f}, t, 2, -t);
      add(w, e);
      added.add(e);
      int off = w.offset(w.size() - 1);
      if (off < lastOffset) {
        sawWrap = true;
        assertThat(off).isZero();
      }
      lastOffset = off;
      assertThat(off + 3).isLessThanOrEqualTo(w.entryCapacity());
    }
    assertThat(sawWrap).isTrue();
    assertHoldsNewest(w, added);
  }

  @Test
  void windowShouldUseMostOfItsBudgetButNeverMore() {
    long maxBytes = 1 << 20;
    ReplayWindow w = new ReplayWindow(maxBytes, 0.1);
    SplittableRandom rnd = new SplittableRandom(11);
    long maxSeen = 0;
    for (int t = 0; t < 60_000; t++) {
      add(w, randomExample(rnd, 30, t));
      maxSeen = Math.max(maxSeen, w.bytesAllocated());
    }
    assertThat(maxSeen).isLessThanOrEqualTo(maxBytes);
    assertThat(w.bytesAllocated()).isGreaterThan(maxBytes * 9 / 10);
    // about 15 entries per example: (15 * 8 + 20) bytes each, less padding and slack
    assertThat(w.size()).isBetween(4_000, (int) (maxBytes / (15 * 8 + 20) * 11 / 10));
    assertThat(w.liveEntries() * ReplayWindow.BYTES_PER_ENTRY).isLessThanOrEqualTo(maxBytes);
  }

  @Test
  void zeroLengthExamplesShouldBeHeld() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    List<Ex> added = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(2);
    for (int t = 0; t < 400; t++) {
      Ex e =
          rnd.nextInt(3) == 0
              ? randomExample(rnd, 9, t)
              : new Ex(new int[0], new float[0], t, 1, Float.NaN);
      add(w, e);
      added.add(e);
      assertHoldsNewest(w, added);
    }
  }

  @Test
  void addShouldRejectExampleLargerThanTheWindow() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    assertThatThrownBy(() -> w.add(new int[200], new float[200], 0, 200, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nnz=200")
        .hasMessageContaining("maxBytes=1024");
  }

  @Test
  void addShouldRejectNonFiniteLabelOrWeight() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    assertThatThrownBy(() -> w.add(new int[1], new float[1], 0, 1, Double.NaN, 1))
        .hasMessageContaining("label NaN");
    assertThatThrownBy(() -> w.add(new int[1], new float[1], 0, 1, 1, Float.POSITIVE_INFINITY))
        .hasMessageContaining("weight Infinity");
    assertThatThrownBy(() -> w.add(new int[1], new float[1], 0, 2, 1, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void addShouldTakeASparseVector() {
    ReplayWindow w = new ReplayWindow(4096, 0);
    SparseVector x = new SparseVector();
    x.add(4, 1.5f);
    x.add(9, -2f);
    w.add(x, 1, 0.5f);
    assertThat(w.nnz(0)).isEqualTo(2);
    assertThat(w.indices()[w.offset(0) + 1]).isEqualTo(9);
    assertThat(w.values()[w.offset(0)]).isEqualTo(1.5f);
  }

  @Test
  void holdoutShouldBeTheNewestFraction() {
    ReplayWindow w = new ReplayWindow(1 << 16, 0.25);
    for (int t = 0; t < 10; t++) {
      w.add(new int[] {t}, new float[] {1}, 0, 1, t, 1);
    }
    assertThat(w.holdoutSize()).isEqualTo(2);
    assertThat(w.trainSize()).isEqualTo(8);
    List<Double> train = new ArrayList<>();
    List<Double> holdout = new ArrayList<>();
    w.forEachTrain((seq, idx, val, off, nnz, label, weight) -> train.add(label));
    w.forEachHoldout((seq, idx, val, off, nnz, label, weight) -> holdout.add(label));
    assertThat(train).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
    assertThat(holdout).containsExactly(8.0, 9.0);
  }

  @Test
  void holdoutShouldBeEmptyWhenFractionIsZeroOrWindowTiny() {
    ReplayWindow none = new ReplayWindow(1 << 16, 0);
    ReplayWindow tiny = new ReplayWindow(1 << 16, 0.3);
    for (ReplayWindow w : List.of(none, tiny)) {
      w.add(new int[] {1}, new float[] {1}, 0, 1, 0, 1);
      w.add(new int[] {2}, new float[] {1}, 0, 1, 0, 1);
      w.add(new int[] {3}, new float[] {1}, 0, 1, 0, 1);
    }
    assertThat(none.holdoutSize()).isZero();
    assertThat(tiny.holdoutSize()).isZero(); // floor(3 * 0.3) = 0
    tiny.add(new int[] {4}, new float[] {1}, 0, 1, 0, 1);
    assertThat(tiny.holdoutSize()).isEqualTo(1);
  }

  @Test
  void forEachShouldVisitInOrderWithSequenceNumbers() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    for (int t = 0; t < 300; t++) {
      w.add(new int[] {t}, new float[] {t}, 0, 1, t, 1);
    }
    long[] expected = {w.oldestSequence()};
    w.forEach(
        (seq, idx, val, off, nnz, label, weight) -> {
          assertThat(seq).isEqualTo(expected[0]);
          assertThat(idx[off]).isEqualTo((int) seq);
          assertThat(label).isEqualTo(seq);
          expected[0]++;
        });
    assertThat(expected[0]).isEqualTo(300);
    assertThat(w.positionOf(299)).isEqualTo(w.size() - 1);
    assertThat(w.positionOf(0)).isEqualTo(-1);
    assertThat(w.positionOf(300)).isEqualTo(-1);
  }

  /** A reusable visitor: summing into fields allocates nothing. */
  private static final class Summer implements ExampleVisitor {
    double sum;

    @Override
    public void accept(
        long seq, int[] idx, float[] val, int off, int nnz, double label, float weight) {
      for (int k = off; k < off + nnz; k++) {
        sum += val[k] * weight;
      }
    }
  }

  @Test
  void iterationShouldNotAllocate() {
    ReplayWindow w = new ReplayWindow(1 << 18, 0.1);
    SplittableRandom rnd = new SplittableRandom(4);
    for (int t = 0; t < 20_000; t++) {
      add(w, randomExample(rnd, 20, t));
    }
    Summer s = new Summer();
    Runnable pass =
        () -> {
          w.forEachTrain(s);
          w.forEachHoldout(s);
          for (int p = 0; p < w.size(); p++) {
            s.sum += w.label(p) + w.nnz(p) + w.offset(p);
          }
        };
    for (int i = 0; i < 50; i++) {
      pass.run();
    }
    assertThat(Allocations.measure(pass, 50)).as("bytes allocated by 50 passes").isLessThan(1024);
  }

  @Test
  void steadyStateAddShouldNotAllocate() {
    ReplayWindow w = new ReplayWindow(1 << 16, 0.1);
    int[] idx = new int[10];
    float[] val = new float[10];
    Runnable addOne = () -> w.add(idx, val, 0, 10, 1, 1);
    for (int i = 0; i < 50_000; i++) {
      addOne.run();
    }
    assertThat(Allocations.measure(addOne, 10_000)).isLessThan(1024);
  }

  @Test
  void visitorThatAddsShouldFailFast() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    w.add(new int[] {1}, new float[] {1}, 0, 1, 0, 1);
    w.add(new int[] {2}, new float[] {1}, 0, 1, 0, 1);
    assertThatThrownBy(
            () ->
                w.forEach(
                    (seq, idx, val, off, nnz, label, weight) ->
                        w.add(new int[] {3}, new float[] {1}, 0, 1, 0, 1)))
        .isInstanceOf(ConcurrentModificationException.class);
  }

  @Test
  void copyShouldBeIndependentAndEqual() {
    ReplayWindow w = new ReplayWindow(2048, 0.5);
    SplittableRandom rnd = new SplittableRandom(8);
    List<Ex> added = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      Ex e = randomExample(rnd, 6, t);
      add(w, e);
      added.add(e);
    }
    ReplayWindow c = w.copy();
    assertHoldsNewest(c, added);
    assertThat(c.bytesAllocated()).isEqualTo(w.bytesAllocated());
    List<Ex> more = new ArrayList<>(added);
    for (int t = 300; t < 400; t++) {
      Ex e = randomExample(rnd, 6, t);
      add(c, e);
      more.add(e);
    }
    assertHoldsNewest(w, added);
    assertHoldsNewest(c, more);
  }

  @Test
  void exportedStateShouldRestoreExamplesAndLossesAndLoadStateWithoutLosses() {
    SplittableRandom rnd = new SplittableRandom(17);
    ReplayWindow w = new ReplayWindow(4000, 0.1);
    List<Ex> added = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Ex e = randomExample(rnd, 12, i);
      added.add(e);
      add(w, e);
    }
    ReplayWindow back = new ReplayWindow(4000, 0.1);
    back.importState(w.exportState());
    assertHoldsNewest(back, added);
    // a state written before losses were kept: the examples load, every loss unknown
    var old = new java.util.LinkedHashMap<>(w.exportState());
    old.remove("losses");
    ReplayWindow legacy = new ReplayWindow(4000, 0.1);
    legacy.importState(old);
    assertThat(legacy.size()).isEqualTo(w.size());
    for (int p = 0; p < legacy.size(); p++) {
      assertThat(legacy.label(p)).isEqualTo(w.label(p));
      assertThat(legacy.loss(p)).isNaN();
    }
    // and it keeps adding with losses
    legacy.add(new int[] {1}, new float[] {1f}, 0, 1, 1.0, 1f, 0.5f);
    assertThat(legacy.loss(legacy.size() - 1)).isEqualTo(0.5f);
  }

  @Test
  void nonFiniteLossShouldBeStoredAsUnknown() {
    ReplayWindow w = new ReplayWindow(4000, 0.1);
    w.add(new int[] {1}, new float[] {1f}, 0, 1, 1.0, 1f, Float.POSITIVE_INFINITY);
    w.add(new SparseVector(), 0.0, 1f);
    assertThat(w.loss(0)).isNaN();
    assertThat(w.loss(1)).isNaN();
  }

  @Test
  void clearShouldEmptyButKeepSequenceNumbers() {
    ReplayWindow w = new ReplayWindow(1024, 0);
    w.add(new int[] {1}, new float[] {1}, 0, 1, 0, 1);
    w.clear();
    assertThat(w.isEmpty()).isTrue();
    assertThat(w.oldestSequence()).isEqualTo(1);
    w.add(new int[] {2}, new float[] {1}, 0, 1, 0, 1);
    assertThat(w.sequence(0)).isEqualTo(1);
  }

  @Test
  void optionsShouldValidateAndRoundTripThroughJson() throws Exception {
    assertThatThrownBy(() -> new ReplayOptions(100, 0.1)).hasMessageContaining("maxBytes=100");
    assertThatThrownBy(() -> new ReplayOptions(4096, 1)).hasMessageContaining("holdoutFraction");
    assertThatThrownBy(() -> new ReplayOptions(4096, -0.1)).hasMessageContaining("holdoutFraction");
    ObjectMapper json = new ObjectMapper();
    ReplayOptions o = new ReplayOptions(1 << 20, 0.2);
    assertThat(json.readValue(json.writeValueAsString(o), ReplayOptions.class)).isEqualTo(o);
    assertThat(json.readValue("{}", ReplayOptions.class)).isEqualTo(ReplayOptions.defaults());
  }
}
