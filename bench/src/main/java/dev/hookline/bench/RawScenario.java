package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scenario 2: the raw ceiling ({@link RawPoster}), one request per event of a throughput run, and
 * the first throughput run's sustained rate (throughput-1 by default) divided by this one.
 */
final class RawScenario {
  static final double TARGET_RATIO = 0.6;

  private RawScenario() {}

  static ScenarioResult run(Bench b) throws InterruptedException {
    BenchOptions o = b.options;
    String group = "raw";
    String type = "payment_received";
    ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
    b.receiver.configure(group, o.receiverLatencyMs(), 0);
    // connections and JIT: the workers have had the throughput runs for theirs
    RawPoster.post(
        b.receiver.uri(group, 0), type, data, Math.min(o.events(), 2_000), o.maxInFlight());
    b.resetReceiver();
    CpuMeter.Snapshot cpu = b.cpu();
    RawPoster.Result raw =
        RawPoster.post(b.receiver.uri(group, 0), type, data, o.events(), o.maxInFlight());
    ReceiverStats received = b.receiver.stats(group);
    var cores = b.cores(cpu);
    double ceiling = received.sustainedRate();

    Map<String, Object> f = new LinkedHashMap<>();
    f.put("requests", raw.requests());
    f.put("failures", raw.failures());
    f.put("received", received.count());
    f.put("concurrency", o.maxInFlight());
    f.put("sustainedPerSecond", Math.round(ceiling));
    f.put("clientPerSecond", Math.round(raw.perSecond()));
    f.put("latencyP50Ms", received.percentile(50));
    f.put("latencyP99Ms", received.percentile(99));
    // scenario 1 is the first throughput run (1 webhook per event by default)
    ScenarioResult tp1 =
        b.byName.values().stream()
            .filter(r -> r.name().startsWith("throughput-"))
            .findFirst()
            .orElse(null);
    Object pipeline = tp1 == null ? null : tp1.figures().get("sustainedPerSecond");
    String headline = String.format("%,.0f requests/s sustained", ceiling);
    ScenarioResult.Verdict verdict = ScenarioResult.Verdict.INFO;
    if (pipeline instanceof Number n && ceiling > 0) {
      double ratio = n.doubleValue() / ceiling;
      f.put("comparedWith", tp1.name());
      f.put("throughputPerSecond", n);
      f.put("ratioThroughputToRaw", Math.round(ratio * 1000) / 1000.0);
      headline += String.format("; %s / raw = %.2f", tp1.name(), ratio);
      verdict = ratio >= TARGET_RATIO ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL;
    }
    if (raw.failures() > 0 || received.count() < raw.requests())
      verdict = ScenarioResult.Verdict.FAIL;
    return new ScenarioResult(
        "raw",
        "Raw HTTP ceiling (no Kafka, no PostgreSQL)",
        headline,
        "throughput-1 / raw >= " + TARGET_RATIO,
        verdict,
        f,
        cores,
        Bench.bound(cores));
  }
}
