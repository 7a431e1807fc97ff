package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 1 (and 7): a backlog of events, each to W webhooks, published as fast as the publisher
 * goes while the workers deliver; every attempt recorded in PostgreSQL. The rate is the receiver's:
 * arrivals per second over the run's whole seconds. Scenario 7 reads the first worker's heap, RSS
 * and GC over the first run.
 *
 * <p>The first run starts with an unmeasured backlog ({@code --throughput-warm-up}): on cold JVMs
 * half of the machine's CPU per delivery was JIT compilation (the first of two identical runs took
 * twice the second's), so without it the first run measured the compilers, not the pipeline. Its
 * rate and CPU per delivery are still reported, as the cold figures.
 */
final class ThroughputScenario {
  static final double TARGET_PER_SECOND = 10_000;

  /** One event type per run, so that each run's webhooks see only its own events. */
  private static final List<String> TYPES =
      List.of(
          "payment_received",
          "payment_updated",
          "payment_failed",
          "renewal_payment_created",
          "invoice_sent");

  private ThroughputScenario() {}

  static List<ScenarioResult> run(Bench b) {
    List<ScenarioResult> results = new ArrayList<>();
    List<Integer> runs = b.options.webhooksPerEvent();
    for (int i = 0; i < runs.size(); i++) {
      int perEvent = runs.get(i);
      String type = TYPES.get(i % TYPES.size());
      try {
        results.addAll(
            runOne(b, type, perEvent, i == 0, i == 0 ? b.options.throughputWarmUpEvents() : 0));
      } catch (Exception e) {
        results.add(ScenarioResult.error("throughput-" + perEvent, title(perEvent), e));
      }
    }
    return results;
  }

  private static String title(int perEvent) {
    return "Throughput, " + perEvent + " webhook" + (perEvent == 1 ? "" : "s") + " per event";
  }

  private static List<ScenarioResult> runOne(
      Bench b, String type, int perEvent, boolean measureMemory, long warmUpEvents) {
    BenchOptions o = b.options;
    String group = "tp" + perEvent;
    ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
    b.receiver.configure(group, o.receiverLatencyMs(), 0);
    List<UUID> webhooks = b.createWebhooks(List.of(type), group, perEvent, 0);
    b.ensureWorkers(o.workers());
    b.awaitRouted(type, data, perEvent);
    b.awaitReceived(group, perEvent);
    b.awaitIdle(Duration.ofSeconds(60));
    Map<String, Object> cold = warmUp(b, type, data, group, perEvent, warmUpEvents);
    Instant since = b.resetReceiver();
    WorkerStats memoryBefore = b.workers.get(0).stats();
    CpuMeter.Snapshot cpu = b.cpu();
    Map<String, Long> requests = BrokerRequests.snapshot();
    long commits = PostgresCommits.snapshot(b.stack.db());
    long expected = o.events() * perEvent;

    Publishing.Result published =
        Publishing.backlog(
            b.publisher, List.of(new Publishing.Kind(type, data)), o.events(), group + "-");
    ReceiverStats received = b.awaitDelivered(group, expected, Duration.ofSeconds(30));
    CpuMeter.Snapshot cpuAfter = b.cpu();
    Map<String, Long> requestsAfter = BrokerRequests.snapshot();
    Map<String, Double> cores = b.cores(cpu, cpuAfter);
    Map<String, Double> jitAndGc = CpuMeter.jitAndGcCores(cpu, cpuAfter);
    Bench.Recorded recorded = b.awaitRecorded(webhooks, since, expected, Duration.ofSeconds(120));
    long commitsAfter = PostgresCommits.snapshot(b.stack.db());
    WorkerStats memoryAfter = b.workers.get(0).stats();

    double sustained = received.sustainedRate();
    boolean complete =
        received.count() >= expected
            && recorded.succeeded() == expected
            && recorded.attempts() >= expected;
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("events", o.events());
    f.put("eventType", type);
    f.put("webhooksPerEvent", perEvent);
    f.put("payloadBytes", Payloads.size(data));
    f.put("workers", o.workers());
    f.put("deliveriesExpected", expected);
    f.put("deliveriesReceived", received.count());
    f.put("deliveriesRecordedSucceeded", recorded.succeeded());
    f.put("attemptsRecorded", recorded.attempts());
    f.put("publishFailures", published.failed());
    f.put("publishedPerSecond", Math.round(published.perSecond()));
    f.put("sustainedPerSecond", Math.round(sustained));
    f.put("overallPerSecond", Math.round(received.overallRate()));
    f.put("firstToLastSeconds", (received.lastMs() - received.firstMs()) / 1000.0);
    f.put("latencyP50Ms (queueing: backlog)", received.percentile(50));
    f.put("latencyMaxMs", received.max());
    f.put("workerHeapPeakMb", memoryAfter.heapUsedPeakMb());
    Map<String, Long> cpuPerDelivery = CpuPerDelivery.micros(cores, sustained);
    f.put("machineCpuMicrosPerDelivery", CpuPerDelivery.machine(cpuPerDelivery));
    f.put("cpuMicrosPerDelivery", cpuPerDelivery);
    // inside the figures above: how much of them was our JVMs compiling and collecting
    f.put(
        "jitAndGcMicrosPerDelivery (all JVMs, inside the parts)",
        CpuPerDelivery.each(jitAndGc, sustained));
    // counts, not times: they hold still when the machine is busy
    f.putAll(BrokerRequests.figures(requests, requestsAfter, received.count()));
    f.putAll(PostgresCommits.figures(commits, commitsAfter, received.count()));
    f.putAll(cold);
    boolean pass = complete && sustained >= TARGET_PER_SECOND;
    String headline =
        String.format(
            "%,.0f deliveries/s sustained (%,d of %,d delivered, %,d recorded); %s",
            sustained,
            received.count(),
            expected,
            recorded.succeeded(),
            CpuPerDelivery.phrase(cpuPerDelivery));
    List<ScenarioResult> results = new ArrayList<>();
    results.add(
        new ScenarioResult(
            "throughput-" + perEvent,
            title(perEvent),
            headline,
            String.format(">= %,.0f/s, all delivered and recorded", TARGET_PER_SECOND),
            pass ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL,
            f,
            cores,
            Bench.bound(cores)));
    if (measureMemory) results.add(memory(b, memoryBefore, memoryAfter, received));
    return results;
  }

