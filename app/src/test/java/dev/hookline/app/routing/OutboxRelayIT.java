package dev.hookline.app.routing;

import static dev.hookline.app.routing.RoutingKit.awaitDrained;
import static dev.hookline.app.routing.RoutingKit.freshDatabase;
import static dev.hookline.app.routing.RoutingKit.outboxRows;
import static dev.hookline.app.routing.RoutingKit.subscriptionRecords;
import static dev.hookline.app.routing.RoutingKit.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.TestInfra;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import dev.hookline.store.Database;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookPatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox relay on the real broker and PostgreSQL: per-webhook order under concurrent edits and
 * interleaved snapshots, two relays racing, and reconciliation healing the topic.
 *
 * <p>Webhooks here live in a database of their own and stay inactive, so the shared router of
 * {@code TestStack} (which also reads {@code hookline.subscriptions}) never routes to them.
 */
class OutboxRelayIT {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelayIT.class);
  private static final List<String> TYPES =
      EventCatalog.load().types().stream().map(EventType::name).toList();
  private static String bootstrap;

  @BeforeAll
  static void broker() {
    bootstrap = TestInfra.bootstrapServers();
  }

  private static OutboxRelay.Settings snapshotsEvery(Duration interval) {
    return OutboxRelay.Settings.builder().snapshotInterval(interval).build();
  }

  @Test
  void concurrentEditsEndOnTheTopicExactlyAsInTheDatabaseWithVersionsInOrder() throws Exception {
    try (Database db = freshDatabase()) {
      List<UUID> ids = createInactive(db, 12);
      int edits;
      // snapshots every 200 ms interleave with the edits: they must never put an older version last
      try (RoutingKit.Relay relay =
          RoutingKit.Relay.start(
              db, bootstrap, snapshotsEvery(Duration.ofMillis(200)), "it-relay-a")) {
        edits = editConcurrently(db, ids, 8, 60);
        awaitDrained(db, Duration.ofSeconds(30));
      }

      Map<String, List<Optional<String>>> onTopic =
          byKey(subscriptionRecords(bootstrap, keys(ids)));
      int records = onTopic.values().stream().mapToInt(List::size).sum();
      assertThat(records).as("every change plus snapshot copies").isGreaterThan(ids.size() + edits);
      for (UUID id : ids) {
        Webhook now = db.webhooks().find(id).orElseThrow();
        List<Long> versions =
            onTopic.get(id.toString()).stream()
                .map(p -> subscription(p.orElseThrow()).version())
                .toList();
        assertThat(versions).as("versions of %s in topic order", id).isSorted();
        assertThat(versions.stream().distinct().toList())
            .as("every version of %s, none skipped", id)
            .isEqualTo(java.util.stream.LongStream.rangeClosed(1, now.version()).boxed().toList());
        Subscription last = subscription(onTopic.get(id.toString()).getLast().orElseThrow());
        assertThat(last)
            .isEqualTo(
                new Subscription(id, now.version(), now.events(), now.routable(), null, null));
      }
      log.info(
          "concurrent edits: {} webhooks, {} edits, {} records on the topic (snapshot copies included)",
          ids.size(),
          edits,
          records);
    }
  }

  @Test
  void twoRelaysRacingPublishEveryRowOnceInPerKeyOrder() throws Exception {
    try (Database db = freshDatabase()) {
      List<UUID> ids = createInactive(db, 10);
      long sentA;
      long sentB;
      try (RoutingKit.Relay a =
              RoutingKit.Relay.start(
                  db, bootstrap, snapshotsEvery(Duration.ofMillis(300)), "it-relay-race-a");
          RoutingKit.Relay b =
              RoutingKit.Relay.start(
                  db, bootstrap, snapshotsEvery(Duration.ofMillis(300)), "it-relay-race-b")) {
        editConcurrently(db, ids, 6, 80);
        for (UUID id : ids.subList(0, 3))
          assertThat(db.webhooks().delete(id)).isTrue(); // tombstones too
        awaitDrained(db, Duration.ofSeconds(30));
        // a relay counts a batch just after marking it published: wait for the count to catch up
        long total = outboxRows(db).size();
        await().atMost(Duration.ofSeconds(60)).until(() -> a.sent() + b.sent() >= total);
        sentA = a.sent();
        sentB = b.sent();
      }

      List<RoutingKit.Row> rows = outboxRows(db);
      Map<String, List<Optional<String>>> expected = new LinkedHashMap<>();
      rows.forEach(
          r ->
              expected
                  .computeIfAbsent(r.key(), k -> new ArrayList<>())
                  .add(Optional.ofNullable(r.payload())));
      Map<String, List<Optional<String>>> onTopic =
          byKey(subscriptionRecords(bootstrap, keys(ids)));
      assertThat(onTopic)
          .as("per webhook: every outbox row, once, in seq order")
          .isEqualTo(expected);
      // "once" is proven by the topic equality above; the relays' own counters also count the
      // snapshot rows of a reconciliation that may run during the test, so they are only logged
      log.info(
          "two relays: {} outbox rows, relay A sent {}, relay B sent {}",
          rows.size(),
          sentA,
          sentB);
    }
  }

  @Test
  void aSnapshotHealsLostAndCorruptedRecords() throws Exception {
    try (Database db = freshDatabase()) {
      UUID kept =
          db.webhooks().create(webhook("kept", false, List.of("payment_received"))).webhook().id();
      UUID deleted =
          db.webhooks()
              .create(webhook("deleted", false, List.of("payment_received")))
              .webhook()
              .id();
      db.webhooks().delete(deleted);
      UUID neverRelayed = UUID.randomUUID();
      // a webhook whose record never reached the topic (as if the topic lost it)
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "insert into webhooks (id, name, url, events, active, secret_enc, version) values (?, 'lost', 'https://x.example',"
                      + " '{invoice_sent}', false, '\\x00', 4)")) {
        ps.setObject(1, neverRelayed);
        ps.executeUpdate();
      }
      Set<String> keys = keys(List.of(kept, deleted, neverRelayed));

      try (RoutingKit.Relay relay =
          RoutingKit.Relay.start(
              db, bootstrap, snapshotsEvery(Duration.ofMinutes(10)), "it-relay-heal")) {
        awaitDrained(db, Duration.ofSeconds(30));
      }
      // damage the topic the way a bad tool or a lost tombstone would
      try (KafkaProducer<String, String> vandal =
          new KafkaProducer<>(
              dev.hookline.admin.outbox.OutboxRelay.producerProperties(bootstrap))) {
        vandal.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS, kept.toString(), "{corrupt")).get();
        vandal
            .send(
                new ProducerRecord<>(
                    Topics.SUBSCRIPTIONS,
                    deleted.toString(),
                    Json.toString(
                        new Subscription(
                            deleted, 1, List.of("payment_received"), true, null, null))))
            .get();
      }
      assertThat(lastPerKey(subscriptionRecords(bootstrap, keys)).get(kept.toString()))
          .contains("{corrupt");

      try (RoutingKit.Relay relay =
          RoutingKit.Relay.start(
              db, bootstrap, snapshotsEvery(Duration.ofMillis(500)), "it-relay-heal")) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> {
                  Map<String, Optional<String>> last =
                      lastPerKey(subscriptionRecords(bootstrap, keys));
                  assertThat(last.get(kept.toString()))
                      .contains(
                          Json.toString(
                              new Subscription(
                                  kept, 1, List.of("payment_received"), false, null, null)));
                  assertThat(last.get(deleted.toString())).as("tombstone again").isEmpty();
                  assertThat(last.get(neverRelayed.toString()))
                      .contains(
                          Json.toString(
                              new Subscription(
                                  neverRelayed, 4, List.of("invoice_sent"), false, null, null)));
                });
      }
    }
  }

  private static List<UUID> createInactive(Database db, int n) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(
          db.webhooks()
              .create(webhook("w" + i, false, List.of(TYPES.get(i % TYPES.size()))))
              .webhook()
              .id());
    }
    return ids;
  }

  /**
   * Threads patching random webhooks (events and name; they stay inactive). Returns the edits made.
   */
  private static int editConcurrently(Database db, List<UUID> ids, int threads, int editsPerThread)
      throws Exception {
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  for (int i = 0; i < editsPerThread; i++) {
                    UUID id = ids.get(random.nextInt(ids.size()));
                    List<String> events =
                        random
                            .ints(1 + random.nextInt(3), 0, TYPES.size())
                            .mapToObj(TYPES::get)
                            .distinct()
                            .toList();
                    WebhookPatch patch =
                        WebhookPatch.builder()
                            .name("edit-" + random.nextInt(1000))
                            .events(events)
                            .build();
                    if (db.webhooks().update(id, patch).isPresent()) done.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    return done.get();
  }

  private static Subscription subscription(String json) {
    return Json.fromBytes(
        json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Subscription.class);
  }

  private static Set<String> keys(List<UUID> ids) {
    return ids.stream().map(UUID::toString).collect(Collectors.toSet());
  }

  private static Map<String, List<Optional<String>>> byKey(
      List<ConsumerRecord<String, String>> records) {
    Map<String, List<Optional<String>>> byKey = new LinkedHashMap<>();
    records.forEach(
        r ->
            byKey
                .computeIfAbsent(r.key(), k -> new ArrayList<>())
                .add(Optional.ofNullable(r.value())));
    return byKey;
  }

  private static Map<String, Optional<String>> lastPerKey(
      List<ConsumerRecord<String, String>> records) {
    Map<String, Optional<String>> last = new HashMap<>();
    records.forEach(r -> last.put(r.key(), Optional.ofNullable(r.value())));
    return last;
  }
}
