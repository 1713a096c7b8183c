/**
 * Learning-rate schedules with MXNet's semantics (factor, multi-factor, poly, cosine, all with
 * warm-up). Schedules are stateful and only move forward; their state is exportable.
 */
package io.riffle.optim.schedule;
