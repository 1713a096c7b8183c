package io.riffle.store.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SparseVectorTest {

  @Test
  void addShouldGrowPastInitialCapacity() {
    SparseVector v = new SparseVector(2);
    for (int i = 0; i < 100; i++) {
      v.add(i, i + 0.5f);
    }
    assertThat(v.nnz()).isEqualTo(100);
    assertThat(v.capacity()).isGreaterThanOrEqualTo(100);
    assertThat(v.index(99)).isEqualTo(99);
    assertThat(v.value(99)).isEqualTo(99.5f);
  }

  @Test
  void clearShouldKeepBuffers() {
    SparseVector v = new SparseVector(4);
    v.add(1, 1f);
    int[] before = v.indices();
    v.clear();
    assertThat(v.nnz()).isZero();
    assertThat(v.indices()).isSameAs(before);
  }

  @Test
  void addShouldRejectNegativeIndex() {
    assertThatThrownBy(() -> new SparseVector().add(-1, 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index=-1");
  }

  @Test
  void sumDuplicatesShouldSortAndMerge() {
    SparseVector v = new SparseVector();
    v.add(7, 1f);
    v.add(3, 2f);
    v.add(7, 4f);
    v.add(0, 1f);
    v.add(3, -2f);
    v.sumDuplicates();
    assertThat(v.indicesCopy()).containsExactly(0, 7);
    assertThat(v.valuesCopy()).containsExactly(1f, 5f);
  }

  @Test
  void sumDuplicatesShouldMatchReferenceOnRandomInput() {
    SplittableRandom rnd = new SplittableRandom(7);
    SparseVector v = new SparseVector();
    for (int t = 0; t < 500; t++) {
      v.clear();
      TreeMap<Integer, Float> want = new TreeMap<>();
      int n = rnd.nextInt(0, t < 50 ? 30 : 3000);
      int range = rnd.nextInt(1, 2 * n + 2);
      for (int k = 0; k < n; k++) {
        int idx = rnd.nextInt(range);
        // small integers: the float sums are exact, whatever the order
        float val = rnd.nextInt(1, 5);
        v.add(idx, val);
        want.merge(idx, val, Float::sum);
      }
      v.sumDuplicates();
      assertThat(v.nnz()).isEqualTo(want.size());
      int k = 0;
      for (Map.Entry<Integer, Float> e : want.entrySet()) {
        assertThat(v.index(k)).isEqualTo(e.getKey());
        assertThat(v.value(k)).isEqualTo(e.getValue());
        k++;
      }
    }
  }

  @Test
  void sumDuplicatesShouldHandleAdversarialOrders() {
    int n = 5000;
    SparseVector v = new SparseVector();
    for (int pattern = 0; pattern < 4; pattern++) {
      v.clear();
      for (int i = 0; i < n; i++) {
        int idx =
            switch (pattern) {
              case 0 -> i; // sorted
              case 1 -> n - i; // reversed
              case 2 -> 42; // all equal
              default -> (i % 2 == 0) ? i : n - i; // organ pipe
            };
        v.add(idx, 1f);
      }
      v.sumDuplicates();
      for (int k = 1; k < v.nnz(); k++) {
        assertThat(v.index(k)).isGreaterThan(v.index(k - 1));
      }
      if (pattern == 2) {
        assertThat(v.nnz()).isEqualTo(1);
        assertThat(v.value(0)).isEqualTo((float) n);
      }
    }
  }

  @Test
  void sumDuplicatesShouldNotDependOnInsertionOrder() {
    // these three do not sum associatively in float: the canonical order fixes the rounding
    float[] vals = {1e8f, 1f, -1e8f, 3.3f, 1e-3f, 7f, 0.5f};
    SparseVector a = new SparseVector();
    SparseVector b = new SparseVector();
    for (int i = 0; i < vals.length; i++) {
      a.add(5, vals[i]);
      b.add(5, vals[vals.length - 1 - i]);
    }
    a.sumDuplicates();
    b.sumDuplicates();
    assertThat(a.nnz()).isEqualTo(1);
    assertThat(Float.floatToIntBits(a.value(0))).isEqualTo(Float.floatToIntBits(b.value(0)));
  }

  @Test
  void sumDuplicatesShouldDropZeros() {
    SparseVector v = new SparseVector();
    v.add(2, 0f);
    v.add(4, 1f);
    v.add(4, -1f);
    v.add(9, 2f);
    v.sumDuplicates();
    assertThat(v.indicesCopy()).containsExactly(9);
  }

  @Test
  void sumDuplicatesShouldNotAllocate() {
    SparseVector v = new SparseVector(4096);
    SplittableRandom rnd = new SplittableRandom(1);
    Runnable fill =
        () -> {
          v.clear();
          for (int k = 0; k < 4000; k++) {
            v.add(rnd.nextInt(2000), 1f);
          }
          v.sumDuplicates();
        };
    for (int i = 0; i < 200; i++) {
      fill.run();
    }
    long bytes = Allocations.measure(fill, 200);
    assertThat(bytes).as("bytes allocated by 200 fill+sumDuplicates").isLessThan(1024);
  }

  @Test
  void dotShouldSumWeightTimesValue() {
    SparseVector v = new SparseVector();
    v.add(0, 2f);
    v.add(2, -1f);
    assertThat(v.dot(new float[] {1f, 100f, 3f})).isEqualTo(-1.0);
  }

  @Test
  void copyFromShouldCopyEntries() {
    SparseVector a = new SparseVector();
    a.add(3, 1f);
    a.add(1, 2f);
    SparseVector b = new SparseVector(0);
    b.copyFrom(a);
    assertThat(b.indicesCopy()).containsExactly(3, 1);
    assertThat(b.valuesCopy()).containsExactly(1f, 2f);
  }
}
