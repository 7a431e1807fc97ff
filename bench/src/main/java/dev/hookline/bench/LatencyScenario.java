package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 3: a steady 1,000 events/s (by default) to one webhook; the latency is the receiver's
 * clock at arrival minus the event's {@code ce_time} (same machine, same clock), in milliseconds.
 */
final class LatencyScenario {
  static final long TARGET_P99_MS = 50;

  private LatencyScenario() {}

  static ScenarioResult run(Bench b) {
    BenchOptions o = b.options;
    String group = "lat";
    String type = "payment_created";
    ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
    b.receiver.configure(group, o.receiverLatencyMs(), 0);
    List<UUID> webhooks = b.createWebhooks(List.of(type), group, 1, 0);
    b.ensureWorkers(o.workers());
    b.awaitRouted(type, data, 1);
    b.awaitReceived(group, 1);
    b.awaitIdle(Duration.ofSeconds(60));
    Instant since = b.resetReceiver();
    CpuMeter.Snapshot cpu = b.cpu();
    Publishing.Result published = Publishing.paced(b.publisher, new Publishing.Kind(type, data), o.latencyRate(),
        o.duration(), group + "-");
    var cores = b.cores(cpu);
    ReceiverStats received = b.awaitDelivered(group, published.published(), Duration.ofSeconds(30));
    Bench.Recorded recorded = b.awaitRecorded(webhooks, since, published.published(), Duration.ofSeconds(60));

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
    boolean complete = received.count() >= published.published() && recorded.succeeded() == published.published();
    String headline = String.format("p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms at %,d events/s (%,d of %,d delivered)",
        received.percentile(50), p99, received.percentile(99.9), received.max(), o.latencyRate(), received.count(),
        published.published());
    return new ScenarioResult("latency", "Publish-to-receive latency at a steady rate", headline,
        "p99 <= " + TARGET_P99_MS + " ms", complete && p99 <= TARGET_P99_MS ? ScenarioResult.Verdict.PASS
            : ScenarioResult.Verdict.FAIL, f, cores, Bench.bound(cores));
  }
}
