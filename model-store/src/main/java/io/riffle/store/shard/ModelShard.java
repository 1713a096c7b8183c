package io.riffle.store.shard;

import io.riffle.optim.ParamState;
import io.riffle.optim.Precision;
import io.riffle.optim.StepContext;
import io.riffle.optim.Store;
import io.riffle.optim.Updater;
import io.riffle.store.posterior.PosteriorSpec;
import io.riffle.store.posterior.SgldChain;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rows {@code r} of a hashed model with {@code r mod S == shard}: their weights, the optimizer
 * state of those rows and, optionally, their SGLD chain. Global row {@code r} is local row {@code r
 * / S}; a row holds {@code width} elements (one per model output).
 *
 * <p><b>Threading contract.</b> A shard is written by exactly one thread at a time (its owner: a
 * verticle in the service, the caller in a batch job): {@link #applyGradients} and every chain
 * write. Other threads may call {@link #weight} and the chain's read methods without locks; they
 * see each element either before or after a concurrent update (a float or double store is atomic
 * per element on the JVM for float, and for double on every 64-bit JVM Riffle supports), so a score
 * may mix slightly stale and fresh weights - the Hogwild-style staleness that DESIGN.md accepts. No
 * reader ever sees a torn or non-finite value that was not written.
 *
 * <p><b>Memory.</b> {@code localRows * width} weights in the model's precision, plus the
 * optimizer's state arrays (e.g. 2 for FTRL) and the chain (see {@link SgldChain}).
 */
public final class ModelShard {
  private final int shard;
  private final int shards;
  private final int width;
  private final int localRows;
  private final Updater updater;
  private final Store weights;
  private final ParamState state;
  private final SgldChain chain;

  // micro-batch aggregation scratch: open addressing from local row to slot
  private int[] table = new int[64];
  private int[] slotRows = new int[32];
  private double[] slotGrads = new double[32];

  /**
   * @param shard this shard's id, {@code 0 <= shard < shards}
   * @param shards shard count {@code S}
   * @param dimension rows of the whole model ({@code 2^bits})
   * @param width elements per row (model outputs)
   * @param precision weight and state precision
   * @param updater the model's updater (creates this shard's state; shared, stateless for steps)
   * @param posterior SGLD chain settings, or null for none
   * @param curvature typical loss curvature in the margin, for the chain's step sizes
   */
  public ModelShard(
      int shard,
      int shards,
      int dimension,
      int width,
      Precision precision,
      Updater updater,
      PosteriorSpec posterior,
      double curvature) {
    if (shards < 1 || shard < 0 || shard >= shards) {
      throw new IllegalArgumentException("shard " + shard + " of " + shards + " is not valid");
    }
    if (width < 1) {
      throw new IllegalArgumentException("width=" + width + " must be >= 1");
    }
    this.shard = shard;
    this.shards = shards;
    this.width = width;
    this.localRows = localRows(shard, shards, dimension);
    this.updater = updater;
    this.weights = Store.zeros(precision, Math.multiplyExact(localRows, width));
    this.state = updater.createState(weights);
    this.chain =
        posterior == null
            ? null
            : new SgldChain(posterior, shard, shards, localRows, width, precision, curvature);
  }

  /** Rows of a {@code dimension}-row model that shard {@code shard} of {@code shards} owns. */
  public static int localRows(int shard, int shards, int dimension) {
    return (dimension - shard + shards - 1) / shards;
  }

  /** The shard owning global row {@code row}. */
  public static int shardOf(int row, int shards) {
    return row % shards;
  }

  /** The local row of global row {@code row}. */
  public static int localRow(int row, int shards) {
    return row / shards;
  }

  public int shard() {
    return shard;
  }

  public int shards() {
    return shards;
  }

  public int width() {
    return width;
  }

  public int localRows() {
    return localRows;
  }

  /** The weights (live). */
  public Store weights() {
    return weights;
  }

  /** The optimizer state (live). */
  public ParamState state() {
    return state;
  }

  /** The SGLD chain, or null. */
  public SgldChain chain() {
    return chain;
  }

  /** Weight of output {@code j} of local row {@code localRow}; lock-free, may be slightly stale. */
  public double weight(int localRow, int j) {
    return weights.get(localRow * width + j);
  }

  /**
   * One optimizer step over a micro-batch of gradient entries: {@code n} global rows of this shard
   * with {@code width} gradient values each ({@code grads[k*width + j]}). Duplicate rows are summed
   * first (the optimizer sees each row once per step). Allocates only to grow its scratch.
   */
  public void applyGradients(StepContext ctx, int[] rows, double[] grads, int n) {
    int m = aggregate(rows, grads, n);
    updater.step(ctx, weights, state, slotGrads, slotRows, m * width, width, 0);
  }

  /**
   * Sums duplicate rows into {@code slotRows}/{@code slotGrads} (local rows, first-seen order);
   * returns the number of distinct rows.
   */
  private int aggregate(int[] rows, double[] grads, int n) {
    int cap = Integer.highestOneBit(Math.max(16, n * 2) - 1) << 1;
    if (table.length < cap) {
      table = new int[cap];
    }
    Arrays.fill(table, 0, cap, -1);
    if (slotRows.length < n) {
      slotRows = new int[n];
    }
    if (slotGrads.length < n * width) {
      slotGrads = new double[n * width];
    }
    int mask = cap - 1;
    int m = 0;
    for (int k = 0; k < n; k++) {
      int row = rows[k];
      if (row % shards != shard) {
        throw new IllegalArgumentException(
            "row " + row + " belongs to shard " + (row % shards) + ", not " + shard);
      }
      int local = row / shards;
      int h = (local * 0x9E3779B9) >>> 7 & mask;
      while (table[h] >= 0 && slotRows[table[h]] != local) {
        h = (h + 1) & mask;
      }
      int slot = table[h];
      if (slot < 0) {
        slot = m++;
        table[h] = slot;
        slotRows[slot] = local;
        System.arraycopy(grads, k * width, slotGrads, slot * width, width);
      } else {
        for (int j = 0; j < width; j++) {
          slotGrads[slot * width + j] += grads[k * width + j];
        }
      }
    }
    return m;
  }

  /** Overwrites weights, optimizer state and chain with {@code other}'s (same layout). */
  public void copyFrom(ModelShard other) {
    if (other.localRows != localRows || other.width != width || other.shard != shard) {
      throw new IllegalArgumentException(
          "shard " + other.shard + " of another layout cannot be copied into shard " + shard);
    }
    copy(other.weights, weights);
    if (!state.names().equals(other.state.names())) {
      throw new IllegalArgumentException(
          "optimizer state " + other.state.names() + " does not match " + state.names());
    }
    for (int i = 0; i < state.arrayCount(); i++) {
      copy(other.state.array(i), state.array(i));
    }
    System.arraycopy(other.state.scalars(), 0, state.scalars(), 0, state.scalars().length);
    if (state.master() != null) {
      copy(other.state.master(), state.master());
    }
    if (chain != null) {
      chain.importArrays(other.chain.exportArrays());
    }
  }

  private static void copy(Store from, Store to) {
    if (from instanceof Store.F32 f && to instanceof Store.F32 t) {
      System.arraycopy(f.array(), 0, t.array(), 0, f.length());
    } else if (from instanceof Store.F64 f && to instanceof Store.F64 t) {
      System.arraycopy(f.array(), 0, t.array(), 0, f.length());
    } else {
      to.copyFrom(from);
    }
  }

  /** Weights, optimizer state and chain by name (live), for a snapshot. */
  public Map<String, Store> exportArrays() {
    Map<String, Store> out = new LinkedHashMap<>();
    out.put("weights", weights);
    state.exportArrays().forEach((k, v) -> out.put("state/" + k, v));
    if (state.scalars().length > 0) {
      out.put("scalars", Store.of(state.scalars().clone()));
    }
    if (chain != null) {
      chain.exportArrays().forEach((k, v) -> out.put("chain/" + k, v));
    }
    return out;
  }

  /** Restores {@link #exportArrays} of an identical layout. */
  public void importArrays(Map<String, Store> arrays) {
    if (chain != null) {
      // the chain reads its own arrays (it tolerates the scalar that format-1 snapshots lack)
      Map<String, Store> c = new LinkedHashMap<>();
      arrays.forEach(
          (k, v) -> {
            if (k.startsWith("chain/")) {
              c.put(k.substring("chain/".length()), v);
            }
          });
      chain.importArrays(c);
    }
    for (Map.Entry<String, Store> e : exportArrays().entrySet()) {
      if (e.getKey().startsWith("chain/")) {
        continue;
      }
      Store s = arrays.get(e.getKey());
      if (s == null) {
        throw new IllegalArgumentException(
            "shard " + shard + " array '" + e.getKey() + "' missing");
      }
      if (e.getKey().equals("scalars")) {
        for (int i = 0; i < state.scalars().length; i++) {
          state.scalars()[i] = s.get(i);
        }
      } else {
        e.getValue().copyFrom(s);
      }
    }
  }
}
