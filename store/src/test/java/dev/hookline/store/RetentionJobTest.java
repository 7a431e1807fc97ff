package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Payload retention on a real PostgreSQL. */
class RetentionJobTest {
  private static final String SOURCE = "urn:test";

  private static final Duration DAYS_30 = Duration.ofDays(30);
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

  @Test
  void deletesOldEventsWithTheirDeliveriesAndAttemptsButKeepsWhatIsStillNeeded() throws Exception {
    record(attempt("old-done", DeliveryStatus.SUCCEEDED));
    record(attempt("old-failed", DeliveryStatus.FAILED));
    record(attempt("old-retrying", DeliveryStatus.RETRYING));
    record(attempt("old-pending", DeliveryStatus.PENDING));
    record(attempt("old-touched", DeliveryStatus.FAILED));
    record(attempt("young", DeliveryStatus.SUCCEEDED));
    age("old-done", "old-failed", "old-retrying", "old-pending", "old-touched");
    ageDeliveries(
        "old-done",
        "old-failed",
        "old-retrying",
        "old-pending"); // old-touched: a recent manual retry

    RetentionJob.Result result = new RetentionJob(db.dataSource(), DAYS_30).runOnce();

    assertThat(result).isEqualTo(new RetentionJob.Result(true, 2, 0));
    assertThat(eventIds())
        .containsExactlyInAnyOrder("old-retrying", "old-pending", "old-touched", "young");
    assertThat(count("deliveries")).isEqualTo(4);
    assertThat(count("delivery_attempts")).isEqualTo(4);
    // nothing left to do: a second run deletes nothing
    assertThat(new RetentionJob(db.dataSource(), DAYS_30).runOnce().events()).isZero();
  }

  @Test
  void deletesInBatchesUntilNothingOldIsLeftAndAlsoOldPublishedOutboxRows() throws Exception {
    bulkOldEvents(2_500);
    record(attempt("young", DeliveryStatus.SUCCEEDED));
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      // the webhook's own outbox row, published long ago; plus one published now and one
      // unpublished
      s.executeUpdate("update outbox set published_at = now() - interval '40 days'");
      s.executeUpdate(
          "insert into outbox (topic, record_key, payload, published_at) values ('t', 'k', 'p', now())");
      s.executeUpdate("insert into outbox (topic, record_key, payload) values ('t', 'k', 'p')");
    }

    RetentionJob.Result result =
        new RetentionJob(db.dataSource(), DAYS_30, 1_000, Clock.systemUTC()).runOnce();

