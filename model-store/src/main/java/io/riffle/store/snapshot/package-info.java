/**
 * Snapshots: a directory per version with a JSON manifest (format version, metadata, one entry per
 * array with dtype, length and CRC32C) and little-endian binary arrays, written to a temporary
 * directory, fsynced and renamed into place. {@link io.riffle.store.snapshot.ModelStore} is the
 * seam; {@link io.riffle.store.snapshot.FilesystemModelStore} the embedded default.
 */
package io.riffle.store.snapshot;
