package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeliveryStoreTest {
  @RegisterExtension static final FreshStore store = FreshStore.empty();

  private static DeliveryTask task(UUID webhookId, String eventId) {
    Event event =
        new Event(
            eventId,
            "payment_received",
            "urn:test",
            Instant.parse("2026-11-28T10:00:00Z"),
            Json.readTree("{\"payment_id\": 7}".getBytes(StandardCharsets.UTF_8)),
            null);
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhookId), webhookId, 1, 1, Trigger.EVENT, event, null);
  }

  private static AttemptRecord failed500(DeliveryTask t, Instant next) {
    return new AttemptRecord(
        t, Instant.now(), 12, 500, "oops", null, null, "w1", DeliveryStatus.RETRYING, next);
  }

  private static AttemptRecord ok(DeliveryTask t) {
    return new AttemptRecord(
        t, Instant.now(), 8, 200, "thanks", null, null, "w1", DeliveryStatus.SUCCEEDED, null);
  }

  @Test
  void pingReturnsWhilePostgresAnswersAndThrowsWhenItCannot() {
    store.attempts().ping();
    Database gone = TestPostgres.freshStore();
    AttemptRecorder unreachable = gone.attempts();
    gone.close();
    assertThatThrownBy(unreachable::ping).isInstanceOf(StoreException.class);
  }

  @Test
  void concurrentBatchesSharingEventsDoNotDeadlock() throws Exception {
    UUID a = store.newWebhook("payment_received");
    UUID b = store.newWebhook("payment_received");
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
      for (int round = 0; round < 10; round++) {
        List<AttemptRecord> forA = new java.util.ArrayList<>();
        List<AttemptRecord> forB = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
          // one event to two webhooks: each batch meets the events in its own delivery id order
          String event = "evt_dl_" + round + "_" + i;
          forA.add(ok(task(a, event)));
          forB.add(ok(task(b, event)));
        }
        var first = pool.submit(() -> store.attempts().recordAll(forA));
        var second = pool.submit(() -> store.attempts().recordAll(forB));
        first.get(); // a deadlock (SQLState 40P01) would surface here as a StoreException
        second.get();
      }
    }
  }

  @Test
  void recordsTheEventTheDeliveryAndEachAttempt() {
    UUID webhook = store.newWebhook("payment_received");
    DeliveryTask first = task(webhook, "evt_1");
    Instant next = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MILLIS);

    store.attempts().recordAll(List.of(failed500(first, next)));
    DeliveryView retrying = store.deliveries().find(first.deliveryId()).orElseThrow();
    assertThat(retrying.status()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(retrying.nextAttemptAt()).isEqualTo(next);
    assertThat(retrying.lastStatusCode()).isEqualTo(500);

    store.attempts().recordAll(List.of(ok(first.nextAttempt(Trigger.RETRY))));
    DeliveryView done = store.deliveries().find(first.deliveryId()).orElseThrow();
    assertThat(done.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(done.attemptCount()).isEqualTo(2);
    assertThat(done.eventType()).isEqualTo("payment_received");
    assertThat(done.payload().get("payment_id").asInt()).isEqualTo(7);
    assertThat(done.attempts())
        .extracting(DeliveryView.AttemptView::statusCode)
        .containsExactly(500, 200);
    assertThat(done.attempts())
        .extracting(DeliveryView.AttemptView::trigger)
        .containsExactly("event", "retry");
  }

  @Test
  void everyRecordedRequestIsAnAttemptAndOldAttemptsDoNotRegressTheState() {
    UUID webhook = store.newWebhook("payment_received");
    DeliveryTask t = task(webhook, "evt_2");
    AttemptRecord second = ok(t.nextAttempt(Trigger.RETRY));
    store.attempts().recordAll(List.of(second));
    store.attempts().recordAll(List.of(second, failed500(t, Instant.now())));

    DeliveryView view = store.deliveries().find(t.deliveryId()).orElseThrow();
    assertThat(view.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    // each record is a request that left a worker (issue 15, item 5): none is dropped
    assertThat(view.attempts())
        .extracting(DeliveryView.AttemptView::attempt)
        .containsExactly(1, 2, 3);
    assertThat(view.attemptCount()).isEqualTo(3);
  }

  @Test
  void listsAWebhooksDeliveriesNewestFirstWithStatusFilterAndCursor() {
    UUID webhook = store.newWebhook("payment_received");
    for (int i = 0; i < 5; i++) {
      DeliveryTask t = task(webhook, "evt_list_" + i);
      store.attempts().recordAll(List.of(i % 2 == 0 ? ok(t) : failed500(t, Instant.now())));
    }
    List<DeliveryView> page1 = store.deliveries().listForWebhook(webhook, null, null, null, 3);
    List<DeliveryView> page2 =
        store.deliveries().listForWebhook(webhook, null, null, page1.get(2).id(), 3);
    assertThat(page1).hasSize(3);
    assertThat(page2).hasSize(2);
    assertThat(page1.get(0).eventId()).isEqualTo("evt_list_4");
    assertThat(page2.get(1).eventId()).isEqualTo("evt_list_0");
    assertThat(store.deliveries().listForWebhook(webhook, DeliveryStatus.RETRYING, null, null, 10))
        .extracting(DeliveryView::eventId)
        .containsExactly("evt_list_3", "evt_list_1");
  }
}
