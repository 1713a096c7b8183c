package io.riffle.load.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node KRaft Kafka (combined broker and controller) running in this JVM, for when the
 * scenario is given no {@code riffle.kafka.bootstrap}. It shares this JVM's CPU with the producer
 * and the sampler, and the machine's with the service.
 */
final class LocalKafka implements AutoCloseable {
  private final KafkaClusterTestKit kit;

  private LocalKafka(KafkaClusterTestKit kit) {
    this.kit = kit;
  }

  /** Formats and starts the node, and waits until the broker is ready. */
  static LocalKafka start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .build();
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(nodes)
            // one broker: internal topics cannot be replicated, and a consumer group should not
            // wait for more members before its first assignment
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    try {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      kit.close();
      throw e;
    }
    return new LocalKafka(kit);
  }

  /** {@code host:port} of the broker's client listener. */
  String bootstrapServers() {
    return kit.bootstrapServers();
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }
}
