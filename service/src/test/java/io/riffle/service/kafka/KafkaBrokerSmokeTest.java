package io.riffle.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The in-JVM KRaft broker works: what is produced is consumed, in order per partition. */
class KafkaBrokerSmokeTest {
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  @Test
  void producesAndConsumes() throws Exception {
    KAFKA.createTopic("smoke", 2);
    try (KafkaProducer<String, String> p = KAFKA.producer()) {
      for (int i = 0; i < 10; i++) {
        p.send(new ProducerRecord<>("smoke", i % 2, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
      }
    }
    List<ConsumerRecord<String, String>> got = KAFKA.readAll("smoke", 10, Duration.ofSeconds(30));
    assertThat(got).hasSize(10);
    assertThat(got.stream().filter(r -> r.partition() == 0).map(ConsumerRecord::value))
        .containsExactly("v0", "v2", "v4", "v6", "v8");
  }
}
