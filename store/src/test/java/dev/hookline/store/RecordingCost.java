package dev.hookline.store;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A micro measurement (not a test): PostgreSQL's CPU per attempt recorded through {@link
 * AttemptRecorder#recordAll}, as the worker records its settled batches, on an embedded PostgreSQL
 * configured as the benchmark's ({@code synchronous_commit} on). Reads the postmaster's and its
 * backends' CPU from /proc. Run from the store module's test classpath:
 *
 * <pre>
 * java -cp ... dev.hookline.store.RecordingCost [attempts] [batch] [webhooksPerEvent] [threads] [health]
 * </pre>
 *
 * <p>With {@code health} each batch is followed, as in the worker ({@code FollowUps}), by its own
 * {@link WebhookHealth#record} transaction of the batch's webhooks' latest success.
 */
public final class RecordingCost {
  private RecordingCost() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int perEvent = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    boolean health = args.length > 4 && args[4].equals("health");
    Path dir = Files.createTempDirectory("recording-cost");
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(true)
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0));
      DatabaseConfig config =
          new DatabaseConfig(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", 10);
      try (Database db =
          Database.open(config, SecretCipher.fromBase64Key(SecretCipher.generateKey()))) {
        List<UUID> webhooks = new ArrayList<>();
        for (int i = 0; i < perEvent; i++) {
          webhooks.add(
              db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id());
        }
        String data = "{\"bench_padding\":\"" + "x".repeat(1000) + "\"}";
        AttemptRecorder attempts = db.attempts();
        WebhookHealth healthRows = db.webhookHealth();
        AttemptRecorder recorder =
            !health
                ? attempts
                : new AttemptRecorder() {
                  @Override
                  public List<Refused> recordAll(List<AttemptRecord> batch) {
                    List<Refused> refused = attempts.recordAll(batch);
                    Map<UUID, Instant> latest = new HashMap<>();
                    for (AttemptRecord a : batch) {
                      latest.merge(
                          a.task().webhookId(), a.startedAt(), (x, y) -> x.isAfter(y) ? x : y);
                    }
                    List<WebhookHealth.Outcome> outcomes = new ArrayList<>();
                    latest.forEach((w, at) -> outcomes.add(new WebhookHealth.Outcome(w, at, null)));
                    healthRows.record(outcomes);
                    return refused;
                  }

                  @Override
                  public void ping() {
                    attempts.ping();
                  }
                };
        run(
            recorder,
            webhooks,
            data,
            Math.max(batch * threads * 20, total / 5),
            batch,
            threads,
            "warm-up");
        for (int round = 1; round <= 3; round++) {
          long before = cpuNanos(postmaster);
          long jvmBefore = cpu(ProcessHandle.current());
          long t0 = System.nanoTime();
          run(recorder, webhooks, data, total, batch, threads, "r" + round);
          long wall = System.nanoTime() - t0;
          long cpu = cpuNanos(postmaster) - before;
          long jvm = cpu(ProcessHandle.current()) - jvmBefore;
          System.out.printf(
              "round %d: %d attempts in batches of %d, %d per event, %d threads: %.0f/s,"
                  + " postgres %.1f µs per attempt (%.2f cores), this JVM %.1f µs%s%n",
              round,
              total,
              batch,
              perEvent,
              threads,
              total / (wall / 1e9),
              cpu / 1e3 / total,
              (double) cpu / wall,
              jvm / 1e3 / total,
              health ? ", a health transaction per batch" : "");
        }
      }
    }
  }

  private static final AtomicLong EVENTS = new AtomicLong();

  private static void run(
      AttemptRecorder recorder,
      List<UUID> webhooks,
      String data,
      int total,
      int batch,
      int threads,
      String tag)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      int perThread = total / threads;
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  List<AttemptRecord> attempts = new ArrayList<>(batch);
                  for (int i = 0; i < perThread; ) {
                    Event e =
                        new Event(
                            "evt_" + tag + "_" + EVENTS.incrementAndGet(),
                            "payment_received",
                            "urn:bench",
                            Instant.now(),
                            Json.readTree(data.getBytes(StandardCharsets.UTF_8)),
                            null);
                    for (UUID w : webhooks) {
                      DeliveryTask task =
                          new DeliveryTask(
                              DeliveryTask.deliveryIdFor(e, w), w, 1, 1, Trigger.EVENT, e, null);
                      attempts.add(
                          new AttemptRecord(
                              task,
                              Instant.now(),
                              1,
                              200,
                              null,
                              null,
                              null,
                              "w1",
                              DeliveryStatus.SUCCEEDED,
                              null));
                      i++;
                      if (attempts.size() == batch) {
                        recorder.recordAll(attempts);
                        attempts = new ArrayList<>(batch);
                      }
                    }
                  }
                  if (!attempts.isEmpty()) recorder.recordAll(attempts);
                  return null;
                }));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdown();
    }
  }

  /** The postmaster's CPU and its live children's (what the benchmark counts as postgres). */
  private static long cpuNanos(long postmaster) {
    ProcessHandle pm = ProcessHandle.of(postmaster).orElseThrow();
    long sum = cpu(pm);
    for (ProcessHandle d : pm.descendants().toList()) sum += cpu(d);
    return sum;
  }

  private static long cpu(ProcessHandle h) {
    return h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
