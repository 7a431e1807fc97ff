package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.producer.EventPublisher;
import dev.hookline.store.NewWebhook;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Runs the scenarios of {@link BenchOptions} on one embedded {@link Stack}, with the receiver and
 * the workers in JVMs of their own, and writes the results. The scenarios share the helpers here
 * (webhooks, routing probes, waiting for deliveries and for their records in PostgreSQL).
 */
final class Bench {
  /** What a run produced. */
  record Report(List<ScenarioResult> results, ReportWriter.Written files) {}

  /** Deliveries and attempts found in PostgreSQL. */
  record Recorded(long deliveries, long succeeded, long attempts) {}

  final BenchOptions options;
  final PrintStream out;
  final Path dataDir;
  final Path logDir;
  Stack stack;
  ReceiverProcess receiver;
  EventPublisher publisher;
  final List<WorkerProcess> workers = new ArrayList<>();
  final Map<String, ScenarioResult> byName = new LinkedHashMap<>();
  private final CpuMeter cpuMeter;
  private int workerSeq;

  private Bench(BenchOptions options, PrintStream out, Path dataDir) {
    this.options = options;
    this.out = out;
    this.dataDir = dataDir;
    this.logDir = dataDir.resolve("logs");
    this.cpuMeter = new CpuMeter(this::processRoles);
  }

  static Report run(BenchOptions options, PrintStream out) {
    Instant started = Instant.now();
    Map<String, Object> machine = Machine.describe();
    Path dataDir = dataDir(options);
    Bench bench = new Bench(options, out, dataDir);
    List<ScenarioResult> results = new ArrayList<>();
    String threadName = Thread.currentThread().getName();
    Thread.currentThread()
        .setName("bench-driver"); // its CPU is the publisher's (validation, serialisation)
    JfrProfiles jfr = options.jfr() ? JfrProfiles.start(dataDir.resolve("jfr")) : null;
    try {
      out.printf(
          "hookline bench: %d cores, load average %s; data in %s%n",
          (Integer) machine.get("cores"), machine.get("loadAverageAtStart"), dataDir);
      long began = System.nanoTime();
      bench.start(jfr);
      out.printf(
          "stack up in %.1f s (broker, PostgreSQL, receiver JVM, router)%n",
          (System.nanoTime() - began) / 1e9);
      for (String scenario : options.scenarios()) {
        long scenarioStart = System.nanoTime();
        for (ScenarioResult result : bench.runScenario(scenario)) {
          results.add(result);
          bench.byName.put(result.name(), result);
          out.println(result.summaryLine());
        }
        out.printf("%-14s        took %.1f s%n", "", (System.nanoTime() - scenarioStart) / 1e9);
        out.flush();
      }
    } finally {
      bench.stop();
      if (jfr != null) jfr.stop();
      Thread.currentThread().setName(threadName);
      if (!options.keepData() && !options.jfr() && options.dataDir() == null) deleteTree(dataDir);
    }
    machine.put("loadAverageAtEnd", Machine.loadAverage());
    ReportWriter.Written files =
        ReportWriter.write(
            options.outDir(), started, Instant.now(), machine, options.asMap(), results);
    out.println("results: " + files.json() + " and " + files.markdown());
    out.printf(
        "all scenarios with the stack's start and stop: %.1f s%n",
        Duration.between(started, Instant.now()).toMillis() / 1e3);
    if (jfr != null) out.println("JFR profiles: " + dataDir.resolve("jfr"));
    return new Report(results, files);
  }

