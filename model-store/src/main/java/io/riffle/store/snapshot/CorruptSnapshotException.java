package io.riffle.store.snapshot;

import java.io.IOException;

/** A snapshot failed its checks: missing or unreadable manifest, wrong length, bad checksum. */
public final class CorruptSnapshotException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptSnapshotException(String message) {
    super(message);
  }
}
