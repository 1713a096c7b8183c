package io.riffle.store.snapshot;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One stored snapshot as listed by {@link ModelStore#list}.
 *
 * @param model model name
 * @param version snapshot version, increasing per model
 * @param createdAt when it was written
 * @param bytes size on disk
 * @param path directory holding it
 */
public record SnapshotInfo(String model, long version, Instant createdAt, long bytes, Path path) {}
