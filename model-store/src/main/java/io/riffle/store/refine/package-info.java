/**
 * Scheduled refinement (DESIGN.md, "Scheduled refinement"): a refinement job copies a live {@link
 * io.riffle.store.learn.Model} on the writer thread, refines the copy over the training part of the
 * replay window on a worker thread (SVRG epochs, full-batch L-BFGS / OWL-QN, or any registered
 * optimizer run for epochs), judges it against the live model on the window's held-back tail, and,
 * if it wins, {@link io.riffle.store.refine.Promotion} builds the model that goes live with the
 * examples learned meanwhile replayed onto it.
 *
 * <p>Call order: {@link io.riffle.store.refine.RefineJob#prepare} (writer thread), {@link
 * io.riffle.store.refine.RefineJob#run} (any thread; touches only the copy), then, on the writer
 * thread again, {@link io.riffle.store.refine.Promotion#promote} if the result is promotable. No
 * Vert.x here: the service schedules jobs by {@link
 * io.riffle.store.refine.RefineSpec#everyExamples} and {@link
 * io.riffle.store.refine.RefineSpec#everySeconds}.
 *
 * <p>L-BFGS's full-batch pass goes through a {@link io.riffle.store.refine.DenseGradientKernel}:
 * the plain {@link io.riffle.store.refine.TrainingSet} sweep, or one found by {@link
 * java.util.ServiceLoader} (the ND4J kernel of {@code riffle-nd4j}) when {@link
 * io.riffle.store.refine.DenseGradientKernels} says it pays. This module itself never imports ND4J.
 */
package io.riffle.store.refine;
