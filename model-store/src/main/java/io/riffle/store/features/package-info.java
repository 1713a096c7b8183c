/**
 * Named features to hashed sparse vectors: {@link io.riffle.store.features.FeatureHasher}
 * configured by a {@link io.riffle.store.features.HashingSpec}, writing into a reusable {@link
 * io.riffle.store.features.SparseVector}; {@link io.riffle.store.features.MurmurHash3} is the hash.
 * The byte layout hashed (documented on {@code FeatureHasher}) is part of the snapshot format.
 */
package io.riffle.store.features;
