package io.riffle.service.model;

import io.riffle.api.Problem;
import java.util.List;

/**
 * What the learner did with a {@link LearnBatch}.
 *
 * @param learned examples learned
 * @param errors examples refused by the model (e.g. a margin beyond the float range)
 * @param version model version (examples learned) after the batch
 */
public record LearnResult(int learned, List<Problem.LineError> errors, long version) {}
