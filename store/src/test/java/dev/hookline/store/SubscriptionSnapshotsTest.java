package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubscriptionSnapshotsTest {
  private static final Duration WEEK = Duration.ofDays(7);

  private Database db;
  private SubscriptionSnapshots snapshots;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    snapshots = db.subscriptionSnapshots();
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aSnapshotRepublishesTheCurrentRecordOfEveryWebhookAndTombstonesOfRecentDeletions()
      throws Exception {
    Webhook kept =
        db.webhooks()
            .create(
                TestWebhooks.newWebhook()
                    .filter(
                        Json.readTree(
                            "{\"data.total\": {\"$gte\": 100}, \"data.currency\": \"EUR\"}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build())
            .webhook();
    Webhook edited = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook();
    Webhook paused = db.webhooks().create(WebhookStoreTest.zapier("invoice_sent", "*")).webhook();
    Webhook deleted = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook();
    db.webhooks().update(edited.id(), patchEvents("site_published", "domain_created"));
    db.webhooks().update(paused.id(), patchActive(false));
    db.webhooks().delete(deleted.id());
    Map<String, Optional<String>> lastWrittenByChanges = lastPerKey(drain());

    assertThat(snapshots.enqueueIfDue(Duration.ZERO, WEEK))
        .isEqualTo(new SubscriptionSnapshots.Enqueued(3, 1));
    List<OutboxRecord> snapshot = drain();

    assertThat(snapshot).extracting(OutboxRecord::topic).containsOnly("hookline.subscriptions");
    assertThat(lastPerKey(snapshot))
        .as("byte for byte what the changes wrote last")
        .isEqualTo(lastWrittenByChanges);
    Subscription editedNow =
        Json.MAPPER.readValue(
            lastPerKey(snapshot).get(edited.id().toString()).orElseThrow(), Subscription.class);
    assertThat(editedNow)
        .isEqualTo(
            new Subscription(
                edited.id(), 2, List.of("site_published", "domain_created"), true, null, null));
    assertThat(lastPerKey(snapshot).get(paused.id().toString()).orElseThrow())
        .contains("\"active\":false");
    assertThat(lastPerKey(snapshot).get(deleted.id().toString())).isEmpty();
    assertThat(lastPerKey(snapshot).get(kept.id().toString()).orElseThrow())
        .as("with its filter, in its order")
        .contains("\"filter\":{\"data.total\":{\"$gte\":100},\"data.currency\":\"EUR\"}");

    // deletions older than the window are not repeated
    assertThat(snapshots.enqueueIfDue(Duration.ZERO, Duration.ZERO))
        .isEqualTo(new SubscriptionSnapshots.Enqueued(3, 0));
    assertThat(lastPerKey(drain())).doesNotContainKey(deleted.id().toString());
  }

  @Test
  void oneSnapshotPerIntervalAcrossInstances() {
    db.webhooks().create(WebhookStoreTest.zapier("payment_received"));
    assertThat(snapshots.enqueueIfDue(Duration.ofHours(1), WEEK))
        .isInstanceOf(SubscriptionSnapshots.Enqueued.class);

    SubscriptionSnapshots otherInstance = db.subscriptionSnapshots();
    SubscriptionSnapshots.Outcome second = otherInstance.enqueueIfDue(Duration.ofHours(1), WEEK);
    assertThat(second).isInstanceOf(SubscriptionSnapshots.NotDue.class);
    assertThat(((SubscriptionSnapshots.NotDue) second).dueIn())
        .isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
    assertThat(otherInstance.enqueueIfDue(Duration.ZERO, WEEK))
        .isInstanceOf(SubscriptionSnapshots.Enqueued.class);
  }

  @Test
  void aSnapshotRunningElsewhereMakesThisOneBusy() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("select pg_advisory_lock(" + PgSubscriptionSnapshots.SNAPSHOT_LOCK + ")");
      assertThat(snapshots.enqueueIfDue(Duration.ZERO, WEEK))
          .isInstanceOf(SubscriptionSnapshots.Busy.class);
      s.execute("select pg_advisory_unlock(" + PgSubscriptionSnapshots.SNAPSHOT_LOCK + ")");
    }
    assertThat(snapshots.enqueueIfDue(Duration.ZERO, WEEK))
        .isInstanceOf(SubscriptionSnapshots.Enqueued.class);
  }

  /**
   * The ordering guarantee: a snapshot waits for an in-flight change and then carries its version.
   */
  @Test
  void aSnapshotNeverOvertakesAnInFlightChange() throws Exception {
    Webhook webhook = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook();
    drain();
    try (Connection edit = db.dataSource().getConnection()) {
      edit.setAutoCommit(false);
      // what PgWebhookStore.update does, held open before its commit
      try (PreparedStatement ps =
          edit.prepareStatement("update webhooks set version = 2 where id = ?")) {
        ps.setObject(1, webhook.id());
        ps.executeUpdate();
      }
      String v2 =
          Json.toString(
              new Subscription(webhook.id(), 2, List.of("payment_received"), true, null, null));
      try (PreparedStatement ps =
          edit.prepareStatement(
              "insert into outbox (topic, record_key, payload) values ('hookline.subscriptions', ?, ?)")) {
        ps.setString(1, webhook.id().toString());
        ps.setString(2, v2);
        ps.executeUpdate();
      }

      CompletableFuture<SubscriptionSnapshots.Outcome> snapshot =
          CompletableFuture.supplyAsync(() -> snapshots.enqueueIfDue(Duration.ZERO, WEEK));
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(30))
          .until(() -> !snapshot.isDone());
      edit.commit();
      assertThat(snapshot.get()).isEqualTo(new SubscriptionSnapshots.Enqueued(1, 0));
    }
    List<OutboxRecord> relayed = drain();
    assertThat(relayed).extracting(OutboxRecord::seq).isSorted();
    assertThat(relayed)
        .extracting(r -> Json.MAPPER.readValue(r.payload(), Subscription.class).version())
        .as("the change's row first, then the snapshot's, both at version 2")
        .containsExactly(2L, 2L);
  }

  @Test
  void aChangeHoldingTheTableTooLongMakesTheSnapshotGiveUpInsteadOfStallingTheApi()
      throws Exception {
    Webhook webhook = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook();
    try (Connection edit = db.dataSource().getConnection()) {
      edit.setAutoCommit(false);
      try (PreparedStatement ps =
          edit.prepareStatement("update webhooks set name = 'x' where id = ?")) {
        ps.setObject(1, webhook.id());
        ps.executeUpdate();
      }
      assertThat(snapshots.enqueueIfDue(Duration.ZERO, WEEK))
          .isInstanceOf(SubscriptionSnapshots.Busy.class);
      edit.rollback();
    }
    assertThat(snapshots.enqueueIfDue(Duration.ZERO, WEEK))
        .isInstanceOf(SubscriptionSnapshots.Enqueued.class);
  }

  @Test
  void purgeDeletesOnlyPublishedRows() throws Exception {
    db.webhooks().create(WebhookStoreTest.zapier("payment_received"));
    db.webhooks().create(WebhookStoreTest.zapier("payment_received"));
    drain();
    db.webhooks().create(WebhookStoreTest.zapier("payment_received")); // still pending

    assertThat(snapshots.purgePublished(Duration.ofHours(1))).as("too recent").isZero();
    assertThat(snapshots.purgePublished(Duration.ZERO)).isEqualTo(2);
    assertThat(drain()).hasSize(1);
  }

  @Test
  void theSignalWakesOnACommittedOutboxWriteAndOtherwiseTimesOut() {
    try (OutboxSignal signal = db.outboxSignal()) {
      assertThat(signal.await(Duration.ofMillis(50))).as("nothing written yet").isFalse();
      db.webhooks().create(WebhookStoreTest.zapier("payment_received"));
      // woken: a wait that timed out would answer false
      assertThat(signal.await(Duration.ofSeconds(30))).isTrue();
      assertThat(signal.await(Duration.ofMillis(50))).as("already consumed").isFalse();
    }
  }

  private List<OutboxRecord> drain() throws Exception {
    List<OutboxRecord> all = new ArrayList<>();
    while (db.outbox().relayBatch(1000, all::addAll) > 0) {
      // until empty
    }
    return all;
  }

  private static Map<String, Optional<String>> lastPerKey(List<OutboxRecord> records) {
    Map<String, Optional<String>> last = new LinkedHashMap<>();
    records.forEach(r -> last.put(r.key(), Optional.ofNullable(r.payload())));
    return last;
  }

  private static WebhookPatch patchEvents(String... events) {
    return WebhookPatch.builder().events(List.of(events)).build();
  }

  static WebhookPatch patchActive(boolean active) {
    return WebhookPatch.builder().active(active).build();
  }
}
