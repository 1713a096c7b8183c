/**
 * The SGLD posterior: a lazy, control-variate Langevin chain per shard whose running moments give
 * calibrated predictive uncertainty (see {@link io.riffle.store.posterior.SgldChain}).
 */
package io.riffle.store.posterior;
