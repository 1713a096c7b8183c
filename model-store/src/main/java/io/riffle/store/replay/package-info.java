/**
 * The replay window: a memory-bounded ring of recent hashed examples in primitive arrays, read in
 * order without allocation, with the newest fraction held back for validating refined models.
 */
package io.riffle.store.replay;
