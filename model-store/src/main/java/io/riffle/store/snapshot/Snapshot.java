package io.riffle.store.snapshot;

import io.riffle.optim.Store;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of one snapshot: free-form metadata (model spec, hashing seed, optimizer name and
 * hyperparameters, update counts, ingest offsets; anything Jackson can write as JSON) and named
 * primitive arrays (weights, every optimizer and SGLD state array). The store adds the format
 * version, the snapshot version and a CRC32C per array.
 *
 * @param meta JSON-serialisable metadata
 * @param arrays arrays by name, in a stable order; names may contain {@code /}
 */
public record Snapshot(Map<String, Object> meta, Map<String, Store> arrays) {
  public Snapshot {
    meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
  }

  /** Total bytes of array data. */
  public long arrayBytes() {
    long b = 0;
    for (Store s : arrays.values()) {
      b += (long) s.length() * s.precision().bytes();
    }
    return b;
  }
}
