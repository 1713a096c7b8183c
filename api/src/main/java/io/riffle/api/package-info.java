/**
 * Riffle's wire contract: the JSON records clients send and receive, the OpenAPI document and the
 * problem+json error types. It depends on Jackson only, never on Vert.x, so a client can use it
 * without the runtime. Filled in by the service issue.
 */
package io.riffle.api;
