/**
 * Parameter shards: the rows of a hashed model with {@code row mod S == shard}, each owned by one
 * writer thread (see {@link io.riffle.store.shard.ModelShard} for the threading contract).
 */
package io.riffle.store.shard;
