package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 5: 100 webhooks on one event type, each event going to all of them, at a steady rate.
 * Phase A: every endpoint answers at once. Phase B: one of them hangs on every request until the
 * webhook's timeout. The 99 others' arrival rate in B divided by the rate in A is the figure.
 */
final class IsolationScenario {
  static final double TARGET_RATIO = 0.9;

  private IsolationScenario() {}

  static ScenarioResult run(Bench b) {
    BenchOptions o = b.options;
    String type = "membership_created";
    ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
    int healthy = o.isolationEndpoints() - 1;
    b.receiver.configure("iso", o.receiverLatencyMs(), 0);
    b.receiver.configure("isohang", o.receiverLatencyMs(), 0);
    List<UUID> webhooks = new ArrayList<>(b.createWebhooks(List.of(type), "iso", healthy, 0));
    webhooks.addAll(b.createWebhooks(List.of(type), "isohang", 1, o.hangTimeoutSeconds()));
    b.ensureWorkers(o.workers());
    b.awaitRouted(type, data, o.isolationEndpoints());
    b.awaitReceived("iso", healthy);
    b.awaitIdle(Duration.ofSeconds(60));
    b.resetReceiver();
    Publishing.Kind kind = new Publishing.Kind(type, data);

    CpuMeter.Snapshot cpuA = b.cpu();
    long a0 = System.currentTimeMillis();
    Publishing.Result phaseA =
        Publishing.paced(b.publisher, kind, o.isolationRate(), o.window(), "isoA-");
    long a1 = System.currentTimeMillis();
    var coresA = b.cores(cpuA);

    // the hang outlasts the webhook's timeout: the worker gives up first, every time
    b.receiver.configure("isohang", 0, (o.hangTimeoutSeconds() + 30) * 1000L);
    CpuMeter.Snapshot cpuB = b.cpu();
    long b0 = System.currentTimeMillis();
    Publishing.Result phaseB =
        Publishing.paced(b.publisher, kind, o.isolationRate(), o.window(), "isoB-");
    long b1 = System.currentTimeMillis();
    var coresB = b.cores(cpuB);
    ReceiverStats atEndOfB = b.receiver.stats("iso");

    b.receiver.configure("isohang", 0, 0);
    long expected = (phaseA.published() + phaseB.published()) * healthy;
    ReceiverStats drained =
        b.awaitDelivered("iso", expected, Duration.ofSeconds(o.hangTimeoutSeconds() + 30L));
    ReceiverStats hang = b.receiver.stats("isohang");

    double rateA = atEndOfB.rateBetween(a0, a1);
    double rateB = atEndOfB.rateBetween(b0, b1);
    double offered = o.isolationRate() * (double) healthy;
    double ratio = rateA == 0 ? 0 : rateB / rateA;
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("endpoints", o.isolationEndpoints());
    f.put("eventsPerSecond", o.isolationRate());
    f.put("offeredToHealthyPerSecond", Math.round(offered));
    f.put("windowSeconds", o.window().toSeconds());
    f.put("hangTimeoutSeconds", o.hangTimeoutSeconds());
    f.put("healthyPerSecondWithoutHang", Math.round(rateA));
    f.put("healthyPerSecondWithHang", Math.round(rateB));
    f.put("ratio", Math.round(ratio * 1000) / 1000.0);
    f.put("healthyExpected", expected);
    f.put("healthyDelivered", drained.count());
    f.put("healthyLatencyP99Ms", drained.percentile(99));
    f.put("healthyLatencyMaxMs", drained.max());
    f.put("hangingEndpointRequests", hang.count());
    f.put("cpuWithoutHang", CpuMeter.format(coresA));
    String headline =
        String.format(
            "the 99 kept %.0f%% of their rate (%,.0f/s with the hang, %,.0f/s without; offered %,.0f/s)",
            ratio * 100, rateB, rateA, offered);
    return new ScenarioResult(
        "isolation",
        "One endpoint of " + o.isolationEndpoints() + " hangs until its timeout",
        headline,
        ">= " + Math.round(TARGET_RATIO * 100) + " %",
        ratio >= TARGET_RATIO ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL,
        f,
        coresB,
        Bench.bound(coresB));
  }
}
