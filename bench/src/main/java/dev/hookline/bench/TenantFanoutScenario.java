package dev.hookline.bench;

import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.producer.PublishOptions;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The fan-out over tenants (issue 17, item 7): {@code tenants × tenantWebhooks} webhooks (a million
 * by default), events spread over the tenants, the router in a JVM of its own so that its heap and
 * resident memory are measured alone; then how long a restarted router takes to route again, with
 * its state dir kept and with none (a new machine rebuilds the routes from the topic).
 *
 * <p>Webhook {@code j} of a tenant subscribes to three types, {@code j}, {@code j+1} and {@code
 * j+2} (modulo the types used, as many as webhooks per tenant, at most the catalog's): an event of
 * a tenant matches three of its webhooks. The routing records are written straight to {@code
 * hookline.subscriptions}, byte for byte the records the outbox relay writes for a new webhook (the
 * same JSON, key and producer settings): the router reads nothing else, and a million webhooks
 * through PostgreSQL's outbox would measure the store and the relay (500 rows a transaction), not
 * the router. PostgreSQL does not know these webhooks; no worker runs here.
 */
final class TenantFanoutScenario {
  private static final int TYPES_PER_WEBHOOK = 3;
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(15);

  private TenantFanoutScenario() {}

  static ScenarioResult run(Bench b) throws Exception {
    BenchOptions o = b.options;
    int tenants = o.fanoutTenants();
    int perTenant = o.tenantWebhooks();
    b.stopWorkers();
    b.stack.stopRouter(); // one router at a time: the measured one
    // the types the fewest network-wide webhooks of other scenarios take: each of those webhooks
    // receives every tenant's events of its type, which is not what this scenario measures
    Map<String, Long> networkWideByType = new LinkedHashMap<>();
    for (EventType t : b.stack.catalog().types())
      if (!t.name().startsWith("hookline."))
        networkWideByType.put(t.name(), networkWideFor(b, t.name()));
    List<EventType> types =
        b.stack.catalog().types().stream()
            .filter(t -> networkWideByType.containsKey(t.name()))
            .sorted(Comparator.comparing(t -> networkWideByType.get(t.name())))
            .limit(perTenant)
            .toList();
    // how many of a tenant's webhooks take each type, and the network-wide ones left by others
    int[] tenantMatches = new int[types.size()];
    for (int j = 0; j < perTenant; j++)
      for (int k = 0; k < Math.min(TYPES_PER_WEBHOOK, types.size()); k++)
        tenantMatches[(j + k) % types.size()]++;
    long[] networkWide = new long[types.size()];
    for (int t = 0; t < types.size(); t++)
      networkWide[t] = networkWideByType.get(types.get(t).name());

    long seed0 = System.nanoTime();
    long routeEntries = seed(b, types, tenants, perTenant);
    double seedSeconds = (System.nanoTime() - seed0) / 1e9;

    Map<String, Object> f = new LinkedHashMap<>();
    f.put("tenants", tenants);
    f.put("webhooksPerTenant", perTenant);
    f.put("webhooks", (long) tenants * perTenant);
    f.put("routeEntries", routeEntries);
    f.put("eventTypes", types.size());
    f.put("networkWideWebhooks", java.util.Arrays.stream(networkWide).sum());
    f.put("seedSeconds", round(seedSeconds));
    f.put("routerHeap", o.routerHeap().isEmpty() ? "JVM default" : o.routerHeap());

    Path stateDir = b.dataDir.resolve("router-tenants-state");
    // The first start has no state: it builds the routes from the whole topic, as a router on a
    // new machine does. A probe waits on the topic, so "first routed" is the first moment it could.
    String lastTenant = tenantId(tenants - 1);
    probe(b, types.get(0), lastTenant);
    Restart cold;
    RouterProcess.Stats after;
    double events;
    double tasks;
    double seconds;
    Publishing.Result published;
    Map<String, Double> cores;
    CpuMeter.Snapshot coldCpu = b.cpu();
    try (RouterProcess router = b.startTenantRouter("router-tenants-1", stateDir)) {
      cold =
          awaitFirstRouted(
              b, coldCpu, router, tenantMatches[0] + networkWide[0], "the first start");
      RouterProcess.Stats before = router.stats();
      CpuMeter.Snapshot cpu = b.cpu();
      long start = System.nanoTime();
      int n = o.tenantEvents();
      published =
          Publishing.backlog(
              b.publisher,
              n,
              i -> {
                EventType type = types.get((int) (i % types.size()));
                // a step coprime with the tenant count visits every tenant before repeating one
                String tenant = tenantId((int) ((i * 7919L) % tenants));
                return b.publisher.publish(
                    type.name(),
                    type.example(),
                    PublishOptions.none().withKey("ten-" + i).withTenant(tenant));
              });
      double publishSeconds = (System.nanoTime() - start) / 1e9;
      long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
      RouterProcess.Stats now = before;
      while (now.events() - before.events() < n && System.nanoTime() < deadline) {
        Bench.sleep(200);
        now = router.stats();
      }
      seconds = (System.nanoTime() - start) / 1e9;
      cores = b.cores(cpu);
      events = now.events() - before.events();
      tasks = now.tasks() - before.tasks();
      f.put("events", published.published());
      f.put("publishFailures", published.failed());
      f.put("eventsRouted", Math.round(events));
      f.put("tasksEmitted", Math.round(tasks));
      f.put("tasksPerEvent", Math.round(tasks / Math.max(1, events) * 100) / 100.0);
      f.put("publishSeconds", round(publishSeconds));
      f.put("routingSeconds", round(seconds));
      f.put("eventsPerSecond", Math.round(events / seconds));
      f.put("tasksPerSecond", Math.round(tasks / seconds));
      after = router.statsAfterGc();
    }
    f.put("heapLiveAfterGcMb", after.heapUsedMb());
    f.put("heapPeakMb", after.heapUsedPeakMb());
    f.put("heapCommittedMb", after.heapCommittedMb());
    f.put("heapMaxMb", after.heapMaxMb());
    f.put("rssMb", after.rssMb());
    f.put("rssHighWaterMb", after.rssHighWaterMb());
    cold.put("rebuild", f);

    // A restart on the same machine: the state dir (the routes in RocksDB, their checkpoint) kept.
    probe(b, types.get(0), lastTenant);
    Restart warm;
    CpuMeter.Snapshot warmCpu = b.cpu();
    try (RouterProcess router = b.startTenantRouter("router-tenants-2", stateDir)) {
      warm = awaitFirstRouted(b, warmCpu, router, tenantMatches[0] + networkWide[0], "the restart");
      f.put("restartRssHighWaterMb", router.stats().rssHighWaterMb());
    }
    warm.put("restart", f);
    f.put("loadAverageAtEnd", Machine.loadAverage());

    double perSecond = events / seconds;
    boolean complete = events >= o.tenantEvents() && published.failed() == 0;
    boolean met = complete && perSecond >= 5_000 && after.rssHighWaterMb() <= 2048;
    String headline =
        String.format(
            "%,.0f events/s routed into %,.0f tasks/s over %,d tenants x %d webhooks; router live"
                + " heap %,d MB, resident %,d MB (peak %,d); routes rebuilt in %.1f s, restart %.1f"
                + " s to the first routed event",
            perSecond,
            tasks / seconds,
            tenants,
            perTenant,
            after.heapUsedMb(),
            after.rssMb(),
            after.rssHighWaterMb(),
            cold.toRunningSeconds(),
            warm.toFirstRoutedSeconds());
    return new ScenarioResult(
        "fanout-tenants",
        "Routing over a million tenant webhooks",
        headline,
        ">= 5,000 events/s routed, <= 2 GB resident",
        !complete
            ? ScenarioResult.Verdict.FAIL
            : met ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL,
        f,
        cores,
        Bench.bound(cores));
  }

  /**
   * Seconds from the JVM's launch to RUNNING (routes loaded) and to the first routed event; the
   * router JVM's CPU seconds until then (less at the mercy of other work on the machine than the
   * wall time), and the cores the rest of the machine used meanwhile.
   */
  record Restart(
      double toRunningSeconds,
      double toFirstRoutedSeconds,
      double cpuSeconds,
      Map<String, Double> cores) {
    void put(String prefix, Map<String, Object> f) {
      f.put(prefix + "ToRunningSeconds", toRunningSeconds);
      f.put(prefix + "ToFirstRoutedSeconds", toFirstRoutedSeconds);
      f.put(prefix + "RouterCpuSeconds", cpuSeconds);
      f.put(prefix + "OtherCores", cores.getOrDefault("other", 0.0));
      f.put(prefix + "MachineCores", cores.getOrDefault("machine", 0.0));
    }
  }

  /**
   * Waits for the probe published before the start to be routed to all {@code expectedTasks}
   * webhooks (a partly loaded table would route it to fewer).
   */
  private static Restart awaitFirstRouted(
      Bench b, CpuMeter.Snapshot cpu, RouterProcess router, long expectedTasks, String what) {
    long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
    RouterProcess.Stats s = router.stats();
    while (s.events() < 1 && System.nanoTime() < deadline) {
      Bench.sleep(100);
      s = router.stats();
    }
    if (s.events() < 1)
      throw new IllegalStateException(what + ": no event routed within " + LONGEST_WAIT);
    if (s.tasks() != expectedTasks)
      throw new IllegalStateException(
          what + ": the probe went to " + s.tasks() + " webhooks, not " + expectedTasks);
    long launched = router.launchedAtMs();
    return new Restart(
        round((s.runningAtMs() - launched) / 1e3),
        round((s.firstRoutedAtMs() - launched) / 1e3),
        round(s.cpuMs() / 1e3),
        b.cores(cpu));
  }

  private static void probe(Bench b, EventType type, String tenant) {
    b.publisher.publishSync(
        type.name(), type.example(), PublishOptions.none().withKey("probe").withTenant(tenant));
  }

  /**
   * Writes the routing records, as the relay would after the webhooks were created; returns the
   * route entries they make (one per webhook and type).
   */
  private static long seed(Bench b, List<EventType> types, int tenants, int perTenant) {
    Properties props = OutboxRelay.producerProperties(b.stack.bootstrapServers());
    // larger batches than the relay's 500 rows, nothing else: uncompressed, as the relay writes
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    long entries = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int t = 0; t < tenants; t++) {
        String tenant = tenantId(t);
        for (int j = 0; j < perTenant; j++) {
          List<String> events = new ArrayList<>(TYPES_PER_WEBHOOK);
          for (int k = 0; k < Math.min(TYPES_PER_WEBHOOK, types.size()); k++)
            events.add(types.get((j + k) % types.size()).name());
          UUID id = webhookId(t, j);
          // the record PgWebhookStore.writeOutbox puts in the outbox for a new webhook
          String record = Json.toString(new Subscription(id, 1, events, true, tenant, null));
          var unused =
              producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS, id.toString(), record));
          entries += events.size();
        }
      }
      producer.flush();
    }
    return entries;
  }

  static String tenantId(int t) {
    return String.format("tenant-%06d", t);
  }

  /** A version-4-shaped id made of the tenant and the webhook's number: distinct, reproducible. */
  static UUID webhookId(int tenant, int j) {
    return new UUID(0x7e4a_0000_0000_4000L | ((long) tenant << 16), 0x8000_0000_0000_0000L | j);
  }

  private static long networkWideFor(Bench b, String type) throws java.sql.SQLException {
    return FanoutScenario.count(
        b,
        "select count(*) from webhooks where deleted_at is null and active and disabled_at is null"
            + " and tenant_id is null and (? = any(events) or '*' = any(events))",
        type);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 100) / 100.0;
  }
}
