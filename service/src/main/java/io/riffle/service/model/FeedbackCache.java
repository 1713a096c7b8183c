package io.riffle.service.model;

import io.riffle.api.ApiException;
import io.riffle.api.ProblemType;
import io.riffle.store.features.SparseVector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hashed features of recent predictions, kept so that a label arriving later ({@code
 * {"predictionId": ..., "label": ...}}) can be learned from. Bounded by count (oldest evicted
 * first) and by age (an entry older than the TTL answers 410 Gone). An id that was never issued or
 * was evicted answers 404; one that already received its label answers 409. Thread-safe: predict
 * handlers on every event loop add, the feedback handler takes.
 */
public final class FeedbackCache {
  private final int capacity;
  private final long ttlNanos;
  private final Map<String, Entry> entries;

  private static final class Entry {
    final SparseVector x;
    final long createdAt;
    boolean used;

    Entry(SparseVector x, long createdAt) {
      this.x = x;
      this.createdAt = createdAt;
    }
  }

  public FeedbackCache(int capacity, double ttlSeconds) {
    this.capacity = capacity;
    this.ttlNanos = (long) (ttlSeconds * 1e9);
    this.entries =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > FeedbackCache.this.capacity;
          }
        };
  }

  /** A fresh, unguessable prediction id (128 random bits, hex). */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format("%016x%016x", r.nextLong(), r.nextLong());
  }

  /** Keeps {@code x} (the caller hands over ownership) under {@code id}. */
  public synchronized void put(String id, SparseVector x) {
    entries.put(id, new Entry(x, System.nanoTime()));
  }

  /**
   * Takes the features of prediction {@code id} for learning: after this call the id answers 409.
   *
   * @throws ApiException 404 unknown, 410 expired, 409 already answered
   */
  public synchronized SparseVector take(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      throw new ApiException(
          ProblemType.UNKNOWN_PREDICTION,
          "predictionId '" + id + "' is unknown (never issued, or evicted from the cache)");
    }
    if (System.nanoTime() - e.createdAt > ttlNanos) {
      entries.remove(id);
      throw new ApiException(
          ProblemType.PREDICTION_EXPIRED,
          "predictionId '"
              + id
              + "' expired: feedback must arrive within "
              + ttlNanos / 1e9
              + " s");
    }
    if (e.used) {
      throw new ApiException(
          ProblemType.FEEDBACK_ALREADY_GIVEN, "predictionId '" + id + "' already has its label");
    }
    e.used = true;
    return e.x;
  }

  /** Gives an id back after its learn message was refused (e.g. queue full), so it can retry. */
  public synchronized void untake(String id) {
    Entry e = entries.get(id);
    if (e != null) {
      e.used = false;
    }
  }

  public synchronized int size() {
    return entries.size();
  }
}
