package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.store.Database;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestWebhooks;
import dev.hookline.store.Webhook;
import dev.hookline.worker.DispatcherWorker;
import dev.hookline.worker.WorkerAssembly;
import dev.hookline.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A webhook's rate limit holds for all workers together, on a real broker and PostgreSQL: three
 * workers (in this JVM, each with its own share consumers) drain a backlog of one rate-limited
 * webhook. Waiting for a token is no attempt: every request the receiver sees is one attempt row,
 * and every delivery arrives. A 429 with {@code Retry-After} pauses the whole webhook, in every
 * worker.
 */
class RateLimitIT {
  private static final int LIMIT = 20;

  /** 45 s of work at the limit: a 30 s window in the steady middle, 7.5 s of margin each side. */
  private static final int BACKLOG = 900;

  private static final long WINDOW_START_NANOS = TimeUnit.MILLISECONDS.toNanos(7_500);
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

  @Test
  void threeWorkersTogetherHoldTheLimitAndEveryDeliveryArrives() throws Exception {
    try (Stack stack = new Stack("rate-it")) {
      Webhook webhook = stack.webhook(LIMIT);
      List<DeliveryTask> tasks = tasks(webhook, BACKLOG);
      DirectTasks.write(TestInfra.bootstrapServers(), tasks);
      stack.start();

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> distinctArrived(stack.receiver) >= BACKLOG);
      List<Long> arrivals =
          stack.receiver.received().stream().map(ScriptedReceiver.Request::arrivedNanos).toList();
      long first = arrivals.stream().min(Long::compare).orElseThrow();
      long from = first + WINDOW_START_NANOS;
      long inWindow =
          arrivals.stream().filter(t -> t - from >= 0 && t - from < WINDOW_NANOS).count();
      assertThat(inWindow)
          .as("requests in 30 s of the steady middle, at %d/s ±10 %%", LIMIT)
          .isBetween(540L, 660L);
      // every delivery recorded as succeeded, and one attempt row per request sent: no waiting
      // task was written as an attempt
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(succeeded(stack.db, webhook.id()))
                      .as("deliveries succeeded")
                      .isEqualTo(BACKLOG));
      assertThat(attemptRows(stack.db, webhook.id()))
          .as("attempt rows")
          .isEqualTo(stack.receiver.received().size());
    }
  }

  @Test
  void a429WithRetryAfterPausesTheWholeWebhookInEveryWorker() throws Exception {
    try (Stack stack = new Stack("rate-pause-it")) {
      Webhook webhook = stack.webhook(LIMIT);
      // the 21st request answers 429 Retry-After: 2; every other one 200
      List<ScriptedReceiver.Answer> script = new ArrayList<>();
      for (int i = 0; i < 20; i++) script.add(ScriptedReceiver.Answer.status(200));
      script.add(ScriptedReceiver.Answer.status(429).header("Retry-After", "2"));
      stack.receiver.then(script.toArray(ScriptedReceiver.Answer[]::new));
      int n = 120;
      DirectTasks.write(TestInfra.bootstrapServers(), tasks(webhook, n));
      stack.start();

      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> distinctArrived(stack.receiver) >= n);
      List<ScriptedReceiver.Request> received = stack.receiver.received();
      long pausedAt = received.get(20).arrivedNanos();
      // what other workers had already leased (at most RateLimiter.HORIZON ahead) may still go
      // out just after the 429; then nothing until the pause of 2 s is over
      long quietFrom = pausedAt + TimeUnit.MILLISECONDS.toNanos(500);
      long quietUntil = pausedAt + TimeUnit.MILLISECONDS.toNanos(1_900);
      assertThat(
              received.stream()
                  .map(ScriptedReceiver.Request::arrivedNanos)
                  .filter(t -> t - quietFrom >= 0 && t - quietUntil < 0))
          .as("requests during the pause")
          .isEmpty();
      assertThat(received.stream().filter(r -> r.arrivedNanos() - quietUntil >= 0))
          .as("requests after the pause")
          .isNotEmpty();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(succeeded(stack.db, webhook.id())).isEqualTo(n));
    }
  }

  /** Distinct deliveries that reached the receiver (a redelivery may bring one twice). */
  private static int distinctArrived(ScriptedReceiver receiver) {
    Set<String> bodies = new HashSet<>();
    for (ScriptedReceiver.Request r : receiver.received()) {
      if (r.header("webhook-id") != null) bodies.add(r.header("webhook-id"));
    }
    return bodies.size();
  }

  private static List<DeliveryTask> tasks(Webhook webhook, int n) {
    List<DeliveryTask> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(
          DirectTasks.task(
              webhook.id(),
              "evt_" + UUID.randomUUID(),
              "payment_received",
              "{\"payment_id\": " + i + "}"));
    }
    return tasks;
  }

  private static long succeeded(Database db, UUID webhook) throws SQLException {
    return count(
        db,
        "select count(*) from deliveries where webhook_id = ? and status = 'succeeded'",
        webhook);
  }

  private static long attemptRows(Database db, UUID webhook) throws SQLException {
    return count(
        db,
        "select count(*) from delivery_attempts a join deliveries d on d.id = a.delivery_id"
            + " where d.webhook_id = ?",
        webhook);
  }

  private static long count(Database db, String sql, UUID webhook) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, webhook);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A database, a receiver and three workers in a share group of the test's own. */
  private static final class Stack implements AutoCloseable {
    final Database db;
    final ScriptedReceiver receiver = new ScriptedReceiver();
    final List<DispatcherWorker> workers = new ArrayList<>();

    Stack(String name) throws Exception {
      String group = name + "-" + UUID.randomUUID();
      TestInfra.shareGroupFromEarliest(group);
      db =
          Database.open(
              TestInfra.freshDatabase(), SecretCipher.fromBase64Key(SecretCipher.generateKey()));
      for (int i = 0; i < 3; i++) {
        WorkerConfig config =
            WorkerConfig.builder(TestInfra.bootstrapServers(), name + "-" + i)
                .allowedNetworks(List.of("127.0.0.0/8"))
                .consumerProperties(Map.of("group.id", group))
                .build();
        workers.add(WorkerAssembly.assemble(config, db, new SimpleMeterRegistry()));
      }
    }

    Webhook webhook(int rateLimit) {
      return db.webhooks()
          .create(
              TestWebhooks.newWebhook()
                  .name("rate-limited")
                  .url(receiver.url("/hook"))
                  .rateLimit(rateLimit)
                  .build())
          .webhook();
    }

    void start() {
      workers.forEach(DispatcherWorker::start);
    }

    @Override
    public void close() throws Exception {
      for (DispatcherWorker w : workers) w.close();
      receiver.close();
      db.close();
    }
  }
}
