/**
 * Named features to hashed sparse vectors, parameter shards, model kinds, the SGLD posterior and
 * snapshots. A plain library on top of {@code io.riffle.optim}: no Vert.x, so a batch job or a test
 * can use it without a running service. Filled in by the model-store issue.
 */
package io.riffle.store;