  private void start(JfrProfiles jfr) {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.jfrProfiles = jfr;
    // the receiver JVM starts while the broker and PostgreSQL do
    java.util.concurrent.CompletableFuture<ReceiverProcess> receiving =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> ReceiverProcess.start(logDir, jvmOptions("receiver")));
    try {
      stack = Stack.start(dataDir, options.partitions());
    } finally {
      receiver = receiving.join();
    }
    publisher = stack.newPublisher("urn:hookline:bench");
    // Kafka Streams takes a few seconds to get going: start it now unless no scenario routes
    if (options.scenarios().stream()
        .anyMatch(s -> !List.of("raw", "publish", "ingest").contains(s))) stack.ensureRouter();
  }

  private JfrProfiles jfrProfiles;

  List<String> jvmOptions(String name) {
    return jfrProfiles == null ? List.of() : jfrProfiles.childOptions(name);
  }

  private List<ScenarioResult> runScenario(String scenario) {
    try {
      return switch (scenario) {
        case "throughput" -> ThroughputScenario.run(this);
        case "raw" -> List.of(RawScenario.run(this));
        case "latency" -> List.of(LatencyScenario.run(this));
        case "isolation" -> List.of(IsolationScenario.run(this));
        case "noisy-tenant" -> List.of(NoisyTenantScenario.run(this));
        case "scaling" -> List.of(ScalingScenario.run(this));
        case "fanout" -> {
          List<ScenarioResult> results = new ArrayList<>(FanoutScenario.runAll(this));
          if (options.fanoutTenants() > 0) results.add(TenantFanoutScenario.run(this));
          yield results;
        }
        case "publish" -> List.of(PublishScenario.run(this));
        case "ingest" -> IngestScenario.run(this);
        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
      };
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      return List.of(ScenarioResult.error(scenario, scenario, e));
    }
  }

  private void stop() {
    stopWorkers();
    if (publisher != null) publisher.close();
    if (receiver != null) receiver.close();
    if (stack != null) stack.close();
  }

  // ---- helpers for the scenarios ----

  /**
   * Creates {@code n} webhooks for {@code events}, at the receiver's endpoints {@code
   * /<group>/<i>}.
   */
  List<UUID> createWebhooks(List<String> events, String group, int n, int timeoutSeconds) {
    return createWebhooks(events, group, n, timeoutSeconds, null);
  }

  /** The same, for {@code tenant}'s webhooks (null: network-wide). */
  List<UUID> createWebhooks(
      List<String> events, String group, int n, int timeoutSeconds, String tenant) {
    List<UUID> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(
          stack
              .db()
              .webhooks()
              .create(
                  new NewWebhook(
                      "bench " + group + " " + i,
                      receiver.url(group, i),
                      "",
                      events,
                      true,
                      timeoutSeconds <= 0 ? 15 : timeoutSeconds,
                      null,
                      Map.of(),
                      tenant,
                      null,
                      null))
              .webhook()
              .id());
    }
    return ids;
  }

  /**
   * Waits until the router routes {@code type} to {@code expectedTasks} webhooks: a new webhook
   * travels from PostgreSQL through the outbox and {@code hookline.subscriptions} into the router,
   * and an event routed before that is (rightly) not delivered to it. Publishes one probe event at
   * a time and counts the tasks the router made of it.
   */
  void awaitRouted(String type, JsonNode data, long expectedTasks) {
    stack.ensureRouter();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      double events = stack.routedEvents();
      double tasks = stack.routedTasks();
      publisher.publishSync(type, data, "probe");
      long probeDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      long seenAt = 0;
      while (System.nanoTime() < probeDeadline) {
        if (stack.routedTasks() - tasks >= expectedTasks) return;
        if (stack.routedEvents() > events) {
          if (seenAt == 0) seenAt = System.nanoTime();
          else if (System.nanoTime() - seenAt > 300_000_000L)
            break; // routed to fewer: routes not all in yet
        }
        sleep(20);
      }
      sleep(200);
    }
    throw new IllegalStateException(
        "the router did not route " + type + " to " + expectedTasks + " webhooks within 120 s");
  }

  /**
   * Waits until the receiver has {@code n} requests in the group: after {@link #awaitRouted} with
   * the workers running, proof that the whole pipeline moves (a worker that just joined the share
   * group gets its first records only after an assignment round).
   */
  void awaitReceived(String group, long n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (receiver.count(group) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the routing probes did not reach the receiver's " + group + " within 90 s");
      }
      sleep(50);
    }
  }

  /**
   * Starts counting afresh at the receiver and returns the instant from which events count:
   * deliveries of earlier events (probes, stragglers) are ignored.
   */
  Instant resetReceiver() {
    long since = System.currentTimeMillis() + 1;
    receiver.reset(since);
    while (System.currentTimeMillis() < since) Thread.onSpinWait();
    return Instant.ofEpochMilli(since);
  }

  /**
   * Polls the receiver until {@code expected} arrived in the group, or nothing arrived for {@code
   * stall}.
   */
  ReceiverStats awaitDelivered(String group, long expected, Duration stall) {
    long count = receiver.count(group);
    long lastProgress = System.nanoTime();
    while (count < expected && System.nanoTime() - lastProgress < stall.toNanos()) {
      sleep(50);
      long now = receiver.count(group);
      if (now != count) {
        count = now;
        lastProgress = System.nanoTime();
      }
    }
    return receiver.stats(group);
  }

  /**
   * Waits until the share group has acknowledged every task on {@code hookline.deliveries}, so that
   * a scenario starts on an empty queue. False when it did not happen in time (or Kafka did not
   * say).
   */
  boolean awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lag;
    while ((lag = stack.shareGroupLag()) != 0 && System.nanoTime() < deadline) sleep(200);
    if (lag != 0)
      out.println(
          "  (the share group still had "
              + lag
              + " tasks unacknowledged after "
              + timeout.toSeconds()
              + " s)");
    return lag == 0;
  }

  /** Deliveries of these webhooks for events since {@code since}, as PostgreSQL has them. */
  Recorded recorded(List<UUID> webhooks, Instant since) {
    // The first attempt is kept in its delivery row (V15), the later ones in unfolded_attempts;
    // counted apart, since a join on the delivery_attempts view (a UNION ALL) once took the
    // planner five minutes.
    String deliveries =
        "select count(*), count(*) filter (where d.status = 'succeeded'),"
            + " count(*) filter (where d.first_started_at is not null) from deliveries d "
            + "join events e on e.id = d.event_id and e.source = d.event_source where d.webhook_id = any(?) and e.occurred_at >= ?";
    String attempts =
        "select count(*) from unfolded_attempts a join deliveries d on d.id = a.delivery_id "
            + "join events e on e.id = d.event_id and e.source = d.event_source where d.webhook_id = any(?) and e.occurred_at >= ?";
    try (Connection c = stack.db().dataSource().getConnection()) {
      Array ids = c.createArrayOf("uuid", webhooks.toArray());
      long total;
      long succeeded;
      long firstAttempts;
      try (PreparedStatement s = c.prepareStatement(deliveries)) {
        s.setArray(1, ids);
        s.setTimestamp(2, Timestamp.from(since));
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
          succeeded = rs.getLong(2);
          firstAttempts = rs.getLong(3);
        }
      }
      try (PreparedStatement s = c.prepareStatement(attempts)) {
        s.setArray(1, ids);
        s.setTimestamp(2, Timestamp.from(since));
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return new Recorded(total, succeeded, firstAttempts + rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count the recorded deliveries: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until PostgreSQL has {@code expected} succeeded deliveries (the worker records after the
   * answer).
   */
  Recorded awaitRecorded(List<UUID> webhooks, Instant since, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Recorded r = recorded(webhooks, since);
    while (r.succeeded() < expected && System.nanoTime() < deadline) {
      sleep(200);
      r = recorded(webhooks, since);
    }
    return r;
  }

  /**
   * Runs exactly {@code n} workers (starting the missing ones) and waits until all joined the share
   * group.
   */
  void ensureWorkers(int n) {
    workers.removeIf(w -> !w.isAlive());
    List<WorkerProcess> extra = new ArrayList<>();
    while (workers.size() > n) extra.add(workers.remove(workers.size() - 1));
    stopAll(extra);
    List<Thread> starting = new ArrayList<>();
    List<WorkerProcess> started = java.util.Collections.synchronizedList(new ArrayList<>());
    List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = workers.size(); i < n; i++) {
      String id = "worker-" + (++workerSeq);
      starting.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      started.add(
                          WorkerProcess.start(
                              id,
                              stack,
                              options.maxInFlight(),
                              options.consumers(),
                              options.workerConsumerProperties(),
                              options.workerHeap(),
                              jvmOptions(id),
                              logDir));
                    } catch (RuntimeException e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread t : starting) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    started.sort(Comparator.comparing(WorkerProcess::id));
    workers.addAll(started);
    if (!failures.isEmpty()) throw failures.get(0);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int members = n * options.consumers(); // each consumer is a member
    while (stack.shareGroupMembers() != members && System.nanoTime() < deadline) sleep(200);
    if (stack.shareGroupMembers() != members) {
      throw new IllegalStateException(
          "the share group has " + stack.shareGroupMembers() + " members, not " + members);
    }
  }

  private volatile RouterProcess routerJvm;
  private volatile AdminApiProcess adminApiJvm;

  /** Starts an admin API JVM ({@link AdminApiProcess}); its CPU counts as "admin-api". */
  AdminApiProcess startAdminApi() {
    AdminApiProcess api =
        AdminApiProcess.start(
            stack, options.partitions(), jvmOptions("admin-api"), dataDir, logDir);
    adminApiJvm = api;
    return api;
  }

  /** Starts a router JVM ({@link RouterMain}) on the state dir; its CPU counts as the router's. */
  RouterProcess startTenantRouter(String name, Path stateDir) {
    RouterProcess r =
        RouterProcess.start(name, stack, stateDir, options.routerHeap(), jvmOptions(name), logDir);
    routerJvm = r;
    return r;
  }

  void stopWorkers() {
    stopAll(workers);
    workers.clear();
  }

  /** Stops workers in parallel: each may take its shutdown grace. */
  private static void stopAll(List<WorkerProcess> stopping) {
    List<Thread> threads = new ArrayList<>();
    for (WorkerProcess w : stopping) threads.add(Thread.ofPlatform().start(w::stop));
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  CpuMeter.Snapshot cpu() {
    return cpuMeter.snapshot();
  }

  Map<String, Double> cores(CpuMeter.Snapshot before) {
    return cores(before, cpuMeter.snapshot());
  }

  Map<String, Double> cores(CpuMeter.Snapshot before, CpuMeter.Snapshot after) {
    return cpuMeter.cores(before, after);
  }

  /** What the CPU figures say about the bound: a saturated machine, or waiting somewhere. */
  static String bound(Map<String, Double> cores) {
    int n = Runtime.getRuntime().availableProcessors();
    double machine = cores.getOrDefault("machine", 0.0);
    List<String> top =
        cores.entrySet().stream()
            .filter(e -> !e.getKey().equals("machine"))
            .limit(3)
            .map(e -> e.getKey() + " " + e.getValue())
            .toList();
    String users = String.join(", ", top);
    if (machine >= 0.9 * n) {
      return String.format(
          "CPU: the machine was saturated (%.2f of %d cores busy); largest users: %s",
          machine, n, users);
    }
    return String.format(
        "not the machine's CPU (%.2f of %d cores busy; largest users: %s): waits "
            + "(receiver latency, batching, commits, locks)",
        machine, n, users);
  }

  private Map<Long, String> processRoles() {
    Map<Long, String> roles = new HashMap<>();
    roles.put(ProcessHandle.current().pid(), "bench");
    if (receiver != null) roles.put(receiver.pid(), "receiver");
    for (WorkerProcess w : List.copyOf(workers)) roles.put(w.pid(), "workers");
    RouterProcess r = routerJvm;
    if (r != null) roles.put(r.pid(), "router");
    AdminApiProcess api = adminApiJvm;
    if (api != null) roles.put(api.pid(), "admin-api");
    if (stack != null && stack.postgresPid() > 0) roles.put(stack.postgresPid(), "postgres");
    return roles;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Path dataDir(BenchOptions options) {
    try {
      if (options.dataDir() != null)
        return Files.createDirectories(options.dataDir().toAbsolutePath());
      return Files.createTempDirectory("hookline-bench");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the bench data dir", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir; the OS cleans it eventually
    }
  }
}
