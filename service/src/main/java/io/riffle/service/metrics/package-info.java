/** Riffle service: metrics. See {@link io.riffle.service}. */
package io.riffle.service.metrics;
