package io.riffle.optim;

/** Storage precision of weights and optimizer state. Kernels always compute in double. */
public enum Precision {
  /** 4 bytes per element: the default for hashed models. */
  FLOAT32,
  /** 8 bytes per element. */
  FLOAT64;

  /** Bytes per element. */
  public int bytes() {
    return this == FLOAT32 ? 4 : 8;
  }
}
