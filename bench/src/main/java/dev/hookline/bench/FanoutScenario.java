package dev.hookline.bench;

import dev.hookline.schemas.EventType;
import dev.hookline.store.NewWebhook;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scenario 6: the router alone. 10,000 webhooks spread over every event type of the catalog, then a
 * backlog of events of every type (their catalog examples); the router's own counters say how many
 * events it routed and how many delivery tasks it emitted. No worker runs, so the tasks stay on
 * {@code hookline.deliveries}: this scenario comes after every delivering one.
 */
final class FanoutScenario {
  private FanoutScenario() {}

  /**
   * The scenario, and with {@code --fanout-filters} once more with filters on half the webhooks.
   */
  static List<ScenarioResult> runAll(Bench b) throws Exception {
    BenchOptions o = b.options;
    b.stopWorkers();
    b.stack.ensureRouter();
    List<EventType> types = b.stack.catalog().types();
    long created0 = System.nanoTime();
    List<UUID> webhooks = createSpread(b, types, o.fanoutWebhooks());
    double createSeconds = (System.nanoTime() - created0) / 1e9;
    awaitOutboxRelayed(b, Duration.ofSeconds(120));
    EventType last = types.get((o.fanoutWebhooks() - 1) % types.size());
    b.awaitRouted(last.name(), last.example(), routableFor(b, last.name()));
    if (o.fanoutFilters()) {
      // one unmeasured pass first: else the plain run pays the router's JIT warm-up and the
      // filtered one, measured second, looks cheaper than it is
      run(b, types, createSeconds, "fanout-warm-up", Map.of());
    }
    ScenarioResult plain = run(b, types, createSeconds, "fanout", Map.of());
    if (!o.fanoutFilters()) {
      deleteBeforeTenants(b, webhooks);
      return List.of(plain);
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("filteredWebhooks", FanoutFilters.apply(b, types));
    awaitOutboxRelayed(b, Duration.ofSeconds(120));
    FanoutFilters.awaitApplied(b, types);
    extra.putAll(
        FilterCost.measure(
            types.stream()
                .filter(t -> t.name().equals("payment_received"))
                .findFirst()
                .orElseThrow()));
    ScenarioResult filtered = run(b, types, createSeconds, "fanout-filters", extra);
    FanoutFilters.compare(plain, filtered);
    deleteBeforeTenants(b, webhooks);
    return List.of(plain, filtered);
  }

  /**
   * Network-wide, they would take every tenant's events in the fan-out over tenants that follows.
   */
  private static void deleteBeforeTenants(Bench b, List<UUID> webhooks) throws Exception {
    if (b.options.fanoutTenants() > 0) deleteAll(b, webhooks);
  }

  private static ScenarioResult run(
      Bench b, List<EventType> types, double createSeconds, String name, Map<String, Object> extra)
      throws Exception {
    BenchOptions o = b.options;

    List<Publishing.Kind> kinds =
        types.stream().map(t -> new Publishing.Kind(t.name(), t.example())).toList();
    double events0 = b.stack.routedEvents();
    double tasks0 = b.stack.routedTasks();
    CpuMeter.Snapshot cpu = b.cpu();
    long start = System.nanoTime();
    Publishing.Result published =
        Publishing.backlog(b.publisher, kinds, o.fanoutEvents(), name + "-");
    double publishSeconds = (System.nanoTime() - start) / 1e9;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (b.stack.routedEvents() - events0 < o.fanoutEvents() && System.nanoTime() < deadline)
      Bench.sleep(20);
    double tasks = b.stack.routedTasks() - tasks0;
    double seconds = (System.nanoTime() - start) / 1e9;
    var cores = b.cores(cpu);
    double events = b.stack.routedEvents() - events0;

    Map<String, Object> f = new LinkedHashMap<>();
    f.put("webhooks", o.fanoutWebhooks());
    f.put("eventTypes", types.size());
    f.put("webhooksCreatedPerSecond", Math.round(o.fanoutWebhooks() / createSeconds));
    f.put("events", published.published());
    f.put("eventsRouted", Math.round(events));
    f.put("tasksEmitted", Math.round(tasks));
    f.put("tasksPerEvent", Math.round(tasks / Math.max(1, events)));
    f.put("publishSeconds", Math.round(publishSeconds * 100) / 100.0);
    f.put("routingSeconds", Math.round(seconds * 100) / 100.0);
    f.put("eventsPerSecond", Math.round(events / seconds));
    f.put("tasksPerSecond", Math.round(tasks / seconds));
    // the router's CPU time per task emitted: what a filter adds shows here
    f.put(
        "routerCpuNanosPerTask",
        Math.round(cores.getOrDefault("router", 0.0) * seconds * 1e9 / Math.max(1, tasks)));
    f.putAll(extra);
    String headline =
        String.format(
            "%,.0f events/s routed into %,.0f tasks/s (%,.0f tasks per event, %,d webhooks)",
            events / seconds, tasks / seconds, tasks / Math.max(1, events), o.fanoutWebhooks());
    boolean complete = events >= o.fanoutEvents();
    return new ScenarioResult(
        name,
        name.equals("fanout")
            ? "Routing fan-out over the catalog"
            : "Routing fan-out, half the webhooks with a payload filter",
        headline,
        null,
        complete ? ScenarioResult.Verdict.INFO : ScenarioResult.Verdict.FAIL,
        f,
        cores,
        Bench.bound(cores));
  }

  /** Webhook i subscribes to type i mod types, created on a few threads (each is a transaction). */
  private static List<UUID> createSpread(Bench b, List<EventType> types, int n) throws Exception {
    List<UUID> ids = Collections.synchronizedList(new ArrayList<>(n));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      int slices = 4;
      for (int s = 0; s < slices; s++) {
        int slice = s;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = slice; i < n; i += slices) {
                    String type = types.get(i % types.size()).name();
                    ids.add(
                        b.stack
                            .db()
                            .webhooks()
                            .create(
                                new NewWebhook(
                                    "bench fan " + i,
                                    b.receiver.url("fan", i),
                                    "",
                                    List.of(type),
                                    true,
                                    15,
                                    null,
                                    Map.of(),
                                    null,
                                    null,
                                    null))
                            .webhook()
                            .id());
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    return ids;
  }

  /** Deletes the webhooks through the store (tombstones through the outbox), on a few threads. */
  private static void deleteAll(Bench b, List<UUID> ids) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (UUID id : ids) futures.add(pool.submit(() -> b.stack.db().webhooks().delete(id)));
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    awaitOutboxRelayed(b, Duration.ofSeconds(120));
  }

  static void awaitOutboxRelayed(Bench b, Duration timeout) throws SQLException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (count(b, "select count(*) from outbox where published_at is null", null) == 0) return;
      Bench.sleep(200);
    }
    throw new IllegalStateException("the outbox relay did not catch up within " + timeout);
  }

  /** Routable webhooks subscribed to the type (or to every type). */
  static long routableFor(Bench b, String type) throws SQLException {
    return count(
        b,
        "select count(*) from webhooks where deleted_at is null and active and disabled_at is null "
            + "and (? = any(events) or '*' = any(events))",
        type);
  }

  static long count(Bench b, String sql, String param) throws SQLException {
    try (Connection c = b.stack.db().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      if (param != null) s.setString(1, param);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
