/**
 * The learning loop of one model: hashing, progressive validation, sharded optimizer steps, the
 * SGLD posterior over the replay window, predictions with uncertainty and snapshots.
 */
package io.riffle.store.learn;
