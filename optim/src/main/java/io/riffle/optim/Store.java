package io.riffle.optim;

import java.util.Arrays;

/**
 * A primitive array of weights or optimizer state, in float32 or float64.
 *
 * <p>Every optimizer kernel reads and writes elements through {@link #get} and {@link #set}, and
 * computes in double precision between the two. There are exactly two implementations, so call
 * sites stay at most bimorphic and the JIT inlines both. The array is owned by the caller (a model
 * shard); a store only wraps it and never copies it behind the caller's back.
 */
public abstract sealed class Store permits Store.F32, Store.F64 {

  /** Creates a zero-filled store of {@code length} elements. */
  public static Store zeros(Precision precision, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length=" + length + " must be >= 0");
    }
    return precision == Precision.FLOAT32
        ? new F32(new float[length])
        : new F64(new double[length]);
  }

  /** Wraps a float array (no copy). */
  public static F32 of(float[] values) {
    return new F32(values);
  }

  /** Wraps a double array (no copy). */
  public static F64 of(double[] values) {
    return new F64(values);
  }

  /** The element at {@code i}, widened to double. */
  public abstract double get(int i);

  /** Stores {@code v} at {@code i}, rounded to this store's precision. */
  public abstract void set(int i, double v);

  /** Number of elements. */
  public abstract int length();

  /** The storage precision. */
  public abstract Precision precision();

  /** A deep copy. */
  public abstract Store copy();

  /** Copies every element of {@code other} (same length) into this store, rounding if needed. */
  public void copyFrom(Store other) {
    if (other.length() != length()) {
      throw new IllegalArgumentException(
          "length mismatch: " + other.length() + " into " + length());
    }
    for (int i = 0, n = length(); i < n; i++) {
      set(i, other.get(i));
    }
  }

  /** Sets every element to {@code v}. */
  public abstract void fill(double v);

  /** True if both stores have the same precision and bit-identical elements. */
  public abstract boolean bitEquals(Store other);

  /** float32 storage: the default, half the memory of a hashed model. */
  public static final class F32 extends Store {
    private final float[] a;

    F32(float[] a) {
      this.a = a;
    }

    /** The backing array (not a copy). */
    public float[] array() {
      return a;
    }

    @Override
    public double get(int i) {
      return a[i];
    }

    @Override
    public void set(int i, double v) {
      a[i] = (float) v;
    }

    @Override
    public int length() {
      return a.length;
    }

    @Override
    public Precision precision() {
      return Precision.FLOAT32;
    }

    @Override
    public Store copy() {
      return new F32(a.clone());
    }

    @Override
    public void fill(double v) {
      Arrays.fill(a, (float) v);
    }

    @Override
    public boolean bitEquals(Store other) {
      return other instanceof F32 f && Arrays.equals(a, f.a);
    }
  }

  /** float64 storage. */
  public static final class F64 extends Store {
    private final double[] a;

    F64(double[] a) {
      this.a = a;
    }

    /** The backing array (not a copy). */
    public double[] array() {
      return a;
    }

    @Override
    public double get(int i) {
      return a[i];
    }

    @Override
    public void set(int i, double v) {
      a[i] = v;
    }

    @Override
    public int length() {
      return a.length;
    }

    @Override
    public Precision precision() {
      return Precision.FLOAT64;
    }

    @Override
    public Store copy() {
      return new F64(a.clone());
    }

    @Override
    public void fill(double v) {
      Arrays.fill(a, v);
    }

    @Override
    public boolean bitEquals(Store other) {
      return other instanceof F64 d && Arrays.equals(a, d.a);
    }
  }
}
