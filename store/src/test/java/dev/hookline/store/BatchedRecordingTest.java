package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch recorded in one statement per table (column arrays and {@code unnest}): every column
 * arrives where the row-by-row statement put it, and a batch holding one delivery twice (a replay
 * beside its original) still gets both its attempts.
 */
class BatchedRecordingTest {
  @RegisterExtension static final FreshStore store = FreshStore.withWebhook("payment_received");

  private static DeliveryTask task(String eventId, String tenant) {
    Event event =
        new Event(
            eventId,
            "payment_received",
            "urn:batch",
            Instant.parse("2026-11-28T10:00:00.123456Z"),
            Json.readTree("{\"payment_id\": 7}".getBytes(StandardCharsets.UTF_8)),
            tenant);
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, store.webhook()),
        store.webhook(),
        3,
        1,
        Trigger.EVENT,
        event,
        tenant);
  }

  private static AttemptRecord attempt(
      DeliveryTask t,
      Instant started,
      Integer code,
      String errorClass,
      String message,
      DeliveryStatus status,
      Instant next) {
    return new AttemptRecord(
        t,
        started,
        41,
        code,
        code == null ? null : "body\u0000",
        errorClass,
        message,
        "w7",
        status,
        next);
  }

  /**
   * Through {@link AttemptWriter#writeAll}, not {@link AttemptRecorder#recordAll}: given to the
   * one-statement-per-table form, this batch is refused by PostgreSQL (its delivery's two attempt
   * rows get one number), and recordAll's fallback for refused data, one attempt at a time, then
   * writes the very same rows; only the first go tells whether the batch was sent the right way.
   */
  @Test
  void theSameDeliveryTwiceInOneBatchKeepsBothAttemptsNumberedOneAndTwo() throws SQLException {
    DeliveryTask t = task("evt_twice", null);
    Instant t0 = Instant.parse("2026-12-05T12:00:00Z");
    DeliveryTask retry = t.nextAttempt(Trigger.RETRY);
    List<AttemptRecord> batch =
        new ArrayList<>(
            List.of(
                attempt(t, t0, 500, null, null, DeliveryStatus.RETRYING, t0.plusSeconds(5)),
                attempt(retry, t0.plusSeconds(6), 200, null, null, DeliveryStatus.SUCCEEDED, null),
                attempt(
                    task("evt_beside", null),
                    t0,
                    200,
                    null,
                    null,
                    DeliveryStatus.SUCCEEDED,
                    null)));
    // recordAll's order (its lock order)
    batch.sort(
        Comparator.comparing((AttemptRecord a) -> a.task().deliveryId())
            .thenComparingInt(a -> a.task().attempt()));

    try (Connection c = store.db().dataSource().getConnection()) {
      c.setAutoCommit(false);
      AttemptWriter.writeAll(c, batch); // throws if PostgreSQL refuses the first go
      c.commit();
    }

    DeliveryView view = store.deliveries().find(t.deliveryId()).orElseThrow();
    assertThat(view.attempts()).extracting(DeliveryView.AttemptView::attempt).containsExactly(1, 2);
    assertThat(view.attempts())
        .extracting(DeliveryView.AttemptView::trigger)
        .containsExactly("event", "retry");
    assertThat(view.attemptCount()).isEqualTo(2);
    assertThat(view.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(view.nextAttemptAt()).isNull();
    assertThat(store.deliveries().find(task("evt_beside", null).deliveryId())).isPresent();
  }

  @Test
  void everyColumnOfABatchLandsWhereTheRowByRowStatementPutIt() {
    Instant t0 = Instant.parse("2026-12-05T13:00:00.654321Z");
    DeliveryTask ok = task("evt_cols_ok", "acme");
    DeliveryTask timeout = task("evt_cols_timeout", null);
    DeliveryTask again = task("evt_cols_again", null);
    store
        .attempts()
        .recordAll(
            List.of(
                attempt(again, t0, 503, null, null, DeliveryStatus.RETRYING, t0.plusSeconds(5))));
    Instant next = t0.plusSeconds(300);

    store
        .attempts()
        .recordAll(
            List.of(
                attempt(ok, t0, 200, null, null, DeliveryStatus.SUCCEEDED, null),
                attempt(
                    timeout,
                    t0,
                    null,
                    "timeout",
                    "no answer\u0000 in 15 s",
                    DeliveryStatus.RETRYING,
                    next),
                attempt(
                    again.nextAttempt(Trigger.RETRY),
                    t0.plusSeconds(6),
                    200,
                    null,
                    null,
                    DeliveryStatus.SUCCEEDED,
                    null)));

    DeliveryView okView = store.deliveries().find(ok.deliveryId()).orElseThrow();
    assertThat(okView.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(okView.lastStatusCode()).isEqualTo(200);
    assertThat(okView.lastError()).isNull();
    assertThat(okView.trigger()).isEqualTo("event");
    assertThat(okView.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.attempt()).isEqualTo(1);
              assertThat(a.startedAt()).isEqualTo(t0);
              assertThat(a.durationMs()).isEqualTo(41);
              assertThat(a.statusCode()).isEqualTo(200);
              assertThat(a.responseExcerpt()).isEqualTo("body");
              assertThat(a.errorClass()).isNull();
              assertThat(a.workerId()).isEqualTo("w7");
            });
    Redelivery okEvent = store.deliveries().redelivery(ok.deliveryId()).orElseThrow();
    assertThat(okEvent.event()).isEqualTo(ok.event());

    DeliveryView timeoutView = store.deliveries().find(timeout.deliveryId()).orElseThrow();
    assertThat(timeoutView.status()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(timeoutView.nextAttemptAt()).isEqualTo(next);
    assertThat(timeoutView.lastStatusCode()).isNull();
    assertThat(timeoutView.lastError()).isEqualTo("timeout: no answer in 15 s");
    assertThat(timeoutView.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.statusCode()).isNull();
              assertThat(a.responseExcerpt()).isNull();
              assertThat(a.errorClass()).isEqualTo("timeout");
              assertThat(a.errorMessage()).isEqualTo("no answer in 15 s");
            });

    DeliveryView againView = store.deliveries().find(again.deliveryId()).orElseThrow();
    assertThat(againView.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(againView.nextAttemptAt()).isNull();
    assertThat(againView.attempts())
        .extracting(DeliveryView.AttemptView::statusCode)
        .containsExactly(503, 200);
  }
}
