/**
 * The Kafka load scenario: generated CTR records produced into a topic on a real broker (given, or
 * a KRaft broker started in this JVM), consumed by the service jar through a configured Kafka
 * source, measured end to end (examples/s until the model's example count reaches N, consumer lag
 * sampled over time). {@link io.riffle.load.kafka.KafkaLoadMain} is the command; {@link
 * io.riffle.load.kafka.KafkaLoadSmokeTest} runs it at a tiny size in the normal build.
 */
package io.riffle.load.kafka;
