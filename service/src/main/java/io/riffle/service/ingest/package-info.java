/** Riffle service: ingest. See {@link io.riffle.service}. */
package io.riffle.service.ingest;
