package io.riffle.store.features;

import java.util.Arrays;

/**
 * A reusable sparse vector: parallel primitive buffers {@code indices[0, nnz)} and {@code values[0,
 * nnz)}, grown on demand and never shrunk, so a vector reused across examples stops allocating once
 * it has seen the largest one.
 *
 * <p>Entries are kept in insertion order until {@link #sumDuplicates} sorts them by index and
 * merges repeated indices. {@link FeatureHasher} always returns a vector in that canonical form:
 * indices strictly increasing, no zero values.
 *
 * <p>The buffers returned by {@link #indices()} and {@link #values()} are the live backing arrays
 * (not copies); they may be longer than {@link #nnz()} and are replaced when the vector grows, so
 * re-read them after any {@link #add}. Not thread-safe.
 *
 * <p>Memory: 8 bytes per entry of capacity.
 */
public final class SparseVector {
  private static final int DEFAULT_CAPACITY = 16;
  // below this many entries insertion sort beats partitioning
  private static final int INSERTION_SORT_MAX = 24;

  private int[] indices;
  private float[] values;
  private int nnz;

  /** An empty vector with a small initial capacity. */
  public SparseVector() {
    this(DEFAULT_CAPACITY);
  }

  /** An empty vector with room for {@code capacity} entries before it grows. */
  public SparseVector(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity=" + capacity + " must be >= 0");
    }
    indices = new int[capacity];
    values = new float[capacity];
  }

  /** Number of entries. */
  public int nnz() {
    return nnz;
  }

  /** The backing index buffer; entries {@code [0, nnz())} are valid. */
  public int[] indices() {
    return indices;
  }

  /** The backing value buffer; entries {@code [0, nnz())} are valid. */
  public float[] values() {
    return values;
  }

  /** The index of entry {@code k}. */
  public int index(int k) {
    checkEntry(k);
    return indices[k];
  }

  /** The value of entry {@code k}. */
  public float value(int k) {
    checkEntry(k);
    return values[k];
  }

  /** Current capacity (entries that fit before the buffers grow). */
  public int capacity() {
    return indices.length;
  }

  /** Removes every entry, keeping the buffers. */
  public void clear() {
    nnz = 0;
  }

  /**
   * Appends an entry. Repeated indices are allowed until {@link #sumDuplicates}. Grows the buffers
   * (doubling) when full.
   *
   * @throws IllegalArgumentException if {@code index < 0}
   */
  public void add(int index, float value) {
    if (index < 0) {
      throw new IllegalArgumentException("index=" + index + " must be >= 0");
    }
    if (nnz == indices.length) {
      grow(nnz + 1);
    }
    indices[nnz] = index;
    values[nnz] = value;
    nnz++;
  }

  /** Makes room for at least {@code capacity} entries. */
  public void ensureCapacity(int capacity) {
    if (capacity > indices.length) {
      grow(capacity);
    }
  }

  /** Replaces the contents with a copy of {@code other}'s entries. */
  public void copyFrom(SparseVector other) {
    ensureCapacity(other.nnz);
    System.arraycopy(other.indices, 0, indices, 0, other.nnz);
    System.arraycopy(other.values, 0, values, 0, other.nnz);
    nnz = other.nnz;
  }

  /**
   * Sorts the entries by index and merges entries with equal index into one whose value is their
   * sum; entries whose sum is exactly zero are then removed. In place, no allocation, O(nnz log
   * nnz).
   *
   * <p>The result does not depend on the order entries were added in: entries with equal index are
   * summed in ascending order of value, so even float rounding is independent of insertion order
   * (e.g. of a {@code HashMap}'s iteration order).
   */
  public void sumDuplicates() {
    final int n = nnz;
    if (n == 0) {
      return;
    }
    final int[] idx = indices;
    final float[] val = values;
    sort(idx, val, 0, n - 1, 2 * (32 - Integer.numberOfLeadingZeros(n)));
    int out = 0;
    int k = 0;
    while (k < n) {
      int index = idx[k];
      // float accumulation, in the canonical (sorted) order
      float sum = val[k++];
      while (k < n && idx[k] == index) {
        sum += val[k++];
      }
      if (sum != 0.0f) {
        idx[out] = index;
        val[out] = sum;
        out++;
      }
    }
    nnz = out;
  }

  /** Dot product with a dense weight array indexed by this vector's indices, in double. */
  public double dot(float[] weights) {
    final int[] idx = indices;
    final float[] val = values;
    double s = 0;
    for (int k = 0, n = nnz; k < n; k++) {
      s += (double) weights[idx[k]] * val[k];
    }
    return s;
  }

  /** A copy of the entries as {@code int[]} (for tests and diagnostics; allocates). */
  public int[] indicesCopy() {
    return Arrays.copyOf(indices, nnz);
  }

  /** A copy of the values as {@code float[]} (for tests and diagnostics; allocates). */
  public float[] valuesCopy() {
    return Arrays.copyOf(values, nnz);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SparseVector{nnz=").append(nnz).append(", [");
    for (int k = 0; k < nnz; k++) {
      if (k > 0) {
        sb.append(", ");
      }
      sb.append(indices[k]).append(':').append(values[k]);
    }
    return sb.append("]}").toString();
  }

  private void checkEntry(int k) {
    if (k < 0 || k >= nnz) {
      throw new IndexOutOfBoundsException("entry " + k + " of nnz=" + nnz);
    }
  }

  private void grow(int min) {
    int cap = Math.max(min, Math.max(DEFAULT_CAPACITY, indices.length * 2));
    if (cap < 0) {
      cap = Integer.MAX_VALUE - 8;
    }
    indices = Arrays.copyOf(indices, cap);
    values = Arrays.copyOf(values, cap);
  }

  // ---- in-place introsort of the parallel arrays by (index, value) ----

  private static boolean less(int[] idx, float[] val, int a, int b) {
    return idx[a] < idx[b] || (idx[a] == idx[b] && Float.compare(val[a], val[b]) < 0);
  }

  private static void swap(int[] idx, float[] val, int a, int b) {
    int ti = idx[a];
    idx[a] = idx[b];
    idx[b] = ti;
    float tv = val[a];
    val[a] = val[b];
    val[b] = tv;
  }

  /** Sorts {@code [lo, hi]}; falls back to heapsort past {@code depth} levels (worst case). */
  private static void sort(int[] idx, float[] val, int lo, int hi, int depth) {
    // recurse into the smaller part and loop on the larger, so the stack stays O(log n)
    while (hi - lo >= INSERTION_SORT_MAX) {
      if (depth-- == 0) {
        heapSort(idx, val, lo, hi);
        return;
      }
      int mid = (lo + hi) >>> 1;
      // median of three into lo
      if (less(idx, val, mid, lo)) {
        swap(idx, val, mid, lo);
      }
      if (less(idx, val, hi, lo)) {
        swap(idx, val, hi, lo);
      }
      if (less(idx, val, hi, mid)) {
        swap(idx, val, hi, mid);
      }
      swap(idx, val, lo, mid);
      // Hoare partition around the pivot at lo
      int pi = idx[lo];
      float pv = val[lo];
      int i = lo;
      int j = hi + 1;
      while (true) {
        do {
          i++;
        } while (i <= hi && lessThanPivot(idx[i], val[i], pi, pv));
        do {
          j--;
        } while (greaterThanPivot(idx[j], val[j], pi, pv));
        if (i >= j) {
          break;
        }
        swap(idx, val, i, j);
      }
      swap(idx, val, lo, j);
      if (j - lo < hi - j) {
        sort(idx, val, lo, j - 1, depth);
        lo = j + 1;
      } else {
        sort(idx, val, j + 1, hi, depth);
        hi = j - 1;
      }
    }
    insertionSort(idx, val, lo, hi);
  }

  private static boolean lessThanPivot(int i, float v, int pi, float pv) {
    return i < pi || (i == pi && Float.compare(v, pv) < 0);
  }

  private static boolean greaterThanPivot(int i, float v, int pi, float pv) {
    return i > pi || (i == pi && Float.compare(v, pv) > 0);
  }

  private static void insertionSort(int[] idx, float[] val, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
      int ci = idx[i];
      float cv = val[i];
      int j = i - 1;
      while (j >= lo && lessThanPivot(ci, cv, idx[j], val[j])) {
        idx[j + 1] = idx[j];
        val[j + 1] = val[j];
        j--;
      }
      idx[j + 1] = ci;
      val[j + 1] = cv;
    }
  }

  private static void heapSort(int[] idx, float[] val, int lo, int hi) {
    int n = hi - lo + 1;
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(idx, val, lo, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(idx, val, lo, lo + end);
      siftDown(idx, val, lo, 0, end);
    }
  }

  private static void siftDown(int[] idx, float[] val, int lo, int root, int n) {
    while (true) {
      int child = 2 * root + 1;
      if (child >= n) {
        return;
      }
      if (child + 1 < n && less(idx, val, lo + child, lo + child + 1)) {
        child++;
      }
      if (!less(idx, val, lo + root, lo + child)) {
        return;
      }
      swap(idx, val, lo + root, lo + child);
      root = child;
    }
  }
}
