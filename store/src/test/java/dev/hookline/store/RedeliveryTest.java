package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Trigger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The delivery log's since filter, and what recover and manual retry read and mark. */
class RedeliveryTest {
  private static Database db;
  private static DeliveryStore deliveries;
  private static AttemptRecorder attempts;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    deliveries = db.deliveries();
    attempts = db.attempts();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static UUID webhook() {
    return db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
  }

  private static UUID record(UUID webhook, String event, Trigger trigger, DeliveryStatus status) {
    AttemptRecord a = WebhookListingTest.attempt(webhook, event, trigger, status);
    attempts.recordAll(List.of(a));
    return a.task().deliveryId();
  }

  private static void setCreatedAt(UUID deliveryId, Instant at) throws Exception {
    try (var c = db.dataSource().getConnection();
        var ps = c.prepareStatement("update deliveries set created_at = ? where id = ?")) {
      ps.setTimestamp(1, java.sql.Timestamp.from(at));
      ps.setObject(2, deliveryId);
      ps.executeUpdate();
    }
  }

  @Test
  void listsOnlyDeliveriesCreatedSinceTheGivenTime() throws Exception {
    UUID webhook = webhook();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    UUID old = record(webhook, "old", Trigger.EVENT, DeliveryStatus.SUCCEEDED);
    UUID recent = record(webhook, "recent", Trigger.EVENT, DeliveryStatus.FAILED);
    setCreatedAt(old, now.minusSeconds(3600));
    setCreatedAt(recent, now.minusSeconds(60));

    assertThat(deliveries.listForWebhook(webhook, null, now.minusSeconds(600), null, 10))
        .extracting(DeliveryView::id)
        .containsExactly(recent);
    assertThat(deliveries.listForWebhook(webhook, null, now.minusSeconds(60), null, 10))
        .as("since is inclusive")
        .extracting(DeliveryView::id)
        .containsExactly(recent);
    assertThat(
            deliveries.listForWebhook(
                webhook, DeliveryStatus.SUCCEEDED, now.minusSeconds(600), null, 10))
        .isEmpty();
    assertThat(deliveries.listForWebhook(webhook, null, null, null, 10)).hasSize(2);
  }

  @Test
  void failedBetweenReadsFailedNonTestDeliveriesInTheWindowOldestFirst() throws Exception {
    UUID webhook = webhook();
    UUID other = webhook();
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    UUID before = record(webhook, "before", Trigger.EVENT, DeliveryStatus.FAILED);
    UUID first = record(webhook, "first", Trigger.EVENT, DeliveryStatus.FAILED);
    UUID second = record(webhook, "second", Trigger.EVENT, DeliveryStatus.FAILED);
    UUID atUntil = record(webhook, "until", Trigger.EVENT, DeliveryStatus.FAILED);
    UUID succeeded = record(webhook, "ok", Trigger.EVENT, DeliveryStatus.SUCCEEDED);
    UUID retrying = record(webhook, "retrying", Trigger.EVENT, DeliveryStatus.RETRYING);
    UUID test = record(webhook, "test", Trigger.TEST, DeliveryStatus.FAILED);
    UUID otherHook = record(other, "other", Trigger.EVENT, DeliveryStatus.FAILED);
    setCreatedAt(before, t0.minusSeconds(1));
    setCreatedAt(first, t0);
    setCreatedAt(second, t0.plusSeconds(10));
    setCreatedAt(atUntil, t0.plusSeconds(60));
    for (UUID id : List.of(succeeded, retrying, test, otherHook))
      setCreatedAt(id, t0.plusSeconds(5));

    List<Redelivery> found = deliveries.failedBetween(webhook, t0, t0.plusSeconds(60), 100);

    assertThat(found).extracting(Redelivery::deliveryId).containsExactly(first, second);
    Redelivery r = found.get(0);
    assertThat(r.webhookId()).isEqualTo(webhook);
    assertThat(r.nextAttempt()).isEqualTo(2);
    assertThat(r.trigger()).isEqualTo(Trigger.EVENT);
    assertThat(r.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(r.event().id()).isEqualTo("first_" + webhook);
    assertThat(r.event().type()).isEqualTo("payment_received");
    assertThat(r.event().source()).isEqualTo("urn:test");
    assertThat(r.event().data().get("payment_id").asInt()).isEqualTo(1);
    assertThat(deliveries.failedBetween(webhook, t0, t0.plusSeconds(60), 1)).hasSize(1);
  }

  @Test
  void redeliveryReadsOneDeliveryAndItsTaskAsksForTheNextAttempt() {
    UUID webhook = webhook();
    UUID id = record(webhook, "one", Trigger.EVENT, DeliveryStatus.SUCCEEDED);

    Redelivery r = deliveries.redelivery(id).orElseThrow();
    DeliveryTask task =
        r.task(TestWebhooks.webhook().id(webhook).version(7).build(), Trigger.MANUAL);

    assertThat(task.deliveryId()).isEqualTo(id);
    assertThat(task.attempt()).isEqualTo(2);
    assertThat(task.webhookVersion()).isEqualTo(7);
    assertThat(task.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(task.event().id()).isEqualTo("one_" + webhook);
    assertThat(deliveries.redelivery(UUID.randomUUID())).isEmpty();
  }

  @Test
  void markRequeuedMakesThemPendingUnlessTheWorkerWasQuicker() {
    UUID webhook = webhook();
    UUID a = record(webhook, "a", Trigger.EVENT, DeliveryStatus.FAILED);
    UUID b = record(webhook, "b", Trigger.EVENT, DeliveryStatus.RETRYING);
    Redelivery ra = deliveries.redelivery(a).orElseThrow();
    Redelivery rb = deliveries.redelivery(b).orElseThrow();
    // the worker records b's next attempt before the mark
    attempts.recordAll(
        List.of(
            new AttemptRecord(
                rb.task(TestWebhooks.webhook().id(webhook).build(), Trigger.MANUAL),
                Instant.now(),
                3,
                200,
                "ok",
                null,
                null,
                "w1",
                DeliveryStatus.SUCCEEDED,
                null)));

    assertThat(deliveries.markRequeued(List.of(ra, rb))).isEqualTo(1);

    DeliveryView pending = deliveries.find(a).orElseThrow();
    assertThat(pending.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(pending.nextAttemptAt()).isNull();
    assertThat(deliveries.find(b).orElseThrow().status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(deliveries.failedBetween(webhook, Instant.EPOCH, Instant.now().plusSeconds(60), 10))
        .as("a requeued delivery is not recovered twice")
        .isEmpty();

    // the worker's attempt moves it on from pending
    attempts.recordAll(
        List.of(
            new AttemptRecord(
                ra.task(TestWebhooks.webhook().id(webhook).build(), Trigger.MANUAL),
                Instant.now(),
                3,
                200,
                "ok",
                null,
                null,
                "w1",
                DeliveryStatus.SUCCEEDED,
                null)));
    DeliveryView done = deliveries.find(a).orElseThrow();
    assertThat(done.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(done.attemptCount()).isEqualTo(2);
    assertThat(done.attempts())
        .extracting(DeliveryView.AttemptView::trigger)
        .containsExactly("event", "manual");
    assertThat(deliveries.markRequeued(List.of())).isZero();
  }
}
