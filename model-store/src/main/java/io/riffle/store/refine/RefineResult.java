package io.riffle.store.refine;

import io.riffle.store.learn.Model;

/**
 * The outcome of one {@link RefineJob}: the challenger and both progressive losses on the held-back
 * tail of the job's window (mean weighted loss under the model kind: {@code sum(weight_i * loss_i)
 * / sum(weight_i)}, each example scored before the side learned it; see {@link RefineJob} for the
 * judge).
 *
 * @param status how the job ended
 * @param method the refinement method that ran
 * @param kernel the full-batch gradient kernel L-BFGS ran with ({@code plain} or {@code nd4j},
 *     {@link DenseGradientKernels}); {@code plain} for the other methods
 * @param challenger the refined copy, already continued over the tail (its window is the job's copy
 *     of the window), or null if {@link RefineStatus#FAILED}
 * @param liveLoss the live model's progressive loss on the tail as the window recorded it when the
 *     examples were learned (the in-sample loss of its weights at the job's start if the window has
 *     no recorded losses, e.g. restored from an older snapshot)
 * @param challengerLoss the challenger's progressive loss on the tail (+infinity if failed: a
 *     refinement never reports NaN)
 * @param improvementZ the paired z statistic of the improvement: {@code (liveLoss -
 *     challengerLoss)} over its standard error from the per-example differences (NaN if failed, or
 *     if the tail has fewer than 2 examples); positive when the challenger is better
 * @param trainExamples examples refined on (window positions {@code [0, trainExamples)})
 * @param holdoutExamples examples judged on (the newest, after the training part)
 * @param startSequence the window's next sequence number when the job started: the live model
 *     learned every example with a sequence number at or after it while the job ran
 * @param liveExamplesAtStart the live model's example count when the job started
 * @param steps inner steps (SVRG, optimizer epochs) or iterations (L-BFGS) taken
 * @param millis wall time of {@link RefineJob#run}
 * @param message a human-readable account (why it failed or was rejected)
 */
public record RefineResult(
    RefineStatus status,
    String method,
    String kernel,
    Model challenger,
    double liveLoss,
    double challengerLoss,
    double improvementZ,
    int trainExamples,
    int holdoutExamples,
    long startSequence,
    long liveExamplesAtStart,
    long steps,
    long millis,
    String message) {

  /**
   * True iff the challenger may go live: finite and better on the held-back tail by at least the
   * spec's {@link RefineSpec#minZ} standard errors.
   */
  public boolean promotable() {
    return status == RefineStatus.PROMOTABLE;
  }
}
