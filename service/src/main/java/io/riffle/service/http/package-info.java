/** Riffle service: http. See {@link io.riffle.service}. */
package io.riffle.service.http;
