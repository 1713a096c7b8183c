/**
 * Riffle service: Kafka sources. Each configured source consumes a topic into one model through the
 * ingest pipeline, records the next offset of every partition in the model's {@code offsets()} on
 * the learner thread with the batch it belongs to, and resumes from the restored model's offsets
 * after a restart (effectively once with respect to the snapshots). See {@link KafkaSource}.
 */
package io.riffle.service.kafka;
