package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.producer.EventPublisher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 3's publishing throughput: one {@link EventPublisher} (validation on, acks=all, idempotent,
 * the default batching), one thread, 1 KB payloads, to the embedded broker. Runs with the router
 * and the workers stopped, so that only the publisher and the broker use the CPU.
 */
final class PublishScenario {
  static final double TARGET_PER_SECOND = 50_000;

  private PublishScenario() {}

  static ScenarioResult run(Bench b) {
    BenchOptions o = b.options;
    b.stopWorkers();
    b.stack.stopRouter();
    String type = "payment_received";
    ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
    List<Publishing.Kind> kinds = List.of(new Publishing.Kind(type, data));
    long warmup = Math.min(20_000, Math.max(1_000, o.events() / 10));
    try (EventPublisher publisher = b.stack.newPublisher("urn:hookline:bench-publish")) {
      Publishing.backlog(publisher, kinds, warmup, "warmup-"); // JIT, connections, metadata
      CpuMeter.Snapshot cpu = b.cpu();
      Publishing.Result result = Publishing.backlog(publisher, kinds, o.events(), "pub-");
      var cores = b.cores(cpu);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("events", result.published());
      f.put("warmupEvents", warmup);
      f.put("failed", result.failed());
      f.put("payloadBytes", Payloads.size(data));
      f.put("seconds", result.elapsedNanos() / 1e9);
      f.put("perSecond", Math.round(result.perSecond()));
      f.put("validation", true);
      if (result.firstError() != null) f.put("firstError", result.firstError());
      boolean pass = result.failed() == 0 && result.perSecond() >= TARGET_PER_SECOND;
      return new ScenarioResult(
          "publish",
          "Publishing from one EventPublisher, validation on",
          String.format(
              "%,.0f events/s (%,d events, %d failed)",
              result.perSecond(), result.published(), result.failed()),
          String.format(">= %,.0f/s", TARGET_PER_SECOND),
          pass ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL,
          f,
          cores,
          Bench.bound(cores));
    }
  }
}
