/**
 * Model kinds: what a model predicts and the loss it learns by. {@link
 * io.riffle.store.model.ModelKind} maps margins to predictions, losses and loss gradients for
 * binary classification ({@link io.riffle.store.model.Logistic}, {@link
 * io.riffle.store.model.Hinge}), regression ({@link io.riffle.store.model.Squared}, {@link
 * io.riffle.store.model.Quantile}, {@link io.riffle.store.model.Poisson}) and multiclass ({@link
 * io.riffle.store.model.Softmax}); {@link io.riffle.store.model.ModelKindSpec} is its manifest
 * form. {@link io.riffle.store.model.DenseLinearModel} scores fixed-length dense inputs.
 */
package io.riffle.store.model;
