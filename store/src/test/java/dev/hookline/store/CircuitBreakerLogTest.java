package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.CircuitBreakerLog.Change;
import dev.hookline.store.CircuitBreakerLog.OpenCircuit;
import dev.hookline.store.CircuitBreakerLog.State;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerLogTest {
  private Database db;
  private CircuitBreakerLog log;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    log = db.circuitBreakers();
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void openAndHalfOpenCircuitsAreListedAndAClosedOneDisappears() {
    UUID named = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
    UUID unknown = UUID.randomUUID();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant until = now.plusSeconds(30);
    log.record(
        "w1",
        List.of(
            new Change(named, State.OPEN, until, now.minusSeconds(2)),
            new Change(unknown, State.OPEN, until, now.minusSeconds(2)),
            new Change(unknown, State.HALF_OPEN, null, now.minusSeconds(1))));
    log.record("w2", List.of(new Change(named, State.OPEN, until, now)));

    List<OpenCircuit> open = log.open(Duration.ofHours(1), 10);
    assertThat(open)
        .containsExactly(
            new OpenCircuit(named, "Zapier Integration", "w2", State.OPEN, until, now),
            new OpenCircuit(unknown, null, "w1", State.HALF_OPEN, null, now.minusSeconds(1)),
            new OpenCircuit(
                named, "Zapier Integration", "w1", State.OPEN, until, now.minusSeconds(2)));

    log.record("w1", List.of(new Change(named, State.CLOSED, null, now)));
    assertThat(log.open(Duration.ofHours(1), 10))
        .extracting(OpenCircuit::webhookId, OpenCircuit::workerId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(named, "w2"),
            org.assertj.core.groups.Tuple.tuple(unknown, "w1"));
  }

  @Test
  void staleRowsAreNotListedAndForgetClearsAWorkerAndDayOldRows() throws Exception {
    UUID hook = UUID.randomUUID();
    Instant now = Instant.now();
    log.record("dead", List.of(new Change(hook, State.OPEN, now, now.minus(Duration.ofHours(2)))));
    log.record(
        "long-dead", List.of(new Change(hook, State.OPEN, now, now.minus(Duration.ofDays(2)))));
    log.record("alive", List.of(new Change(hook, State.OPEN, now.plusSeconds(30), now)));
    log.record("restarting", List.of(new Change(hook, State.OPEN, now.plusSeconds(30), now)));

    assertThat(log.open(Duration.ofHours(1), 10))
        .extracting(OpenCircuit::workerId)
        .containsExactlyInAnyOrder("alive", "restarting");

    log.forget("restarting");
    assertThat(workers()).containsExactlyInAnyOrder("dead", "alive");
  }

  private List<String> workers() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery("select worker_id from circuit_breakers")) {
      List<String> ids = new java.util.ArrayList<>();
      while (rs.next()) ids.add(rs.getString(1));
      return ids;
    }
  }
}
