/**
 * The Riffle service: {@link io.riffle.service.Main} and {@link io.riffle.service.Riffle}, the
 * running process (Vert.x, HTTP, models, metrics). Subpackages: {@code config} (settings), {@code
 * model} (served models, learner verticles, predictions), {@code ingest} (the one ingest path),
 * {@code http} (router built from the contract, handlers), {@code metrics} (Micrometer meters).
 */
package io.riffle.service;
