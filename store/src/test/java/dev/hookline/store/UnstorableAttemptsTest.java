package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 2, on a real PostgreSQL: one attempt PostgreSQL refuses never fails its
 * batch-mates, and what was delivered is kept byte for byte.
 */
class UnstorableAttemptsTest {
  /** Keys out of order, odd escapes, a NUL, numbers jsonb would normalise, duplicate-free. */
  static final String ODD_DATA =
      "{\"zeta\": 1, \"alpha\": {\"y\": [1, 2.5, \"caf\\u00e9 \\u0000 \\t\"], \"b\": null},"
          + "  \"m\":\"\\\"quoted\\\" \\/ \\ud83d\\ude00\", \"big\": 123456789012345678901234567890,"
          + " \"aa\": 1.0E-7}";

  private Database db;
  private UUID webhook;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    webhook = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
  }

  @AfterEach
  void close() {
    db.close();
  }

  static DeliveryTask task(UUID webhook, String eventId, String source, String data) {
    Event event =
        new Event(
            eventId,
            "payment_received",
            source,
            Instant.parse("2026-11-28T10:00:00Z"),
            Json.readTree(data.getBytes(StandardCharsets.UTF_8)),
            null);
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhook), webhook, 1, 1, Trigger.EVENT, event, null);
  }

  static AttemptRecord attempt(DeliveryTask t, DeliveryStatus status, Instant next) {
    return new AttemptRecord(
        t,
        Instant.now(),
        5,
        status == DeliveryStatus.SUCCEEDED ? 200 : 500,
        "x",
        null,
        null,
        "w1",
        status,
        next);
  }

  @Test
  void oneBadAttemptNeverFailsItsBatchMatesAndIsRecordedFailedForTheDeadLetterTopic()
      throws Exception {
    String hugeId = randomText(new Random(15), 8_000); // too long for the btree of events' key
    DeliveryTask good = task(webhook, "evt_good", "urn:test", "{\"n\": 1}");
    DeliveryTask nulData = task(webhook, "evt_nul", "urn:test", ODD_DATA);
    DeliveryTask longId = task(webhook, hugeId, "urn:test", "{\"n\": 2}");
    DeliveryTask nulSource = task(webhook, "evt_src", "urn:te\u0000st", "{\"n\": 3}");
    DeliveryTask retrying = task(webhook, "evt_retry", "urn:test", "{\"n\": 4}");

    List<AttemptRecorder.Refused> refused =
        db.attempts()
            .recordAll(
                List.of(
                    attempt(good, DeliveryStatus.SUCCEEDED, null),
                    attempt(nulData, DeliveryStatus.SUCCEEDED, null),
                    attempt(longId, DeliveryStatus.SUCCEEDED, null),
                    attempt(nulSource, DeliveryStatus.RETRYING, Instant.now().plusSeconds(60)),
                    attempt(retrying, DeliveryStatus.RETRYING, Instant.now().plusSeconds(60))));

    assertThat(refused).isEmpty();
    DeliveryStore deliveries = db.deliveries();
    assertThat(deliveries.find(good.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(deliveries.find(retrying.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.RETRYING);
    // a NUL in the data is no longer a reason to refuse anything
    DeliveryView nul = deliveries.find(nulData.deliveryId()).orElseThrow();
    assertThat(nul.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(Json.toString(nul.payload())).isEqualTo(Json.toString(nulData.event().data()));
    for (DeliveryTask bad : List.of(longId, nulSource)) {
      DeliveryView view = deliveries.find(bad.deliveryId()).orElseThrow();
      assertThat(view.status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(view.lastError()).startsWith("unstorable: SQLState ");
      assertThat(view.attempts()).hasSize(1); // the request that left the worker
      assertThat(Json.toString(view.payload())).isEqualTo(Json.toString(bad.event().data()));
    }
    assertThat(deliveries.find(longId.deliveryId()).orElseThrow().eventId())
        .startsWith("unstorable:")
        .hasSize("unstorable:".length() + 64);

    List<DeadLetter> letters = new ArrayList<>();
    db.retryTimers().publishDeadLetters(100, letters::addAll);
    assertThat(letters)
        .extracting(l -> l.task().deliveryId())
        .containsExactlyInAnyOrder(longId.deliveryId(), nulSource.deliveryId());
    assertThat(letters)
        .allSatisfy(l -> assertThat(l.lastError().errorClass()).isEqualTo("unstorable"));
  }

  @Test
  void anAttemptNotStorableEvenInItsSafeFormIsReturnedAndTheOthersAreRecorded() {
    DeliveryTask good = task(webhook, "evt_ok", "urn:test", "{\"n\": 1}");
    DeliveryTask orphan = task(UUID.randomUUID(), "evt_orphan", "urn:test", "{\"n\": 2}");

    List<AttemptRecorder.Refused> refused =
        db.attempts()
            .recordAll(
                List.of(
                    attempt(good, DeliveryStatus.SUCCEEDED, null),
                    attempt(orphan, DeliveryStatus.SUCCEEDED, null)));

    assertThat(db.deliveries().find(good.deliveryId())).isPresent();
    assertThat(refused)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attempt().task()).isEqualTo(orphan);
              assertThat(r.reason()).contains("SQLState 23503");
            });
  }

  @Test
  void aDeferralPostgresRefusesIsReturnedAndTheOthersAreWritten() {
    DeliveryTask good = task(webhook, "evt_deferred", "urn:test", "{\"n\": 1}");
    DeliveryTask bad = task(webhook, randomText(new Random(7), 8_000), "urn:test", "{\"n\": 2}");
    Instant until = Instant.now().plusSeconds(30);

    List<RetryTimers.Deferral> refused =
        db.retryTimers()
            .defer(
                List.of(
                    new RetryTimers.Deferral(good, until), new RetryTimers.Deferral(bad, until)));

    assertThat(refused).extracting(RetryTimers.Deferral::task).containsExactly(bad);
    assertThat(db.deliveries().find(good.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.RETRYING);
    assertThat(db.deliveries().find(bad.deliveryId())).isEmpty();
  }

  @Test
  void aRetryCarriesTheDataExactlyAsTheFirstAttemptSentIt() throws Exception {
    DeliveryTask first = task(webhook, "evt_exact", "urn:test", ODD_DATA);
    String sent = body(first.event().data()); // what the worker signs, as "data"
    db.attempts()
        .recordAll(List.of(attempt(first, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1))));

    List<DeliveryTask> due = new ArrayList<>();
    db.retryTimers().publishDue(10, Duration.ofMinutes(1), due::addAll);
    assertThat(due)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.attempt()).isEqualTo(2);
              assertThat(body(t.event().data())).isEqualTo(sent);
              // and on the wire, through the task's own JSON
              DeliveryTask read = Json.fromBytes(Json.toBytes(t), DeliveryTask.class);
              assertThat(body(read.event().data())).isEqualTo(sent);
            });
    assertThat(body(db.deliveries().find(first.deliveryId()).orElseThrow().payload()))
        .isEqualTo(sent);
    assertThat(body(db.deliveries().redelivery(first.deliveryId()).orElseThrow().event().data()))
        .isEqualTo(sent);
    try (var c = db.dataSource().getConnection();
        var ps = c.prepareStatement("select payload from events where id = 'evt_exact'");
        var rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).as("stored as sent").isEqualTo(sent);
    }
    assertThat(sent).startsWith("{\"zeta\":1,\"alpha\":{\"y\":[1,2.5,\"café \\u0000 \\t\"]");
  }

  /** The data as the worker writes it into the body it signs. */
  static String body(com.fasterxml.jackson.databind.JsonNode data) {
    return new String(Json.toBytes(data), StandardCharsets.UTF_8);
  }

  static String randomText(Random random, int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return s.toString();
  }
}
