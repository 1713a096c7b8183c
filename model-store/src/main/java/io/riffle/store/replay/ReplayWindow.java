package io.riffle.store.replay;

import io.riffle.optim.Store;
import io.riffle.store.features.SparseVector;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded window of the most recent hashed examples, for scheduled refinement (SVRG epochs and
 * batch optimizers, DESIGN.md) and for judging a refined challenger on the newest examples.
 *
 * <h2>Layout</h2>
 *
 * No object per example. Features live in one ring of entries, {@code int[] indices} and {@code
 * float[] values}; each example's entries are contiguous (an example that does not fit before the
 * end of the ring starts again at 0, leaving the tail unused until the ring comes round), so a
 * reader gets {@code (indices, values, offset, nnz)} straight from the arrays. Per-example data
 * lives in a second ring of parallel arrays: {@code int offset}, {@code int nnz}, {@code double
 * label}, {@code float weight}, {@code float loss}.
 *
 * <h2>Progressive losses</h2>
 *
 * Each example may carry the loss the live model gave it when it was learned, before learning it
 * (its progressive-validation loss, weighted as {@link io.riffle.store.model.ModelKind#loss}), or
 * NaN when unknown (examples added without one, windows restored from snapshots written before the
 * losses were kept). A refinement job compares a challenger with the live model on the held-back
 * tail through these: neither had seen an example when it was scored ({@code
 * io.riffle.store.refine.RefineJob}). Recording it is one float store per example.
 *
 * <h2>Memory bound</h2>
 *
 * The setting is {@link ReplayOptions#maxBytes}: the arrays never hold more than that, counting
 * {@value #BYTES_PER_ENTRY} bytes per entry slot and {@value #BYTES_PER_EXAMPLE} bytes per example
 * slot (object headers, a few dozen bytes, are not counted). Both rings start small and grow
 * (doubling, by compacting copy) while the budget allows, so the split between them follows the
 * examples actually seen; once the budget is spent, adding an example evicts the oldest ones until
 * it fits. The split is then fixed: if examples later get much larger or smaller, the window holds
 * fewer of them than the budget could (never more memory). An example larger than the whole entry
 * budget is rejected.
 *
 * <h2>Order, positions and sequence numbers</h2>
 *
 * Position 0 is the oldest example held, {@code size() - 1} the newest. Every added example gets
 * the next sequence number (0, 1, 2, ...); the example at position {@code i} has sequence {@code
 * oldestSequence() + i}, so a refinement job can tell which examples arrived after it started. The
 * newest {@code floor(size * holdoutFraction)} examples form the holdout (the "tail" held back for
 * validation); the rest are the training part.
 *
 * <p>Single writer, not thread-safe. Iteration and random access allocate nothing; a visitor must
 * not add to the window (detected: {@link ConcurrentModificationException}).
 */
public final class ReplayWindow {
  /** Bytes per entry slot: an int index and a float value. */
  public static final int BYTES_PER_ENTRY = 8;

  /** Bytes per example slot: int offset, int nnz, double label, float weight, float loss. */
  public static final int BYTES_PER_EXAMPLE = 24;

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int INITIAL_ENTRIES = 1024;
  private static final int INITIAL_EXAMPLES = 64;

  private final ReplayOptions options;
  private final long maxBytes;

  // entry ring
  private int[] indices;
  private float[] values;
  private int writePos;
  // live entries are [offset(oldest), end of high part) plus [0, writePos) when wrapped
  private boolean wrapped;
  private long firstLowSequence;
  private long liveEntries;

  // example ring
  private int[] offsets;
  private int[] lengths;
  private double[] labels;
  private float[] weights;
  private float[] losses;
  private int head;
  private int size;

  private long nextSequence;
  private long evicted;
  private int modCount;
  private boolean placeWraps;
  private ExampleVisitor evictionListener;

  /** An empty window with {@code options}. */
  public ReplayWindow(ReplayOptions options) {
    this.options = options;
    this.maxBytes = options.maxBytes();
    int entries = (int) Math.min(INITIAL_ENTRIES, maxBytes / 2 / BYTES_PER_ENTRY);
    int examples = (int) Math.min(INITIAL_EXAMPLES, maxBytes / 2 / BYTES_PER_EXAMPLE);
    allocate(entries, examples);
  }

  /** An empty window of at most {@code maxBytes} with {@code holdoutFraction} held out. */
  public ReplayWindow(long maxBytes, double holdoutFraction) {
    this(new ReplayOptions(maxBytes, holdoutFraction));
  }

  private void allocate(int entries, int examples) {
    indices = new int[entries];
    values = new float[entries];
    offsets = new int[examples];
    lengths = new int[examples];
    labels = new double[examples];
    weights = new float[examples];
    losses = new float[examples];
  }

  /** The settings. */
  public ReplayOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- adding

  /**
   * Adds the entries of {@code x} (as is: canonical form is the caller's business), with no
   * progressive loss (NaN).
   */
  public void add(SparseVector x, double label, float weight) {
    add(x.indices(), x.values(), 0, x.nnz(), label, weight, Float.NaN);
  }

  /**
   * Adds the entries of {@code x} with the progressive loss the live model gave it before learning
   * it (NaN if unknown).
   */
  public void add(SparseVector x, double label, float weight, float loss) {
    add(x.indices(), x.values(), 0, x.nnz(), label, weight, loss);
  }

  /** {@link #add(int[], float[], int, int, double, float, float)} with no progressive loss. */
  public void add(int[] idx, float[] val, int off, int nnz, double label, float weight) {
    add(idx, val, off, nnz, label, weight, Float.NaN);
  }

  /**
   * Adds an example whose features are {@code idx[off, off + nnz)} and {@code val[off, off + nnz)},
   * evicting the oldest examples if the memory bound requires it; {@code loss} is its progressive
   * loss (NaN if unknown, any other non-finite value is stored as NaN too). Allocates only while
   * the window is still growing towards its bound.
   *
   * @throws IllegalArgumentException if the label or weight is not finite, or the example alone is
   *     larger than the window's entry budget
   */
  public void add(
      int[] idx, float[] val, int off, int nnz, double label, float weight, float loss) {
    if (nnz < 0 || off < 0 || off + nnz > idx.length || off + nnz > val.length) {
      throw new IndexOutOfBoundsException(
          "entries [" + off + ", " + off + " + " + nnz + ") out of the given arrays");
    }
    if (!Double.isFinite(label) || !Float.isFinite(weight)) {
      throw new IllegalArgumentException(
          "label " + label + " and weight " + weight + " must be finite");
    }
    if (size == offsets.length && !growExamples()) {
      evictOldest();
    }
    int pos;
    while ((pos = findPlace(nnz)) < 0) {
      if (growEntries(nnz)) {
        continue;
      }
      if (size == 0) {
        throw new IllegalArgumentException(
            "example with nnz="
                + nnz
                + " is larger than the replay window can hold ("
                + indices.length
                + " entries within maxBytes="
                + maxBytes
                + ")");
      }
      evictOldest();
    }
    if (placeWraps) {
      wrapped = true;
      firstLowSequence = nextSequence;
    }
    System.arraycopy(idx, off, indices, pos, nnz);
    System.arraycopy(val, off, values, pos, nnz);
    writePos = pos + nnz;
    liveEntries += nnz;
    int slot = slot(size);
    offsets[slot] = pos;
    lengths[slot] = nnz;
    labels[slot] = label;
    weights[slot] = weight;
    losses[slot] = Float.isFinite(loss) ? loss : Float.NaN;
    size++;
    nextSequence++;
    modCount++;
  }

  /**
   * Where {@code n} entries go without overwriting live ones, or -1. Sets {@link #placeWraps} when
   * the place is the start of the ring past the end of the newest example.
   */
  private int findPlace(int n) {
    placeWraps = false;
    final int cap = indices.length;
    if (size == 0) {
      writePos = 0;
      wrapped = false;
      return n <= cap ? 0 : -1;
    }
    int oldest = offsets[head];
    if (!wrapped) {
      if (cap - writePos >= n) {
        return writePos;
      }
      if (oldest >= n) {
        placeWraps = true;
        return 0;
      }
      return -1;
    }
    return oldest - writePos >= n ? writePos : -1;
  }

  private void evictOldest() {
    if (evictionListener != null) {
      evictionListener.accept(
          oldestSequence(),
          indices,
          values,
          offsets[head],
          lengths[head],
          labels[head],
          weights[head]);
    }
    liveEntries -= lengths[head];
    head = head + 1 == offsets.length ? 0 : head + 1;
    size--;
    evicted++;
    modCount++;
    if (size == 0) {
      writePos = 0;
      wrapped = false;
    } else if (wrapped && oldestSequence() >= firstLowSequence) {
      // the high part is gone: the oldest live example is now at the start of the ring
      wrapped = false;
    }
  }

  /** Grows the entry ring so that {@code n} more entries fit, if the budget allows. */
  private boolean growEntries(int n) {
    long budget =
        Math.min(
            MAX_ARRAY, (maxBytes - (long) offsets.length * BYTES_PER_EXAMPLE) / BYTES_PER_ENTRY);
    int cap = indices.length;
    long needed = liveEntries + n;
    if (budget <= cap || needed > budget) {
      return false;
    }
    int newCap = (int) Math.min(budget, Math.max(needed, 2L * cap));
    int[] newIndices = new int[newCap];
    float[] newValues = new float[newCap];
    compactEntriesInto(newIndices, newValues);
    indices = newIndices;
    values = newValues;
    return true;
  }

  /** Copies the live entries, oldest first, to the start of the given arrays; updates offsets. */
  private void compactEntriesInto(int[] newIndices, float[] newValues) {
    int p = 0;
    for (int i = 0; i < size; i++) {
      int s = slot(i);
      int len = lengths[s];
      System.arraycopy(indices, offsets[s], newIndices, p, len);
      System.arraycopy(values, offsets[s], newValues, p, len);
      offsets[s] = p;
      p += len;
    }
    writePos = p;
    wrapped = false;
  }

  /** Grows the example ring (doubling) if the budget allows. */
  private boolean growExamples() {
    long budget =
        Math.min(
            MAX_ARRAY, (maxBytes - (long) indices.length * BYTES_PER_ENTRY) / BYTES_PER_EXAMPLE);
    int cap = offsets.length;
    if (budget <= cap) {
      return false;
    }
    int newCap = (int) Math.min(budget, Math.max(1, 2L * cap));
    int[] o = new int[newCap];
    int[] l = new int[newCap];
    double[] y = new double[newCap];
    float[] w = new float[newCap];
    float[] q = new float[newCap];
    for (int i = 0; i < size; i++) {
      int s = slot(i);
      o[i] = offsets[s];
      l[i] = lengths[s];
      y[i] = labels[s];
      w[i] = weights[s];
      q[i] = losses[s];
    }
    offsets = o;
    lengths = l;
    labels = y;
    weights = w;
    losses = q;
    head = 0;
    return true;
  }

  /**
   * Sets a visitor called with each example just before it is evicted to make room (not by {@link
   * #clear}); it must not modify the window. A posterior uses it to keep its full-data gradient
   * exact. Null removes it.
   */
  public void onEvict(ExampleVisitor listener) {
    this.evictionListener = listener;
  }

  /**
   * The whole internal state, arrays at their current capacity and the ring's bookkeeping, for a
   * snapshot: {@link #importState} rebuilds a window that evicts and iterates exactly as this one.
   * Integer arrays are widened to float64 (exact).
   */
  public Map<String, Store> exportState() {
    Map<String, Store> out = new LinkedHashMap<>();
    out.put("indices", widen(indices));
    out.put("values", Store.of(values.clone()));
    out.put("offsets", widen(offsets));
    out.put("lengths", widen(lengths));
    out.put("labels", Store.of(labels.clone()));
    out.put("weights", Store.of(weights.clone()));
    out.put("losses", Store.of(losses.clone()));
    double[] b = {
      writePos, wrapped ? 1 : 0, firstLowSequence, liveEntries, head, size, nextSequence, evicted
    };
    out.put("bookkeeping", Store.of(b));
    return out;
  }

  /**
   * Restores {@link #exportState} (the options must be the same). A state without {@code losses}
   * (written before progressive losses were kept) restores with every loss unknown (NaN); its
   * example slots were counted at 20 bytes, so such a window may hold up to 4 bytes per example
   * slot more than {@code maxBytes} until it is recreated.
   */
  public void importState(Map<String, Store> state) {
    indices = narrow(require(state, "indices"));
    Store v = require(state, "values");
    values = new float[v.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) v.get(i);
    }
    offsets = narrow(require(state, "offsets"));
    lengths = narrow(require(state, "lengths"));
    Store y = require(state, "labels");
    labels = new double[y.length()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = y.get(i);
    }
    Store w = require(state, "weights");
    weights = new float[w.length()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) w.get(i);
    }
    Store q = state.get("losses");
    losses = new float[weights.length];
    if (q == null) {
      java.util.Arrays.fill(losses, Float.NaN);
    } else {
      if (q.length() != losses.length) {
        throw new IllegalArgumentException(
            "replay window array 'losses' has "
                + q.length()
                + " slots, expected "
                + losses.length
                + " (as 'weights')");
      }
      for (int i = 0; i < losses.length; i++) {
        losses[i] = (float) q.get(i);
      }
    }
    Store b = require(state, "bookkeeping");
    writePos = (int) b.get(0);
    wrapped = b.get(1) != 0;
    firstLowSequence = (long) b.get(2);
    liveEntries = (long) b.get(3);
    head = (int) b.get(4);
    size = (int) b.get(5);
    nextSequence = (long) b.get(6);
    evicted = (long) b.get(7);
    modCount++;
  }

  private static Store require(Map<String, Store> state, String k) {
    Store s = state.get(k);
    if (s == null) {
      throw new IllegalArgumentException("replay window array '" + k + "' missing");
    }
    return s;
  }

  private static Store widen(int[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return Store.of(d);
  }

  private static int[] narrow(Store s) {
    int[] a = new int[s.length()];
    for (int i = 0; i < a.length; i++) {
      a[i] = (int) s.get(i);
    }
    return a;
  }

  /** Removes every example; keeps the arrays (and sequence numbering). */
  public void clear() {
    evicted += size;
    size = 0;
    head = 0;
    writePos = 0;
    wrapped = false;
    liveEntries = 0;
    modCount++;
  }

  // ---------------------------------------------------------------- reading

  /** Examples held. */
  public int size() {
    return size;
  }

  /** True if no example is held. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Examples in the holdout: the newest {@code floor(size * holdoutFraction)}. */
  public int holdoutSize() {
    return (int) Math.floor(size * options.holdoutFraction());
  }

  /** Examples in the training part: positions {@code [0, trainSize())}. */
  public int trainSize() {
    return size - holdoutSize();
  }

  /** Sequence number of the oldest example held (equal to {@link #nextSequence} when empty). */
  public long oldestSequence() {
    return nextSequence - size;
  }

  /** Sequence number the next added example will get (= examples ever added). */
  public long nextSequence() {
    return nextSequence;
  }

  /** Examples evicted (or cleared) since creation. */
  public long evictedCount() {
    return evicted;
  }

  /** Position of the example with sequence {@code seq}, or -1 if it is not held. */
  public int positionOf(long seq) {
    long p = seq - oldestSequence();
    return p >= 0 && p < size ? (int) p : -1;
  }

  /** The live index array; an example's entries start at {@link #offset}. */
  public int[] indices() {
    return indices;
  }

  /** The live value array; an example's entries start at {@link #offset}. */
  public float[] values() {
    return values;
  }

  /** Offset of example {@code pos} (0 = oldest) in {@link #indices()} and {@link #values()}. */
  public int offset(int pos) {
    return offsets[checkedSlot(pos)];
  }

  /** Number of entries of example {@code pos}. */
  public int nnz(int pos) {
    return lengths[checkedSlot(pos)];
  }

  /** Label of example {@code pos}. */
  public double label(int pos) {
    return labels[checkedSlot(pos)];
  }

  /** Weight of example {@code pos}. */
  public float weight(int pos) {
    return weights[checkedSlot(pos)];
  }

  /**
   * Progressive loss of example {@code pos}: the live model's (weighted) loss on it just before
   * learning it, or NaN if it was not recorded.
   */
  public float loss(int pos) {
    return losses[checkedSlot(pos)];
  }

  /** Sequence number of example {@code pos}. */
  public long sequence(int pos) {
    checkedSlot(pos);
    return oldestSequence() + pos;
  }

  /** Visits positions {@code [from, to)} in order. */
  public void forEach(int from, int to, ExampleVisitor visitor) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of size " + size);
    }
    final int expected = modCount;
    final long first = oldestSequence();
    for (int i = from; i < to; i++) {
      int s = slot(i);
      visitor.accept(first + i, indices, values, offsets[s], lengths[s], labels[s], weights[s]);
      if (modCount != expected) {
        throw new ConcurrentModificationException("replay window changed during iteration");
      }
    }
  }

  /** Visits every example, oldest first. */
  public void forEach(ExampleVisitor visitor) {
    forEach(0, size, visitor);
  }

  /** Visits the training part, oldest first. */
  public void forEachTrain(ExampleVisitor visitor) {
    forEach(0, trainSize(), visitor);
  }

  /** Visits the holdout (the newest examples), oldest first. */
  public void forEachHoldout(ExampleVisitor visitor) {
    forEach(trainSize(), size, visitor);
  }

  /** Entries held by live examples. */
  public long liveEntries() {
    return liveEntries;
  }

  /** Bytes of the window's arrays as allocated now; never more than {@code maxBytes}. */
  public long bytesAllocated() {
    return (long) indices.length * BYTES_PER_ENTRY + (long) offsets.length * BYTES_PER_EXAMPLE;
  }

  /** Entry slots allocated now. */
  public int entryCapacity() {
    return indices.length;
  }

  /** Example slots allocated now. */
  public int exampleCapacity() {
    return offsets.length;
  }

  /**
   * A deep copy with the same options, capacities, examples and sequence numbers (entries
   * compacted), e.g. for a refinement job that must not see later additions.
   */
  public ReplayWindow copy() {
    ReplayWindow c = new ReplayWindow(options);
    c.allocate(indices.length, offsets.length);
    int p = 0;
    for (int i = 0; i < size; i++) {
      int s = slot(i);
      int len = lengths[s];
      System.arraycopy(indices, offsets[s], c.indices, p, len);
      System.arraycopy(values, offsets[s], c.values, p, len);
      c.offsets[i] = p;
      c.lengths[i] = len;
      c.labels[i] = labels[s];
      c.weights[i] = weights[s];
      c.losses[i] = losses[s];
      p += len;
    }
    c.size = size;
    c.head = 0;
    c.writePos = p;
    c.wrapped = false;
    c.liveEntries = liveEntries;
    c.nextSequence = nextSequence;
    c.evicted = evicted;
    return c;
  }

  private int slot(int pos) {
    int s = head + pos;
    return s >= offsets.length ? s - offsets.length : s;
  }

  private int checkedSlot(int pos) {
    if (pos < 0 || pos >= size) {
      throw new IndexOutOfBoundsException("position " + pos + " of size " + size);
    }
    return slot(pos);
  }
}
