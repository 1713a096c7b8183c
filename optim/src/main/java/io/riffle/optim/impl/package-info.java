/**
 * The built-in optimizers, one class each, registered through {@code
 * META-INF/services/io.riffle.optim.OptimizerProvider}. Each class documents its update in MXNet's
 * order, its state arrays (memory cost) and its sparse semantics.
 */
package io.riffle.optim.impl;
