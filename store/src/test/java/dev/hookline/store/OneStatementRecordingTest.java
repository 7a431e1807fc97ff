package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch whose deliveries each appear once is recorded in one statement on a connection in
 * autocommit. That statement still takes its locks in the order of every other writer: the events
 * first, then the delivery rows (a deferral, for one, writes its event and then its delivery row in
 * one transaction). Taken the other way round, the two writers below would deadlock.
 */
class OneStatementRecordingTest {
  @RegisterExtension static final FreshStore store = FreshStore.withWebhook("payment_received");

  @Test
  void theBatchWaitsForAnEventAnotherWriterHoldsBeforeItTakesTheDeliveryRow() throws Exception {
    DeliveryTask task =
        UnstorableAttemptsTest.task(store.webhook(), "evt_held", "urn:one-statement", "{}");
    Event event = task.event();
    AttemptRecord attempt = UnstorableAttemptsTest.attempt(task, DeliveryStatus.SUCCEEDED, null);

    CompletableFuture<List<AttemptRecorder.Refused>> recording;
    try (Connection other = store.db().dataSource().getConnection()) {
      other.setAutoCommit(false);
      AttemptArrays.insertEvents(other, List.of(event)); // held, not yet committed
      recording = CompletableFuture.supplyAsync(() -> store.attempts().recordAll(List.of(attempt)));
      await().atMost(Duration.ofSeconds(60)).until(OneStatementRecordingTest::aBackendWaitsOnALock);

      // the other writer's next step: were the delivery row already the batch's, this insert
      // would wait for the batch, which waits for this transaction
      try (PreparedStatement ps =
          other.prepareStatement(
              "insert into deliveries (id, event_id, event_source, webhook_id, webhook_version,"
                  + " trigger, status, attempts, next_attempt_at)"
                  + " values (?, ?, ?, ?, 1, 'event', 'retrying', 0, ?)")) {
        ps.setObject(1, task.deliveryId());
        ps.setString(2, event.id());
        ps.setString(3, event.source());
        ps.setObject(4, store.webhook());
        ps.setTimestamp(5, Timestamp.from(Instant.parse("2026-12-06T10:05:00Z")));
        ps.executeUpdate();
      }
      other.commit();
    }

    assertThat(recording.get(60, TimeUnit.SECONDS)).isEmpty();
    DeliveryView view = store.deliveries().find(task.deliveryId()).orElseThrow();
    assertThat(view.attemptCount()).isEqualTo(1);
    assertThat(view.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(view.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.attempt()).isEqualTo(1);
              assertThat(a.statusCode()).isEqualTo(200);
            });
  }

  private static boolean aBackendWaitsOnALock() throws SQLException {
    try (Connection c = store.db().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from pg_stat_activity"
                    + " where datname = current_database() and wait_event_type = 'Lock'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }
}
