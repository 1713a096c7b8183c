package io.riffle.load.kafka;

/**
 * One lag sample: the broker's end offsets and the model's example count, both taken relative to
 * their values when the mode began, so {@code lag = produced - learned} is the number of records in
 * the topic not learned yet. The count is read before the end offsets, so a record produced and
 * learned between the two reads can only make the lag larger, never negative.
 *
 * @param seconds seconds since the first record was sent
 * @param produced sum over partitions of the end offsets, minus that sum at the start
 * @param learned the model's example count, minus the count at the start
 * @param lag {@code produced - learned}
 */
public record LagSample(double seconds, long produced, long learned, long lag) {}
