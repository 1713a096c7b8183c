package io.riffle.load.kafka;

import java.util.List;

/**
 * The measurement of one mode. Times are seconds from the first record sent ({@code t0}); rates are
 * records (= examples) per second.
 *
 * @param mode {@code preload} or {@code concurrent}
 * @param records records produced (N)
 * @param partitions partitions of the topic
 * @param features fields per record
 * @param topic the topic
 * @param targetRate the producer's configured rate (0: unthrottled; preload is always unthrottled)
 * @param produceSeconds from t0 until the producer's last acknowledgement
 * @param producedPerSecond {@code records / produceSeconds}
 * @param serviceStartSeconds how long the service jar took from launch to ready (0 with a given
 *     URL)
 * @param assignmentSeconds concurrent: how long the consumer group took from service ready until
 *     every partition was assigned (0 for preload, or a given URL without {@code riffle.groupId})
 * @param serviceReadySeconds when the service was ready, from t0 (negative: before t0)
 * @param firstLearnedSeconds when the model's count first moved, from t0
 * @param doneSeconds when the model's count reached {@code records}, from t0 (-1: it did not)
 * @param drainSeconds time to drain: preload from ready to done, concurrent from the last
 *     acknowledgement to done
 * @param consumePerSecond the service's rate: preload {@code records / (done - ready)}, concurrent
 *     {@code records / done}
 * @param learnPerSecond {@code records / (done - firstLearned)}: the learning rate once records
 *     flow (preload: the drain rate without the group join; concurrent: bounded by the producer)
 * @param endToEndPerSecond {@code records / doneSeconds}: from the first record sent to the last
 *     learned
 * @param maxLag largest sampled lag
 * @param meanLag mean of the sampled lags from the first sample to done
 * @param finalLearned the model's count (relative to the start) in the sample after done
 * @param finalLag the lag in that sample
 * @param complete whether the count reached exactly {@code records} and the producer had no error
 * @param error why not, or null
 * @param sampleErrors samples that failed (HTTP or admin errors) and were skipped
 * @param loadAverageBefore one-minute load average when the mode began
 * @param loadAverageAfter one-minute load average when it ended
 * @param samples the lag timeline
 */
public record KafkaLoadResult(
    String mode,
    long records,
    int partitions,
    int features,
    String topic,
    double targetRate,
    double produceSeconds,
    double producedPerSecond,
    double serviceStartSeconds,
    double assignmentSeconds,
    double serviceReadySeconds,
    double firstLearnedSeconds,
    double doneSeconds,
    double drainSeconds,
    double consumePerSecond,
    double learnPerSecond,
    double endToEndPerSecond,
    long maxLag,
    double meanLag,
    long finalLearned,
    long finalLag,
    boolean complete,
    String error,
    long sampleErrors,
    double loadAverageBefore,
    double loadAverageAfter,
    List<LagSample> samples) {

  /** Copies the samples. */
  public KafkaLoadResult {
    samples = List.copyOf(samples);
  }
}
