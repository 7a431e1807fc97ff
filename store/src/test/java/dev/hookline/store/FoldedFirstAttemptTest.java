package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Trigger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V15 keeps a delivery's first attempt in its delivery row. Whatever the shape a delivery's
 * attempts are stored in (folded, in {@code unfolded_attempts}, or written before V15), every
 * reader sees the same log as before: one row per request, numbered in the order recorded.
 */
class FoldedFirstAttemptTest {
  private static final long SEED = Long.getLong("hookline.property.seed", 20261206L);

  private Database db;
  private UUID webhook;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    webhook = db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  private static AttemptRecord request(
      DeliveryTask task, int attempt, Trigger trigger, Instant started, int code, String excerpt) {
    DeliveryTask t =
        new DeliveryTask(
            task.deliveryId(), task.webhookId(), 1, attempt, trigger, task.event(), null);
    boolean ok = code >= 200 && code < 300;
    return new AttemptRecord(
        t,
        started,
        7 + attempt,
        code == 0 ? null : code,
        excerpt,
        ok ? null : "http_" + code,
        ok ? null : "answered " + code,
        "w-" + attempt,
        ok ? DeliveryStatus.SUCCEEDED : DeliveryStatus.RETRYING,
        ok ? null : started.plusSeconds(60));
  }

  /** The attempt the log shows for a recorded request, numbered {@code n}. */
  private static DeliveryView.AttemptView expected(int n, AttemptRecord a) {
    return InMemoryDeliveries.logEntry(n, a);
  }

