package io.riffle.load.gen;

import java.util.Map;

/**
 * One generated example.
 *
 * @param index position in the stream, from 0
 * @param id wire id, {@code e<index>}
 * @param features field name to value (String or Double), in the spec's field order; unmodifiable
 * @param label 0 or 1, drawn with probability {@code trueProbability}
 * @param weight importance weight (always 1.0)
 * @param trueProbability the ground truth's probability of label 1 for these features
 */
public record Example(
    long index,
    String id,
    Map<String, Object> features,
    int label,
    double weight,
    double trueProbability) {}
