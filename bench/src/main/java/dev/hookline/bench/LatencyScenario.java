package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Scenario 3: a steady 1,000 events/s (by default) to one webhook; the latency is the receiver's
 * clock at arrival minus the event's {@code ce_time} (same machine, same clock), in milliseconds. A
 * {@link RoutedTap} tells how much of it is spent before the task is readable by the workers. A
 * warm-up at the same rate comes first, unmeasured.
 */
final class LatencyScenario {
  static final long TARGET_P99_MS = 50;

  private LatencyScenario() {}

  static ScenarioResult run(Bench b) {
    BenchOptions o = b.options;
    Instant recordedSince;
    String group = "lat";
    String type = "payment_created";
    ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
    b.receiver.configure(group, o.receiverLatencyMs(), 0);
    List<UUID> webhooks = b.createWebhooks(List.of(type), group, 1, 0);
    b.ensureWorkers(o.workers());
    b.awaitRouted(type, data, 1);
    b.awaitReceived(group, 1);
    if (!o.warmUp().isZero()) {
      // not measured: the receiver ignores events older than its reset below
      var unused =
          Publishing.paced(
              b.publisher, new Publishing.Kind(type, data), o.latencyRate(), o.warmUp(), "warm-");
    }
    b.awaitIdle(Duration.ofSeconds(60));
    Publishing.Result published;
    Map<String, Double> cores;
    Map<String, Double> jitAndGc;
    ReceiverStats received;
    Histogram routed;
    Map<String, Long> requests;
    Map<String, Long> requestsAfter;
    long commits;
    try (RoutedTap tap = new RoutedTap(b.stack.bootstrapServers())) {
      Instant since = b.resetReceiver();
      tap.take();
      CpuMeter.Snapshot cpu = b.cpu();
      requests = BrokerRequests.snapshot();
      commits = PostgresCommits.snapshot(b.stack.db());
      published =
          Publishing.paced(
              b.publisher,
              new Publishing.Kind(type, data),
              o.latencyRate(),
              o.duration(),
              group + "-");
      CpuMeter.Snapshot cpuAfter = b.cpu();
      cores = b.cores(cpu, cpuAfter);
      jitAndGc = CpuMeter.jitAndGcCores(cpu, cpuAfter);
      requestsAfter = BrokerRequests.snapshot();
      received = b.awaitDelivered(group, published.published(), Duration.ofSeconds(30));
      routed = tap.take();
      recordedSince = since;
    }
    Bench.Recorded recorded =
        b.awaitRecorded(webhooks, recordedSince, published.published(), Duration.ofSeconds(60));
    long commitsAfter = PostgresCommits.snapshot(b.stack.db());

    long p99 = received.percentile(99);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("ratePerSecond", o.latencyRate());
    f.put("seconds", o.duration().toSeconds());
    f.put("published", published.published());
    f.put("publishedPerSecond", Math.round(published.perSecond()));
    f.put("received", received.count());
    f.put("recordedSucceeded", recorded.succeeded());
    f.put("p50Ms", received.percentile(50));
    f.put("p90Ms", received.percentile(90));
    f.put("p99Ms", p99);
    f.put("p99_9Ms", received.percentile(99.9));
    f.put("maxMs", received.max());
    f.put("meanMs", Math.round(received.latency().getMean() * 10) / 10.0);
    // publish -> task readable on hookline.deliveries (producer, broker, router, EOS commit)
    f.put("routedP50Ms", routed.getTotalCount() == 0 ? 0 : routed.getValueAtPercentile(50));
    f.put("routedP99Ms", routed.getTotalCount() == 0 ? 0 : routed.getValueAtPercentile(99));
    f.put("routedMaxMs", routed.getTotalCount() == 0 ? 0 : routed.getMaxValue());
    f.put("routedSeen", routed.getTotalCount());
    // inside the cores: how much of them was our JVMs compiling and collecting (a cold stack
    // compiles for minutes; --warm-up sets how long it runs first)
    f.put(
        "jitAndGcMicrosPerDelivery (all JVMs, inside the parts)",
        CpuPerDelivery.each(jitAndGc, published.perSecond()));
    // the routed tap's own fetches are in these: one read_committed consumer
    f.putAll(BrokerRequests.figures(requests, requestsAfter, published.published()));
    f.putAll(PostgresCommits.figures(commits, commitsAfter, published.published()));
    boolean complete =
        received.count() >= published.published() && recorded.succeeded() == published.published();
    String headline =
        String.format(
            "p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms at %,d events/s (%,d of %,d delivered;"
                + " routed p50 %s ms, p99 %s ms)",
            received.percentile(50),
            p99,
            received.percentile(99.9),
            received.max(),
            o.latencyRate(),
            received.count(),
            published.published(),
            f.get("routedP50Ms"),
            f.get("routedP99Ms"));
    return new ScenarioResult(
        "latency",
        "Publish-to-receive latency at a steady rate",
        headline,
        "p99 <= " + TARGET_P99_MS + " ms",
        complete && p99 <= TARGET_P99_MS
            ? ScenarioResult.Verdict.PASS
            : ScenarioResult.Verdict.FAIL,
        f,
        cores,
        Bench.bound(cores));
  }
}