  private List<DeliveryView.AttemptView> log(UUID delivery) {
    return db.deliveries().find(delivery).orElseThrow().attempts();
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aDeliveryRecordedInOneAttemptWritesNoAttemptRowAndListsItsAttempt() throws Exception {
    DeliveryTask task = UnstorableAttemptsTest.task(webhook, "evt_one", "urn:test", "{}");
    AttemptRecord first =
        request(task, 1, Trigger.EVENT, Instant.parse("2026-12-06T05:00:00Z"), 200, "ok");
    assertThat(db.attempts().recordAll(List.of(first))).isEmpty();

    assertThat(log(task.deliveryId())).containsExactly(expected(1, first));
    assertThat(db.deliveries().find(task.deliveryId()).orElseThrow().attemptCount()).isEqualTo(1);
    assertThat(count("select count(*) from unfolded_attempts")).isZero();
    assertThat(count("select count(*) from delivery_attempts")).isEqualTo(1);
  }

  @Test
  void severalAttemptsAndAReplayBesideItsOriginalInOneBatchAreAllListedInOrder() throws Exception {
    DeliveryTask task = UnstorableAttemptsTest.task(webhook, "evt_many", "urn:test", "{}");
    Instant t0 = Instant.parse("2026-12-06T05:00:00Z");
    AttemptRecord first = request(task, 1, Trigger.EVENT, t0, 500, "down");
    // the same attempt replayed (share-group redelivery) in the same batch, then a retry
    AttemptRecord replay = request(task, 1, Trigger.EVENT, t0.plusMillis(5), 0, null);
    assertThat(db.attempts().recordAll(List.of(first, replay))).isEmpty();
    AttemptRecord retry = request(task, 2, Trigger.RETRY, t0.plusSeconds(60), 200, "ok");
    assertThat(db.attempts().recordAll(List.of(retry))).isEmpty();

    assertThat(log(task.deliveryId()))
        .containsExactly(expected(1, first), expected(2, replay), expected(3, retry));
    DeliveryView view = db.deliveries().find(task.deliveryId()).orElseThrow();
    assertThat(view.attemptCount()).isEqualTo(3);
    assertThat(view.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(count("select count(*) from unfolded_attempts")).isEqualTo(2);
  }

  @Test
  void aManualRetryOfAFoldedDeliveryGetsTheNextNumber() {
    DeliveryTask task = UnstorableAttemptsTest.task(webhook, "evt_manual", "urn:test", "{}");
    Instant t0 = Instant.parse("2026-12-06T05:00:00Z");
    AttemptRecord first = request(task, 1, Trigger.EVENT, t0, 410, "gone");
    db.attempts().recordAll(List.of(first));
    Redelivery again = db.deliveries().redelivery(task.deliveryId()).orElseThrow();
    assertThat(again.nextAttempt()).isEqualTo(2);
    assertThat(db.deliveries().markRequeued(List.of(again))).isEqualTo(1);
    DeliveryTask replay =
        new DeliveryTask(
            task.deliveryId(),
            webhook,
            1,
            again.nextAttempt(),
            Trigger.MANUAL,
            again.event(),
            null);
    AttemptRecord manual = request(replay, 2, Trigger.MANUAL, t0.plusSeconds(5), 200, "ok");
    db.attempts().recordAll(List.of(manual));

    assertThat(log(task.deliveryId())).containsExactly(expected(1, first), expected(2, manual));
  }

  @Test
  void aFirstAttemptAfterADeferralCreatedTheRowIsListedAsAttemptOne() throws Exception {
    DeliveryTask task = UnstorableAttemptsTest.task(webhook, "evt_deferred", "urn:test", "{}");
    db.retryTimers()
        .defer(List.of(new RetryTimers.Deferral(task, Instant.now().plus(Duration.ofMinutes(1)))));
    AttemptRecord first =
        request(task, 1, Trigger.EVENT, Instant.parse("2026-12-06T05:00:00Z"), 200, "ok");
    db.attempts().recordAll(List.of(first));

    assertThat(log(task.deliveryId())).containsExactly(expected(1, first));
    assertThat(count("select count(*) from unfolded_attempts")).isEqualTo(1);
  }

  /**
   * Random batches of random requests over a few deliveries: each delivery's log is every request
   * recorded for it, numbered in the order recorded, whichever table holds it.
   */
  @Test
  void randomBatchesListEveryRequestOnceInTheOrderRecorded() throws Exception {
    Random random = new Random(SEED);
    Instant base = Instant.parse("2026-12-06T00:00:00Z");
    List<DeliveryTask> tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(UnstorableAttemptsTest.task(webhook, "evt_prop_" + i, "urn:test", "{\"n\":1}"));
    }
    Map<UUID, List<AttemptRecord>> recorded = new HashMap<>();
    int[] codes = {200, 204, 404, 500, 0};
    for (int round = 0; round < 40; round++) {
      List<AttemptRecord> batch = new ArrayList<>();
      int size = 1 + random.nextInt(6);
      for (int i = 0; i < size; i++) {
        DeliveryTask task = tasks.get(random.nextInt(tasks.size()));
        batch.add(
            request(
                task,
                1 + random.nextInt(3),
                Trigger.values()[random.nextInt(3)],
                base.plus(random.nextInt(1_000_000), ChronoUnit.MILLIS),
                codes[random.nextInt(codes.length)],
                random.nextBoolean() ? null : "r" + random.nextInt(100)));
      }
      assertThat(db.attempts().recordAll(batch)).isEmpty();
      // recorded in the batch's lock order: by delivery, then attempt number (stable)
      List<AttemptRecord> order = new ArrayList<>(batch);
      order.sort(
          java.util.Comparator.comparing((AttemptRecord a) -> a.task().deliveryId())
              .thenComparingInt(a -> a.task().attempt()));
      for (AttemptRecord a : order) {
        recorded.computeIfAbsent(a.task().deliveryId(), k -> new ArrayList<>()).add(a);
      }
    }
    long total = 0;
    for (Map.Entry<UUID, List<AttemptRecord>> e : recorded.entrySet()) {
      List<DeliveryView.AttemptView> want = new ArrayList<>();
      for (int n = 0; n < e.getValue().size(); n++) want.add(expected(n + 1, e.getValue().get(n)));
      assertThat(log(e.getKey())).as("delivery %s", e.getKey()).isEqualTo(want);
      assertThat(db.deliveries().find(e.getKey()).orElseThrow().attemptCount())
          .isEqualTo(want.size());
      total += want.size();
    }
    assertThat(count("select count(*) from delivery_attempts")).isEqualTo(total);
    assertThat(count("select count(*) from unfolded_attempts")).isEqualTo(total - recorded.size());
  }

  /**
   * An upgrade on a database with rows: deliveries recorded under V14 (attempt 1 in the attempts
   * table) list the same after V15, take further attempts with the next number, and "hookline
   * status" counts both shapes.
   */
  @Test
  void rowsWrittenBeforeV15ListTheSameAndTakeFurtherAttempts() throws Exception {
    db.close();
    db = null;
    DatabaseConfig config = TestPostgres.freshDatabase();
    UUID oldWebhook = UUID.randomUUID();
    UUID once = UUID.randomUUID();
    UUID twice = UUID.randomUUID();
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(config.url());
      pool.setUsername(config.user());
      pool.setPassword(config.password());
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration")
          .target("14")
          .load()
          .migrate();
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "insert into webhooks (id, name, url, events, secret_enc) values ('"
                + oldWebhook
                + "', 'old', 'https://example.com/hook', '{payment_received}', '\\x00'::bytea)");
        s.execute(
            "insert into events (id, type, source, occurred_at, payload) values"
                + " ('evt_old', 'payment_received', 'urn:test', now(), '{}')");
        s.execute(
            "insert into deliveries (id, event_id, event_source, webhook_id, webhook_version, trigger,"
                + " status, attempts, last_status_code, status_attempt, status_started_at) values"
                + " ('"
                + once
                + "', 'evt_old', 'urn:test', '"
                + oldWebhook
                + "', 1, 'event', 'succeeded', 1, 200, 1, now()),"
                + " ('"
                + twice
                + "', 'evt_old', 'urn:test', '"
                + oldWebhook
                + "', 1, 'event', 'retrying', 2, 500, 2, now())");
        s.execute(
            "insert into delivery_attempts (delivery_id, attempt, trigger, started_at, duration_ms,"
                + " status_code, response_excerpt, error_class, error_message, worker_id) values"
                + " ('"
                + once
                + "', 1, 'event', '2026-12-05T10:00:00Z', 4, 200, 'ok', null, null, 'w1'),"
                + " ('"
                + twice
                + "', 1, 'event', now(), 5, 500, 'no', 'http_500', 'answered 500', 'w1'),"
                + " ('"
                + twice
                + "', 2, 'retry', now(), 6, 500, 'no', 'http_500', 'answered 500', 'w2')");
      }
    }
    db = Database.open(config, SecretCipher.fromBase64Key(SecretCipher.generateKey()));

    assertThat(log(once))
        .containsExactly(
            new DeliveryView.AttemptView(
                1, "event", Instant.parse("2026-12-05T10:00:00Z"), 4, 200, "ok", null, null, "w1"));
    assertThat(log(twice)).extracting(DeliveryView.AttemptView::attempt).containsExactly(1, 2);
    // the two 500s of the last minute, written before V15
    assertThat(StoreStatus.read(db.dataSource()).lastMinute())
        .isEqualTo(new StoreStatus.AttemptCounts(0, 2, 0));

    DeliveryView old = db.deliveries().find(twice).orElseThrow();
    DeliveryTask task =
        new DeliveryTask(
            twice,
            oldWebhook,
            1,
            3,
            Trigger.RETRY,
            db.deliveries().redelivery(twice).orElseThrow().event(),
            null);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it
    AttemptRecord third = request(task, 3, Trigger.RETRY, now, 200, "ok");
    assertThat(db.attempts().recordAll(List.of(third))).isEmpty();
    assertThat(log(twice)).extracting(DeliveryView.AttemptView::attempt).containsExactly(1, 2, 3);
    assertThat(log(twice).get(2)).isEqualTo(expected(3, third));
    assertThat(old.attemptCount()).isEqualTo(2);
    assertThat(db.deliveries().find(twice).orElseThrow().status())
        .isEqualTo(DeliveryStatus.SUCCEEDED);
    // and one folded first attempt beside them: status counts it too
    DeliveryTask fresh = UnstorableAttemptsTest.task(oldWebhook, "evt_new", "urn:test", "{}");
    db.attempts().recordAll(List.of(request(fresh, 1, Trigger.EVENT, now, 0, null)));
    assertThat(StoreStatus.read(db.dataSource()).lastMinute())
        .isEqualTo(new StoreStatus.AttemptCounts(1, 2, 1));
  }
}
