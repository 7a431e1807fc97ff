package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.id;
import static dev.hookline.router.RouterTopologyTest.sub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes index on a real broker, across restarts: the global store must be rebuilt through the
 * index processor, both from scratch (empty state dir) and from a checkpoint with changes made
 * while the router was down. A raw restore (records copied into the store as-is) would leave the
 * index empty or stale, and these assertions would fail.
 */
class RouterRestartTest {
  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static KafkaProducer<byte[], byte[]> producer;
  static KafkaConsumer<byte[], byte[]> deliveries;
  static final TopicPartition DELIVERIES = new TopicPartition(Topics.DELIVERIES, 0);

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = new EmbeddedKafka(tmp.resolve("kafka"));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.SUBSCRIPTIONS, 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact")),
                  new NewTopic(Topics.DELIVERIES, 1, (short) 1),
                  new NewTopic(Topics.INVALID_EVENTS, 1, (short) 1),
                  new NewTopic("events.payments", 2, (short) 1)))
          .all()
          .get();
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    deliveries =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    deliveries.assign(List.of(DELIVERIES));
    deliveries.seekToBeginning(List.of(DELIVERIES));
  }

  @AfterAll
  static void stopKafka() {
    if (deliveries != null) deliveries.close();
    if (producer != null) producer.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void routesSurviveRestartsFromCheckpointAndFromScratch() throws Exception {
    UUID moved = id(1),
        deleted = id(2),
        wildcard = id(3),
        inactive = id(4),
        stays = id(5),
        late = id(6);
    // Written before the first start: the router loads all of it through the restore path.
    subscribe(sub(moved, 1, true, "payment_received"));
    subscribe(sub(deleted, 1, true, "payment_received"));
    subscribe(sub(wildcard, 1, true, "*"));
    subscribe(sub(inactive, 1, true, "payment_received"));
    subscribe(sub(stays, 1, true, "payment_received"));
    subscribe(sub(moved, 2, true, "payment_refunded"));
    tombstone(deleted);
    subscribe(sub(inactive, 2, false, "payment_received"));
    producer.flush();

    Path stateDir = tmp.resolve("state");
    RouterConfig config =
        RouterConfig.builder(kafka.bootstrapServers(), stateDir)
            .replicationFactor(1)
            .kafkaOverrides(Map.of("transaction.state.log.replication.factor", "1"))
            .build();

    try (Router router = start(config)) {
      assertThat(routeAndCollect("evt-1")).containsExactly(wildcard + "@v1", stays + "@v1");
      // Live updates go through the normal (non-restore) path.
      subscribe(sub(stays, 3, true, "payment_received", "invoice_paid"));
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> routeAndCollect("evt-probe-" + UUID.randomUUID()).contains(stays + "@v3"));
      assertThat(router.isRunning()).isTrue();
    }

    // Changes while the router is down: replayed on top of the checkpointed store.
    subscribe(sub(stays, 4, false, "payment_received"));
    subscribe(sub(late, 1, true, "payment_received"));
    subscribe(sub(inactive, 3, true, "payment_received"));
    producer.flush();
    try (Router router = start(config)) {
      assertThat(routeAndCollect("evt-2"))
          .containsExactly(wildcard + "@v1", inactive + "@v3", late + "@v1");
      assertThat(router.isRunning()).isTrue();
    }

    // Local state lost: the index is rebuilt from the whole topic.
    deleteRecursively(stateDir);
    try (Router router = start(config)) {
      assertThat(routeAndCollect("evt-3"))
          .containsExactly(wildcard + "@v1", inactive + "@v3", late + "@v1");
      assertThat(router.isRunning()).isTrue();
    }
  }

  /**
   * A router killed without leaving the group (kill -9, OOM) stays a member until its session times
   * out (45 s by default). Restarted under the same instance id, it takes its place back at once: a
   * dynamic member would not reach RUNNING within {@link #start}'s 30 s.
   */
  @Test
  void aRouterRestartedAfterACrashWithItsInstanceIdRoutesAtOnce() throws Exception {
    UUID webhook = id(7);
    String type = "confirm_email_address";
    subscribe(sub(webhook, 1, true, type));
    producer.flush();
    RouterConfig config =
        RouterConfig.builder(kafka.bootstrapServers(), tmp.resolve("crash-state"))
            .applicationId("hookline-router-crash-test")
            .replicationFactor(1)
            .kafkaOverrides(Map.of("transaction.state.log.replication.factor", "1"))
            .instanceId("router-crash-test")
            .build();

    Router first = start(config);
    assertThat(routeAndCollect("evt-before-crash", type)).contains(webhook + "@v1");
    first.closeAsIfKilled(Duration.ofSeconds(10));

    long restarted = System.nanoTime();
    try (Router second = start(config)) {
      assertThat(routeAndCollect("evt-after-crash", type)).contains(webhook + "@v1");
      assertThat(Duration.ofNanos(System.nanoTime() - restarted))
          .isLessThan(Duration.ofSeconds(30));
      assertThat(second.isRunning()).isTrue();
    }
  }

  static Router start(RouterConfig config) {
    Router router = new Router(config, EventCatalog.load(), new SimpleMeterRegistry());
    router.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> router.state() == KafkaStreams.State.RUNNING);
    assertThat(router.isRunning()).isTrue();
    return router;
  }

  /**
   * Publishes one event (payment_received unless given) and returns "webhook@vN" of its tasks, in
   * emit order. All tasks of one event commit in one transaction, so once the always-matching
   * wildcard webhook's task is visible, reading up to the committed end gives all of them.
   */
  static List<String> routeAndCollect(String eventId) throws Exception {
    return routeAndCollect(eventId, "payment_received");
  }

  static List<String> routeAndCollect(String eventId, String type) throws Exception {
    ProducerRecord<byte[], byte[]> event =
        new ProducerRecord<>(
            "events.payments",
            "agg".getBytes(StandardCharsets.UTF_8),
            "{\"payment_id\":1}".getBytes(StandardCharsets.UTF_8));
    event
        .headers()
        .add(CloudEventHeaders.SPECVERSION, utf8("1.0"))
        .add(CloudEventHeaders.ID, utf8(eventId))
        .add(CloudEventHeaders.SOURCE, utf8("/test"))
        .add(CloudEventHeaders.TYPE, utf8(type))
        .add(CloudEventHeaders.TIME, utf8("2026-11-28T10:00:00Z"))
        .add(CloudEventHeaders.CONTENT_TYPE, utf8("application/json"));
    producer.send(event).get();

    List<DeliveryTask> tasks = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              poll(tasks);
              return tasks.stream().anyMatch(t -> t.event().id().equals(eventId));
            });
    long end = deliveries.endOffsets(List.of(DELIVERIES)).get(DELIVERIES);
    while (deliveries.position(DELIVERIES) < end) poll(tasks);
    return tasks.stream()
        .filter(t -> t.event().id().equals(eventId))
        .map(t -> t.webhookId() + "@v" + t.webhookVersion())
        .toList();
  }

  static void poll(List<DeliveryTask> into) {
    for (ConsumerRecord<byte[], byte[]> r : deliveries.poll(Duration.ofMillis(200))) {
      into.add(Json.fromBytes(r.value(), DeliveryTask.class));
    }
  }

  // .get(): a failed send fails the test here rather than as a route missing later
  static void subscribe(Subscription s) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                Topics.SUBSCRIPTIONS, RouterTopologyTest.key(s.id()), Json.toBytes(s)))
        .get();
  }

  static void tombstone(UUID webhook) throws Exception {
    producer
        .send(new ProducerRecord<>(Topics.SUBSCRIPTIONS, RouterTopologyTest.key(webhook), null))
        .get();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void deleteRecursively(Path dir) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
