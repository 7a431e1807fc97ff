package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryTimersTest {
  private Database db;
  private RetryTimers timers;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    timers = db.retryTimers();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private UUID webhook() {
    return db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
  }

  private static DeliveryTask task(UUID webhookId, int attempt, Trigger trigger) {
    String eventId = "evt_" + UUID.randomUUID();
    Event event =
        new Event(
            eventId,
            "payment_received",
            "urn:test",
            Instant.parse("2026-11-28T10:00:00Z"),
            Json.readTree("{\"payment_id\": 7}".getBytes()),
            null);
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhookId), webhookId, 1, attempt, trigger, event, null);
  }

  private static AttemptRecord attempt(DeliveryTask t, DeliveryStatus status, Instant next) {
    return new AttemptRecord(
        t,
        Instant.now(),
        10,
        status == DeliveryStatus.SUCCEEDED ? 200 : 500,
        "x",
        status == DeliveryStatus.SUCCEEDED ? null : "http_status",
        status == DeliveryStatus.SUCCEEDED ? null : "HTTP 500",
        "w1",
        status,
        next);
  }

  private List<DeliveryTask> publishDue() throws Exception {
    List<DeliveryTask> published = new ArrayList<>();
    timers.publishDue(100, Duration.ofMinutes(5), published::addAll);
    return published;
  }

  @Test
  void aDueRetryIsPublishedOnceAsTheNextAttemptWithItsEvent() throws Exception {
    UUID webhook = webhook();
    DeliveryTask first = task(webhook, 1, Trigger.EVENT);
    DeliveryTask notYet = task(webhook, 1, Trigger.EVENT);
    db.attempts()
        .recordAll(
            List.of(
                attempt(first, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1)),
                attempt(notYet, DeliveryStatus.RETRYING, Instant.now().plusSeconds(60))));
    assertThat(timers.counts()).isEqualTo(new RetryTimers.Counts(1, 2));

    List<DeliveryTask> published = publishDue();

    assertThat(published).hasSize(1);
    DeliveryTask retry = published.get(0);
    assertThat(retry.deliveryId()).isEqualTo(first.deliveryId());
    assertThat(retry.attempt()).isEqualTo(2);
    assertThat(retry.trigger()).isEqualTo(Trigger.RETRY);
    assertThat(retry.webhookVersion()).isEqualTo(1);
    assertThat(retry.event()).isEqualTo(first.event());
    assertThat(publishDue()).as("leased, not due again").isEmpty();
    assertThat(db.deliveries().find(first.deliveryId()).orElseThrow().nextAttemptAt())
        .isAfter(Instant.now().plus(Duration.ofMinutes(4)));
  }

  @Test
  void aFailedPublishMarksNothing() throws Exception {
    DeliveryTask t = task(webhook(), 1, Trigger.EVENT);
    db.attempts()
        .recordAll(List.of(attempt(t, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1))));

    assertThatThrownBy(
            () ->
                timers.publishDue(
                    10,
                    Duration.ofMinutes(5),
                    tasks -> {
                      throw new IllegalStateException("broker down");
                    }))
        .hasMessage("broker down");

    assertThat(publishDue()).extracting(DeliveryTask::deliveryId).containsExactly(t.deliveryId());
  }

  @Test
  void twoSchedulersNeverClaimTheSameTimer() throws Exception {
    DeliveryTask t = task(webhook(), 1, Trigger.EVENT);
    db.attempts()
        .recordAll(List.of(attempt(t, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1))));
    CountDownLatch firstIsPublishing = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    Thread first =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    timers.publishDue(
                        10,
                        Duration.ofMinutes(5),
                        tasks -> {
                          firstIsPublishing.countDown();
                          releaseFirst.await(10, TimeUnit.SECONDS);
                        });
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                });
    assertThat(firstIsPublishing.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(publishDue()).as("row locked by the first scheduler is skipped").isEmpty();
    releaseFirst.countDown();
    first.join();
    assertThat(publishDue()).isEmpty();
  }

  @Test
  void dueTimersOfInactiveOrDeletedWebhooksAreCancelledNotPublished() throws Exception {
    UUID inactive = webhook();
    UUID deleted = webhook();
    DeliveryTask a = task(inactive, 1, Trigger.EVENT);
    DeliveryTask b = task(deleted, 1, Trigger.EVENT);
    db.attempts()
        .recordAll(
            List.of(
                attempt(a, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1)),
                attempt(b, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1))));
    WebhookPatch off = WebhookPatch.builder().active(false).build();
    db.webhooks().update(inactive, off);
    db.webhooks().delete(deleted);

    assertThat(publishDue()).isEmpty();
    assertThat(db.deliveries().find(a.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.CANCELLED);
    assertThat(db.deliveries().find(b.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.CANCELLED);
  }

  @Test
  void aDeferredTaskKeepsItsAttemptNumberAndLosesToTheRecordedAttempt() throws Exception {
    UUID webhook = webhook();
    DeliveryTask fresh = task(webhook, 1, Trigger.EVENT);
    timers.defer(List.of(new RetryTimers.Deferral(fresh, Instant.now().minusSeconds(1))));
    DeliveryView deferred = db.deliveries().find(fresh.deliveryId()).orElseThrow();
    assertThat(deferred.status()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(deferred.attemptCount()).isZero();

    assertThat(publishDue()).singleElement().satisfies(t -> assertThat(t.attempt()).isEqualTo(1));

    // the attempt was recorded first (it finished while the batch was acknowledged): deferring it
    // is a no-op
    DeliveryTask done = task(webhook, 1, Trigger.EVENT);
    db.attempts().recordAll(List.of(attempt(done, DeliveryStatus.SUCCEEDED, null)));
    timers.defer(List.of(new RetryTimers.Deferral(done, Instant.now().plusSeconds(60))));
    assertThat(db.deliveries().find(done.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.SUCCEEDED);
  }

  @Test
  void failedDeliveriesAreDeadLetteredOnceExceptTestDeliveries() throws Exception {
    UUID webhook = webhook();
    DeliveryTask failed = task(webhook, 1, Trigger.EVENT).nextAttempt(Trigger.RETRY);
    DeliveryTask test = task(webhook, 1, Trigger.TEST);
    DeliveryTask ok = task(webhook, 1, Trigger.EVENT);
    db.attempts()
        .recordAll(
            List.of(
                attempt(failed, DeliveryStatus.FAILED, null),
                attempt(test, DeliveryStatus.FAILED, null),
                attempt(ok, DeliveryStatus.SUCCEEDED, null)));

    List<DeadLetter> letters = new ArrayList<>();
    assertThat(timers.publishDeadLetters(10, letters::addAll)).isEqualTo(1);
    DeadLetter letter = letters.get(0);
    assertThat(letter.task().deliveryId()).isEqualTo(failed.deliveryId());
    assertThat(letter.task().attempt()).isEqualTo(2);
    assertThat(letter.task().trigger()).isEqualTo(Trigger.RETRY);
    assertThat(letter.task().event()).isEqualTo(failed.event());
    assertThat(letter.lastError().statusCode()).isEqualTo(500);
    assertThat(letter.lastError().errorClass()).isEqualTo("http_status");
    assertThat(letter.lastError().message()).contains("HTTP 500");
    assertThat(timers.publishDeadLetters(10, letters::addAll)).isZero();
  }
}
