package io.riffle.store.snapshot;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where snapshots live. The embedded default is {@link FilesystemModelStore}; a shared store for
 * several replicas is another implementation of this interface.
 *
 * <p>Contract: {@link #save} is atomic (a reader sees the whole snapshot or none of it) and durable
 * once it returns; versions increase per model; {@link #loadLatest} returns the newest snapshot
 * that passes every check and skips (and logs) corrupt ones.
 */
public interface ModelStore {

  /** Writes a new snapshot of {@code model}; returns its version. */
  long save(String model, Snapshot snapshot) throws IOException;

  /** Snapshots of {@code model}, newest first (not verified; see {@link #load}). */
  List<SnapshotInfo> list(String model) throws IOException;

  /** Names of models with at least one snapshot. */
  List<String> models() throws IOException;

  /** Loads and verifies one version. */
  Snapshot load(String model, long version) throws IOException;

  /** The newest snapshot that verifies, skipping corrupt or partial ones; empty if none. */
  Optional<Loaded> loadLatest(String model) throws IOException;

  /** Deletes one version (no error if absent). */
  void delete(String model, long version) throws IOException;

  /** Deletes every snapshot of {@code model}. */
  void deleteModel(String model) throws IOException;

  /** Keeps the newest {@code keep} versions, deletes the rest; returns how many were deleted. */
  int retain(String model, int keep) throws IOException;

  /**
   * A loaded snapshot and its version.
   *
   * @param version snapshot version
   * @param snapshot content
   */
  record Loaded(long version, Snapshot snapshot) {}
}
