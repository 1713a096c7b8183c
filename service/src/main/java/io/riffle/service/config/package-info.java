/** Riffle service: config. See {@link io.riffle.service}. */
package io.riffle.service.config;
