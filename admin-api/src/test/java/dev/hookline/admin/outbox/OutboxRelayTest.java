package dev.hookline.admin.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the relay runs by being open; the body never calls it
class OutboxRelayTest {
  private static final String TOPIC = "hookline.subscriptions";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeOutbox outbox = new FakeOutbox();

  private static MockProducer<String, String> producer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new StringSerializer(), new StringSerializer());
  }

  private static OutboxRelay.Settings settings(Duration poll, int batchSize) {
    return OutboxRelay.Settings.builder()
        .pollInterval(poll)
        .batchSize(batchSize)
        .maxBackoff(Duration.ofMillis(400))
        .build();
  }

  @Test
  void publishesInOrderAndMarksOnlyAfterEveryAck() {
    outbox.add(TOPIC, "w1", "{\"v\":1}");
    outbox.add(TOPIC, "w2", "{\"v\":1}");
    outbox.add(TOPIC, "w1", null); // tombstone
    MockProducer<String, String> producer = producer(false);

    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .settings(settings(Duration.ofMillis(50), 100))
            .start()) {
      await().atMost(WAIT).until(() -> producer.history().size() == 3);
      List<ProducerRecord<String, String>> sent = producer.history();
      assertThat(sent).extracting(ProducerRecord::topic).containsOnly(TOPIC);
      assertThat(sent).extracting(ProducerRecord::key).containsExactly("w1", "w2", "w1");
      assertThat(sent)
          .extracting(ProducerRecord::value)
          .containsExactly("{\"v\":1}", "{\"v\":1}", null);

      producer.completeNext();
      producer.completeNext();
      // two of three acknowledged: the batch is not done, nothing may be marked
      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> outbox.published.isEmpty());

      producer.completeNext();
      await().atMost(WAIT).until(() -> outbox.published.size() == 3);
      assertThat(outbox.published).containsExactly(1L, 2L, 3L);
      assertThat(producer.history()).as("sent once").hasSize(3);
    }
  }

  @Test
  void aFailedSendMarksNothingAndIsRetried() {
    outbox.add(TOPIC, "w1", "a");
    outbox.add(TOPIC, "w2", "b");
    MockProducer<String, String> producer = producer(false);

    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .settings(settings(Duration.ofMillis(50), 100))
            .start()) {
      await().atMost(WAIT).until(() -> producer.history().size() == 2);
      producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
      producer.completeNext();

      // the whole batch is sent again, and only then marked
      await().atMost(WAIT).until(() -> producer.history().size() == 4);
      assertThat(outbox.published).isEmpty();
      assertThat(producer.history().subList(2, 4))
          .extracting(ProducerRecord::key)
          .containsExactly("w1", "w2");

      producer.completeNext();
      producer.completeNext();
      await().atMost(WAIT).until(() -> outbox.published.size() == 2);
      assertThat(outbox.published).containsExactly(1L, 2L);
    }
  }

  @Test
  void survivesOutboxErrors() {
    outbox.failuresToSimulate.set(3);
    outbox.add(TOPIC, "w1", "a");
    MockProducer<String, String> producer = producer(true);

    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .settings(settings(Duration.ofMillis(20), 100))
            .start()) {
      await().atMost(WAIT).until(() -> outbox.published.size() == 1);
      assertThat(outbox.calls.get()).isGreaterThanOrEqualTo(4);
      assertThat(producer.history()).hasSize(1);
    }
  }

  @Test
  void aFullBatchIsFollowedAtOnceByTheNext() {
    for (int i = 1; i <= 5; i++) outbox.add(TOPIC, "w" + i, "v" + i);
    MockProducer<String, String> producer = producer(true);

    // a poll interval far longer than the wait: only the "full batch, go again" rule gets all 5 out
    // in time
    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .settings(settings(Duration.ofMinutes(10), 2))
            .start()) {
      await().atMost(WAIT).until(() -> outbox.published.size() == 5);
      assertThat(outbox.published).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(producer.history())
          .extracting(ProducerRecord::key)
          .containsExactly("w1", "w2", "w3", "w4", "w5");
    }
  }

  @Test
  void closeStopsTheLoop() {
    MockProducer<String, String> producer = producer(true);
    OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .settings(settings(Duration.ofMillis(10), 100))
            .start();
    await().atMost(WAIT).until(() -> outbox.calls.get() > 0);

    relay.close();
    int calls = outbox.calls.get();
    outbox.add(TOPIC, "w1", "a");
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> outbox.calls.get() == calls);
    assertThat(outbox.published).isEmpty();
  }

  @Test
  void producerPropertiesAreIdempotentWithAllAcks() {
    var props = OutboxRelay.producerProperties("localhost:9092");
    assertThat(props.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    assertThat(props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo("true");
    assertThat(props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("localhost:9092");
  }
}
