package io.riffle.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer state of one parameter (or one shard of it): the per-element arrays named by {@link
 * Optimizer#stateNames()}, the per-parameter scalars named by {@link Optimizer#scalarNames()}, and,
 * under {@code multi_precision}, a float64 master copy of float32 weights. The caller owns it; only
 * the optimizer's step writes it, from one thread at a time.
 *
 * <p>Memory: {@code stateNames().size()} arrays of the parameter's length in the state precision,
 * plus the master copy (8 bytes per element) when present.
 */
public final class ParamState {
  private final List<String> names;
  private final Store[] arrays;
  private final List<String> scalarNames;
  private final double[] scalars;
  private final Store master;

  /** State arrays (all the same length), scalars and an optional master copy. */
  public ParamState(
      List<String> names,
      Store[] arrays,
      List<String> scalarNames,
      double[] scalars,
      Store master) {
    if (names.size() != arrays.length || scalarNames.size() != scalars.length) {
      throw new IllegalArgumentException(
          "state names " + names + " / scalars " + scalarNames + " do not match the arrays");
    }
    this.names = List.copyOf(names);
    this.arrays = arrays;
    this.scalarNames = List.copyOf(scalarNames);
    this.scalars = scalars;
    this.master = master;
  }

  /** Zero state for {@code opt} over {@code length} elements in {@code precision}. */
  public static ParamState zeros(Optimizer opt, Precision precision, int length, Store master) {
    List<String> names = opt.stateNames();
    Store[] arrays = new Store[names.size()];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = Store.zeros(precision, length);
    }
    return new ParamState(
        names, arrays, opt.scalarNames(), new double[opt.scalarNames().size()], master);
  }

  /** The i-th state array, in {@link Optimizer#stateNames()} order. */
  public Store array(int i) {
    return arrays[i];
  }

  /** Number of state arrays. */
  public int arrayCount() {
    return arrays.length;
  }

  /** The per-parameter scalars (mutable, owned by the optimizer's step). */
  public double[] scalars() {
    return scalars;
  }

  /** The float64 master copy of float32 weights, or null. */
  public Store master() {
    return master;
  }

  /** State array names. */
  public List<String> names() {
    return names;
  }

  /** Scalar names. */
  public List<String> scalarNames() {
    return scalarNames;
  }

  /**
   * Every array by name (the master copy as {@code "weight64"}), for a snapshot. The stores are the
   * live ones, not copies.
   */
  public Map<String, Store> exportArrays() {
    Map<String, Store> out = new LinkedHashMap<>();
    for (int i = 0; i < arrays.length; i++) {
      out.put(names.get(i), arrays[i]);
    }
    if (master != null) {
      out.put("weight64", master);
    }
    return out;
  }

  /** Overwrites this state with {@code other}'s values (same layout). */
  public void importFrom(ParamState other) {
    if (!names.equals(other.names) || scalars.length != other.scalars.length) {
      throw new IllegalArgumentException(
          "state layout " + other.names + " does not match " + names);
    }
    for (int i = 0; i < arrays.length; i++) {
      arrays[i].copyFrom(other.arrays[i]);
    }
    System.arraycopy(other.scalars, 0, scalars, 0, scalars.length);
    if (master != null) {
      master.copyFrom(other.master);
    }
  }

  /** A deep copy. */
  public ParamState copy() {
    Store[] c = new Store[arrays.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = arrays[i].copy();
    }
    return new ParamState(
        names, c, scalarNames, scalars.clone(), master == null ? null : master.copy());
  }

  /** True if every array, scalar and the master copy are bit-identical. */
  public boolean bitEquals(ParamState o) {
    if (!names.equals(o.names) || arrays.length != o.arrays.length) {
      return false;
    }
    for (int i = 0; i < arrays.length; i++) {
      if (!arrays[i].bitEquals(o.arrays[i])) {
        return false;
      }
    }
    if (!java.util.Arrays.equals(scalars, o.scalars)) {
      return false;
    }
    return master == null ? o.master == null : o.master != null && master.bitEquals(o.master);
  }
}
