package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.id;
import static dev.hookline.router.RouterTopologyTest.sub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One record must never stop routing, on a real broker with exactly-once: a record whose delivery
 * task, or whose copy on {@code hookline.invalid-events}, cannot be written ends on {@code
 * hookline.invalid-events} with its reason (without its value when even the copy cannot be
 * written), and the events after it are routed. Before, the write failed, the stream thread died,
 * the replacement thread replayed the same record, and routing stopped for every event.
 *
 * <p>The broker here refuses tasks over 64 KB ({@code max.message.bytes} of {@code
 * hookline.deliveries}), so an event well within Hookline's limits (100 KB of data) makes a task
 * that cannot be written, the way any broker or producer refusal would.
 */
class RouterPoisonRecordTest {
  static final int DELIVERIES_MAX_BYTES = 64 * 1024;
  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static KafkaProducer<byte[], byte[]> producer;
  static Router router;
  static final List<DeliveryTask> tasks = new CopyOnWriteArrayList<>();
  static final List<ConsumerRecord<byte[], byte[]>> invalid = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    kafka = new EmbeddedKafka(tmp.resolve("kafka"));
    kafka.createTopics(
        new NewTopic(Topics.SUBSCRIPTIONS, 1, (short) 1)
            .configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(Topics.DELIVERIES, 1, (short) 1)
            .configs(Map.of("max.message.bytes", Integer.toString(DELIVERIES_MAX_BYTES))),
        new NewTopic(Topics.INVALID_EVENTS, 1, (short) 1),
        new NewTopic("events.payments", 2, (short) 1),
        // a topic whose operator raised the record limit past the router producer's
        new NewTopic("events.large", 1, (short) 1)
            .configs(Map.of("max.message.bytes", Integer.toString(4 * 1024 * 1024))));
    producer = kafka.producer(4 * 1024 * 1024);
    producer
        .send(
            new ProducerRecord<>(
                Topics.SUBSCRIPTIONS,
                RouterTopologyTest.key(id(1)),
                Json.toBytes(sub(id(1), 1, true, "*"))))
        .get();
    router =
        new Router(
            RouterConfig.builder(kafka.bootstrapServers(), tmp.resolve("state"))
                .replicationFactor(1)
                .build(),
            EventCatalog.load(),
            new SimpleMeterRegistry());
    router.start();
    await().atMost(WAIT).until(() -> router.state() == KafkaStreams.State.RUNNING);
    Thread reader = Thread.ofVirtual().start(RouterPoisonRecordTest::readOutputs);
    reader.setName("poison-test-reader");
  }

  @AfterAll
  static void stop() {
    if (router != null) router.close();
    if (producer != null) producer.close();
    if (kafka != null) kafka.close();
  }

  /** The case found: valid headers, but a 200 KB ce_id of control characters. */
  @Test
  void aHugeIdOfControlCharactersIsRefusedAndTheEventsAfterItAreRouted() throws Exception {
    String poisonId = "\u0001".repeat(200_000);
    publish("events.payments", poisonId, "payment_received", "{\"payment_id\":1}");
    List<String> good = publishGood("events.payments", 3);

    awaitRouted(good);
    ConsumerRecord<byte[], byte[]> refused = awaitInvalid(poisonId);
    assertThat(reason(refused)).contains(CloudEventHeaders.ID);
    assertThat(refused.value()).asString(StandardCharsets.UTF_8).isEqualTo("{\"payment_id\":1}");
    assertThat(tasks).noneMatch(t -> t.event().id().equals(poisonId));
    assertThat(router.isRunning()).isTrue();
  }

  /** Within every limit of Hookline, yet the broker refuses its task. */
  @Test
  void anEventWhoseTaskTheBrokerRefusesEndsOnInvalidEventsAndTheEventsAfterItAreRouted()
      throws Exception {
    String bigId = "evt-big-" + UUID.randomUUID();
    // random, so that compression does not bring it under the limit
    byte[] noise = new byte[75 * 1024];
    new java.util.Random(7).nextBytes(noise);
    String data =
        "{\"payment_id\":2,\"note\":\""
            + java.util.Base64.getEncoder().encodeToString(noise)
            + "\"}";
    publish("events.payments", bigId, "payment_received", data);
    List<String> good = publishGood("events.payments", 3);

    awaitRouted(good);
    ConsumerRecord<byte[], byte[]> refused = awaitInvalid(bigId);
    assertThat(reason(refused)).contains(Topics.DELIVERIES).contains("RecordTooLarge");
    assertThat(refused.value()).asString(StandardCharsets.UTF_8).isEqualTo(data);
    assertThat(tasks).noneMatch(t -> t.event().id().equals(bigId));
    assertThat(router.isRunning()).isTrue();

    // and again later: the refusal is not a one-off kept in memory by position
    List<String> more = publishGood("events.payments", 2);
    awaitRouted(more);
  }

  /**
   * An invalid event of 2 MB on a topic allowed to hold it cannot be copied whole (over the router
   * producer's 1 MB {@code max.request.size}): its note on {@code hookline.invalid-events} keeps
   * the reason and where the record is, without the value.
   */
  @Test
  void anInvalidEventTooLargeToCopyIsNotedWithoutItsValueAndTheEventsAfterItAreRouted()
      throws Exception {
    String hugeId = "evt-huge-" + UUID.randomUUID();
    String data = "{\"x\":\"" + "h".repeat(2 * 1024 * 1024) + "\"}";
    publish("events.large", hugeId, "payment_received", data);
    List<String> good = publishGood("events.large", 3);

    awaitRouted(good);
    ConsumerRecord<byte[], byte[]> noted = awaitInvalid(hugeId);
    assertThat(noted.value()).isNull();
    assertThat(reason(noted)).contains("over the 262144 byte limit");
    assertThat(noted.headers().lastHeader(Topics.ROUTED_FROM_HEADER).value())
        .asString(StandardCharsets.UTF_8)
        .startsWith("events.large-0@");
    assertThat(router.isRunning()).isTrue();
  }

  // --- helpers ---

  static void publish(String topic, String id, String type, String data) throws Exception {
    TestRecord<byte[], byte[]> event = RouterTopologyTest.event(id, type, data);
    producer
        .send(new ProducerRecord<>(topic, null, event.key(), event.value(), event.headers()))
        .get();
  }

  static List<String> publishGood(String topic, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "evt-good-" + UUID.randomUUID();
      publish(topic, id, "payment_received", "{\"payment_id\":" + i + "}");
      ids.add(id);
    }
    return ids;
  }

  static void awaitRouted(List<String> ids) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(tasks.stream().map(t -> t.event().id()).toList()).containsAll(ids));
  }

  static ConsumerRecord<byte[], byte[]> awaitInvalid(String eventId) {
    byte[] id = utf8(eventId);
    return await()
        .atMost(WAIT)
        .until(
            () ->
                invalid.stream()
                    .filter(r -> Arrays.equals(idOf(r.headers()), id))
                    .findFirst()
                    .orElse(null),
            r -> r != null);
  }

  static byte[] idOf(Headers headers) {
    var h = headers.lastHeader(CloudEventHeaders.ID);
    return h == null ? new byte[0] : h.value();
  }

  static String reason(ConsumerRecord<byte[], byte[]> r) {
    var h = r.headers().lastHeader(Topics.INVALID_REASON_HEADER);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  static void readOutputs() {
    TopicPartition deliveries = new TopicPartition(Topics.DELIVERIES, 0);
    TopicPartition invalidEvents = new TopicPartition(Topics.INVALID_EVENTS, 0);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                8 * 1024 * 1024),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(deliveries, invalidEvents));
      consumer.seekToBeginning(List.of(deliveries, invalidEvents));
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(Topics.DELIVERIES)) {
            tasks.add(Json.fromBytes(r.value(), DeliveryTask.class));
          } else {
            invalid.add(r);
          }
        }
      }
    } catch (RuntimeException e) {
      // the broker went away at the end of the class
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
