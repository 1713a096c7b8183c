/** Riffle service: model. See {@link io.riffle.service}. */
package io.riffle.service.model;
