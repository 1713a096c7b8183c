/**
 * Portable, seedable random sources: SplitMix64 (the conformance problems' generator) and Gaussian
 * sources for SGLD whose state a snapshot can hold.
 */
package io.riffle.optim.random;