  /**
   * Delivers {@code events} events of the run's kind, unmeasured but for the cold figures it
   * returns, and waits until the share group has acknowledged them all.
   */
  private static Map<String, Object> warmUp(
      Bench b, String type, ObjectNode data, String group, int perEvent, long events) {
    Map<String, Object> f = new LinkedHashMap<>();
    if (events == 0) return f;
    b.resetReceiver();
    CpuMeter.Snapshot cpu = b.cpu();
    Publishing.backlog(
        b.publisher, List.of(new Publishing.Kind(type, data)), events, group + "-warm-");
    ReceiverStats received = b.awaitDelivered(group, events * perEvent, Duration.ofSeconds(30));
    CpuMeter.Snapshot cpuAfter = b.cpu();
    Map<String, Long> cold =
        CpuPerDelivery.micros(b.cores(cpu, cpuAfter), received.sustainedRate());
    b.awaitIdle(Duration.ofSeconds(60));
    f.put("warmUpEvents (unmeasured, cold JVMs)", events);
    f.put("warmUpDeliveriesReceived", received.count());
    f.put("warmUpSustainedPerSecond", Math.round(received.sustainedRate()));
    f.put("warmUpMachineCpuMicrosPerDelivery", CpuPerDelivery.machine(cold));
    f.put(
        "warmUpJitAndGcMicrosPerDelivery",
        CpuPerDelivery.each(CpuMeter.jitAndGcCores(cpu, cpuAfter), received.sustainedRate()));
    return f;
  }

  /** Scenario 7: the first worker's memory over the run just made. */
  private static ScenarioResult memory(
      Bench b, WorkerStats before, WorkerStats after, ReceiverStats run) {
    long full = after.fullGcsSince(before);
    long gcTime = after.gcTimeMsSince(before);
    double seconds = Math.max(0.001, (run.lastMs() - run.firstMs()) / 1000.0);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("workerHeapOption", "-Xmx" + b.options.workerHeap());
    f.put("heapMaxMb", after.heapMaxMb());
    f.put("heapUsedPeakMb", after.heapUsedPeakMb());
    f.put("heapCommittedMb", after.heapCommittedMb());
    f.put("rssPeakMb", after.rssPeakMb());
    f.put("rssMb", after.rssMb());
    f.put("collectors", after.collectors());
    f.put("gcCount", after.gcCountSince(before));
    f.put("fullGcCount", full);
    f.put("gcTimeMs", gcTime);
    f.put("gcTimePercent", Math.round(gcTime / 10.0 / seconds * 10) / 10.0);
    f.put("workerCpuSeconds", (after.cpuMs() - before.cpuMs()) / 1000.0);
    boolean pass = full == 0 && b.workers.get(0).isAlive();
    String headline =
        String.format(
            "heap peak %d of %d MB, RSS peak %d MB, %d GCs (%d full), GC %.1f%% of the run",
            after.heapUsedPeakMb(),
            after.heapMaxMb(),
            after.rssPeakMb(),
            after.gcCountSince(before),
            full,
            gcTime / 10.0 / seconds);
    return new ScenarioResult(
        "memory",
        "Memory of the worker under throughput-" + b.options.webhooksPerEvent().get(0),
        headline,
        "-Xmx" + b.options.workerHeap() + ", no full GC",
        pass ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL,
        f,
        Map.of(),
        "");
  }
}