    assertThat(result).isEqualTo(new RetentionJob.Result(true, 2_500, 1));
    assertThat(eventIds()).containsExactly("young");
    assertThat(count("deliveries")).isEqualTo(1);
    assertThat(count("outbox")).isEqualTo(2);
  }

  @Test
  void onlyOneProcessRunsItAtATime() throws Exception {
    record(attempt("old", DeliveryStatus.SUCCEEDED));
    age("old");
    ageDeliveries("old");
    try (Connection other = db.dataSource().getConnection();
        Statement s = other.createStatement()) {
      s.execute("select pg_advisory_lock(" + RetentionJob.LOCK + ")"); // another admin-api replica
      assertThat(new RetentionJob(db.dataSource(), DAYS_30).runOnce())
          .isEqualTo(new RetentionJob.Result(false, 0, 0));
      assertThat(eventIds()).contains("old");
      s.execute("select pg_advisory_unlock(" + RetentionJob.LOCK + ")");
    }
    assertThat(new RetentionJob(db.dataSource(), DAYS_30).runOnce().events()).isEqualTo(1);
    // and it let go of its lock: it runs again
    assertThat(new RetentionJob(db.dataSource(), DAYS_30).runOnce().ran()).isTrue();
  }

  @Test
  void aWriterHoldingAnOldEventIsNeitherWaitedForNorBroken() throws Exception {
    record(attempt("old", DeliveryStatus.SUCCEEDED));
    age("old");
    ageDeliveries("old");
    try (Connection writer = db.dataSource().getConnection()) {
      writer.setAutoCommit(false);
      // a worker recording a new delivery of the old event, not yet committed: its foreign key
      // check locks the event
      try (PreparedStatement ps =
          writer.prepareStatement(
              "insert into deliveries (id, event_id, event_source, webhook_id, webhook_version, trigger,"
                  + " status, attempts) values (?, 'old', ?, ?, 1, 'manual', 'succeeded', 2)")) {
        ps.setObject(1, UUID.randomUUID());
        ps.setString(2, SOURCE);
        ps.setObject(3, webhook);
        ps.executeUpdate();
      }
      RetentionJob.Result result =
          CompletableFuture.supplyAsync(() -> new RetentionJob(db.dataSource(), DAYS_30).runOnce())
              .get(10, TimeUnit.SECONDS);
      assertThat(result.events()).as("the locked event is skipped, not waited for").isZero();
      writer.commit();
    }
    assertThat(count("deliveries")).isEqualTo(2);
  }

  @Test
  void writersAreNotBlockedWhileBatchesRun() throws Exception {
    bulkOldEvents(30_000);
    AtomicBoolean retentionDone = new AtomicBoolean();
    CompletableFuture<RetentionJob.Result> retention =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new RetentionJob(db.dataSource(), DAYS_30, 1_000, Clock.systemUTC())
                    .runOnce();
              } finally {
                retentionDone.set(true);
              }
            });
    List<Long> latenciesMs = new ArrayList<>();
    int during = 0;
    for (int i = 0; !retentionDone.get() && i < 10_000; i++) {
      long start = System.nanoTime();
      record(attempt("new-" + i, DeliveryStatus.RETRYING));
      latenciesMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      if (!retentionDone.get()) during++;
    }
    RetentionJob.Result result = retention.get(60, TimeUnit.SECONDS);

    assertThat(result.events()).isEqualTo(30_000);
    // A writer made to wait for the whole run would have finished its first insert only after it:
    // none during. Several during it: at most a batch held it (a figure, not a bound: the slowest
    // insert is logged; CI machines are busy).
    assertThat(during).as("inserts made while retention ran").isGreaterThanOrEqualTo(2);
    org.slf4j.LoggerFactory.getLogger(RetentionJobTest.class)
        .info(
            "retention: {} inserts during the run, slowest {} ms",
            during,
            latenciesMs.stream().mapToLong(Long::longValue).max().orElseThrow());
    assertThat(count("events")).isEqualTo(latenciesMs.size());
  }

  // --- helpers ---

  private AttemptRecord attempt(String eventId, DeliveryStatus status) {
    Event event =
        new Event(
            eventId,
            "payment_received",
            SOURCE,
            Instant.parse("2026-01-01T00:00:00Z"),
            Json.readTree("{\"payment_id\": 7}".getBytes()),
            null);
    DeliveryTask task =
        new DeliveryTask(
            DeliveryTask.deliveryIdFor(event, webhook), webhook, 1, 1, Trigger.EVENT, event, null);
    return new AttemptRecord(
        task,
        Instant.now(),
        5,
        200,
        "ok",
        null,
        null,
        "w1",
        status,
        status == DeliveryStatus.RETRYING ? Instant.now().plusSeconds(60) : null);
  }

  private void record(AttemptRecord attempt) {
    db.attempts().recordAll(List.of(attempt));
  }

  private void age(String... eventIds) throws Exception {
    update(
        "update events set recorded_at = now() - interval '31 days' where id = any(?)", eventIds);
  }

  private void ageDeliveries(String... eventIds) throws Exception {
    update(
        "update deliveries set updated_at = now() - interval '31 days', created_at = now() - interval '31 days'"
            + " where event_id = any(?)",
        eventIds);
  }

  private void update(String sql, String[] ids) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", ids));
      assertThat(ps.executeUpdate()).isPositive();
    }
  }

  /** Old events, each with a succeeded delivery and its attempt, written straight in SQL (fast). */
  private void bulkOldEvents(int n) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "insert into events (id, type, source, occurred_at, data, recorded_at)"
              + " select 'bulk-' || g, 'payment_received', 'urn:test', now(), '{\"n\":1}'::jsonb,"
              + " now() - interval '40 days' + g * interval '1 millisecond' from generate_series(1, "
              + n
              + ") g");
      s.executeUpdate(
          "insert into deliveries (id, event_id, event_source, webhook_id, webhook_version, trigger,"
              + " status, attempts, created_at, updated_at) select gen_random_uuid(), id, source, '"
              + webhook
              + "', 1, 'event', 'succeeded', 1,"
              + " recorded_at, recorded_at from events where id like 'bulk-%'");
      s.executeUpdate(
          "insert into unfolded_attempts (delivery_id, attempt, trigger, started_at, duration_ms, status_code)"
              + " select id, 1, 'event', created_at, 5, 200 from deliveries where event_id like 'bulk-%'");
      s.execute("analyze");
    }
  }

  private List<String> eventIds() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id from events order by id")) {
      while (rs.next()) ids.add(rs.getString(1));
    }
    return ids;
  }

  private long count(String table) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
