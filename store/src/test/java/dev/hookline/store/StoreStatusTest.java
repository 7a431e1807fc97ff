package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreStatusTest {
  private Database db;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void countsWebhooksAttemptsOfTheLastMinuteRetriesAndOpenCircuits() throws Exception {
    UUID active = webhook();
    webhook();
    UUID paused = webhook();
    UUID disabled = webhook();
    UUID deleted = webhook();
    db.webhooks().update(paused, SubscriptionSnapshotsTest.patchActive(false));
    assertThat(db.webhookHealth().disable(disabled, "gone")).isPresent();
    db.webhooks().delete(deleted);

    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "insert into events (id, type, source, occurred_at, data)"
              + " values ('evt_1', 'payment_received', 'test', now(), '{}')");
      // 4 deliveries: 2 retrying (1 due now), 2 done
      String[] status = {"retrying", "retrying", "succeeded", "failed"};
      String[] next = {
        "now() - interval '1 second'", "now() + interval '5 minutes'", "null", "null"
      };
      for (int i = 0; i < status.length; i++) {
        s.execute(
            "insert into deliveries (id, event_id, event_source, webhook_id, webhook_version, trigger,"
                + " status, next_attempt_at) values ('00000000-0000-0000-0000-00000000000"
                + (i + 1)
                + "', 'evt_1', 'test', '"
                + active
                + "', 1, 'event', '"
                + status[i]
                + "', "
                + next[i]
                + ")");
      }
      // attempts: in the last minute 2 x 2xx, 1 x 500, 1 x 404, 1 timeout; one older 2xx
      Object[][] attempts = {
        {1, 1, "200", "now()"},
        {1, 2, "204", "now() - interval '30 seconds'"},
        {2, 1, "500", "now()"},
        {2, 2, "404", "now()"},
        {3, 1, "null", "now()"},
        {3, 2, "200", "now() - interval '2 minutes'"}
      };
      for (Object[] a : attempts) {
        s.execute(
            "insert into unfolded_attempts (delivery_id, attempt, trigger, started_at, duration_ms,"
                + " status_code) values ('00000000-0000-0000-0000-00000000000"
                + a[0]
                + "', "
                + a[1]
                + ", 'event', "
                + a[3]
                + ", 10, "
                + a[2]
                + ")");
      }
    }
    db.circuitBreakers()
        .record(
            "w1",
            List.of(
                new CircuitBreakerLog.Change(
                    active, CircuitBreakerLog.State.OPEN, Instant.now(), Instant.now())));

    StoreStatus status = StoreStatus.read(db.dataSource());

    assertThat(status.webhooks()).isEqualTo(new StoreStatus.WebhookCounts(2, 1, 1));
    assertThat(status.lastMinute()).isEqualTo(new StoreStatus.AttemptCounts(2, 2, 1));
    assertThat(status.retries()).isEqualTo(new RetryTimers.Counts(1, 2));
    assertThat(status.openCircuits())
        .extracting(CircuitBreakerLog.OpenCircuit::webhookId)
        .containsExactly(active);
  }

  private UUID webhook() {
    return db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
  }
}
