package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.producer.PublishOptions;
import dev.hookline.store.NewTenant;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fairness between tenants: tenant A has a delivery backlog (100,000 events by default, to one
 * webhook of A's, published and routed onto {@code hookline.deliveries} before B starts), then
 * tenant B publishes a steady 50 events/s to its own webhook for as long as A's backlog drains. B's
 * publish-to-receive latency is the figure (target p99 ≤ 1 s); A's delivery rate during the phase
 * shows whether A still used the capacity B left idle. The router's time for A's backlog is
 * reported apart: events wait for the router in the order they were published, whatever their
 * tenant, so B started at once would measure the router's backlog, not fairness between deliveries.
 * B's tenant id is chosen on another lane than A's (DeliveryTaskWriter): two tenants sharing a lane
 * share its order, and the scenario measures the case lanes are for.
 */
final class NoisyTenantScenario {
  static final long TARGET_P99_MS = 1_000;
  private static final String TYPE = "invoice_sent";
  private static final Duration LONGEST_PHASE = Duration.ofMinutes(10);

  private NoisyTenantScenario() {}

  static ScenarioResult run(Bench b) {
    BenchOptions o = b.options;
    ObjectNode data = Payloads.of(b.stack.catalog(), TYPE, o.payloadBytes());
    String tenantA = "noisy-a-" + System.currentTimeMillis();
    int laneA = DeliveryTaskWriter.lane(tenantA, o.partitions());
    String tenantB = "quiet-b-" + System.currentTimeMillis();
    for (int n = 1;
        o.partitions() > 1 && DeliveryTaskWriter.lane(tenantB, o.partitions()) == laneA;
        n++) tenantB = "quiet-b-" + System.currentTimeMillis() + "-" + n;
    for (String t : List.of(tenantA, tenantB))
      b.stack.db().tenants().create(new NewTenant(t, "bench " + t, Map.of()));
    b.receiver.configure("noisya", o.receiverLatencyMs(), 0);
    b.receiver.configure("quietb", o.receiverLatencyMs(), 0);
    List<UUID> webhooks =
        List.of(
            b.createWebhooks(List.of(TYPE), "noisya", 1, 0, tenantA).getFirst(),
            b.createWebhooks(List.of(TYPE), "quietb", 1, 0, tenantB).getFirst());
    b.ensureWorkers(o.workers());
    // the probe has no tenant: it goes to neither tenant's webhook, so wait for each route alone
    awaitRoutes(b, data, tenantA, "noisya");
    awaitRoutes(b, data, tenantB, "quietb");
    b.awaitIdle(Duration.ofSeconds(60));
    b.resetReceiver();

    long backlog = o.noisyBacklog();
    CpuMeter.Snapshot cpu = b.cpu();
    double routedBefore = b.stack.routedEvents();
    long publishStart = System.nanoTime();
    AtomicLong failed = new AtomicLong();
    for (long i = 0; i < backlog; i++) {
      track(
          b.publisher.publish(
              TYPE, data, PublishOptions.none().withKey("a" + i).withTenant(tenantA)),
          failed);
    }
    b.publisher.flush();
    double backlogSeconds = (System.nanoTime() - publishStart) / 1e9;
    // A's backlog becomes a delivery backlog: B starts once the router has routed all of it
    long routeDeadline = System.nanoTime() + LONGEST_PHASE.toNanos();
    while (b.stack.routedEvents() - routedBefore < backlog && System.nanoTime() < routeDeadline)
      Bench.sleep(20);
    double routedSeconds = (System.nanoTime() - publishStart) / 1e9;
    long aReceivedAtStart = b.receiver.count("noisya");

    // B publishes at its pace while A's backlog drains (at least 10 s, at most 10 min)
    long b0 = System.currentTimeMillis();
    long start = System.nanoTime();
    double interval = 1e9 / o.noisyRate();
    long published = 0;
    long aReceivedAtEnd;
    while (true) {
      long elapsed = System.nanoTime() - start;
      aReceivedAtEnd = b.receiver.count("noisya");
      boolean drained = aReceivedAtEnd >= backlog;
      if ((drained && elapsed >= 10_000_000_000L) || elapsed >= LONGEST_PHASE.toNanos()) break;
      long due = start + (long) (published * interval);
      long wait = due - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(Math.min(wait, 100_000_000L));
      if (System.nanoTime() < due) continue;
      track(
          b.publisher.publish(
              TYPE, data, PublishOptions.none().withKey("b" + published).withTenant(tenantB)),
          failed);
      published++;
    }
    b.publisher.flush();
    long b1 = System.currentTimeMillis();
    var cores = b.cores(cpu);
    ReceiverStats quiet = b.awaitDelivered("quietb", published, Duration.ofSeconds(30));
    ReceiverStats noisy = b.awaitDelivered("noisya", backlog, Duration.ofSeconds(30));

    long p99 = quiet.percentile(99);
    double aRate = noisy.rateBetween(b0, b1);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("backlogA", backlog);
    f.put("backlogPublishSeconds", Math.round(backlogSeconds * 10) / 10.0);
    f.put("backlogRoutedSeconds", Math.round(routedSeconds * 10) / 10.0);
    f.put("routerEventsPerSecond", Math.round(backlog / routedSeconds));
    f.put("aDeliveredBeforeB", aReceivedAtStart);
    f.put("partitions", o.partitions());
    f.put("laneA", laneA);
    f.put("laneB", DeliveryTaskWriter.lane(tenantB, o.partitions()));
    f.put("ratePerSecondB", o.noisyRate());
    f.put("phaseSeconds", Math.round((b1 - b0) / 100.0) / 10.0);
    f.put("publishedB", published);
    f.put("failedPublishes", failed.get());
    f.put("receivedB", quiet.count());
    f.put("receivedA", noisy.count());
    f.put("bP50Ms", quiet.percentile(50));
    f.put("bP90Ms", quiet.percentile(90));
    f.put("bP99Ms", p99);
    f.put("bMaxMs", quiet.max());
    f.put("aDeliveriesPerSecondDuringPhase", Math.round(aRate));
    f.put("aSustainedPerSecond", Math.round(noisy.sustainedRate()));
    f.put("aP50Ms", noisy.percentile(50));
    f.put("webhooks", webhooks.size());
    boolean complete = quiet.count() >= published && noisy.count() >= backlog;
    String headline =
        String.format(
            "B p50 %d ms, p99 %d ms, max %d ms at %d events/s behind A's delivery backlog of %,d"
                + " (routed in %.1f s, %,d delivered before B started);"
                + " A delivered %,.0f/s meanwhile (%,d of %,d B and %,d of %,d A received)",
            quiet.percentile(50),
            p99,
            quiet.max(),
            o.noisyRate(),
            backlog - aReceivedAtStart,
            routedSeconds,
            aReceivedAtStart,
            aRate,
            quiet.count(),
            published,
            noisy.count(),
            backlog);
    return new ScenarioResult(
        "noisy-tenant",
        "One tenant's backlog against another tenant's steady trickle",
        headline,
        "B p99 <= " + TARGET_P99_MS + " ms",
        complete && p99 <= TARGET_P99_MS
            ? ScenarioResult.Verdict.PASS
            : ScenarioResult.Verdict.FAIL,
        f,
        cores,
        Bench.bound(cores));
  }

  /** Publishes probes of {@code tenant} until one reaches the receiver's {@code group}. */
  private static void awaitRoutes(Bench b, ObjectNode data, String tenant, String group) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (b.receiver.count(group) == 0) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException(
            "no probe of " + tenant + " reached " + group + " in 120 s");
      b.publisher.publishSync(TYPE, data, PublishOptions.none().withTenant(tenant));
      long wait = System.nanoTime() + 1_000_000_000L;
      while (b.receiver.count(group) == 0 && System.nanoTime() < wait) Bench.sleep(50);
    }
  }

  private static void track(CompletableFuture<?> future, AtomicLong failed) {
    var unused =
        future.whenComplete(
            (ok, error) -> {
              if (error != null) failed.incrementAndGet();
            });
  }
}
