/**
 * The Vert.x runtime: verticles, HTTP, event bus, Kafka, scheduler, metrics, configuration and the
 * main class. Filled in by the service issue.
 */
package io.riffle.service;
