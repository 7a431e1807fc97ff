package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 4: the receiver answers after 200 ms, so one worker can do at most max-in-flight / 0.2 s
 * deliveries a second. For each worker count (largest first: the JVMs start together, then some
 * stop), a feeder keeps about a second of the ideal rate queued for a warm-up and the window, and
 * the receiver's arrivals over the window's whole seconds give the rate. Each step has its own
 * event type and webhooks (each event goes to all of them); they are deleted after the window, so
 * what is left queued is skipped. The curve should rise with the workers until the CPU is the
 * bound.
 *
 * <p>The worker JVMs of the largest step start together and cold: each compiles its hot code while
 * it delivers, and four compilers at once took most of a 2-core machine during that step's window.
 * So before the first step they deliver {@link #WARM_UP_PER_WORKER} each, answered at once
 * (unmeasured; not in {@code --quick}), and each step's CPU is taken over its window only.
 */
final class ScalingScenario {
  private static final List<String> TYPES =
      List.of(
          "customer_created",
          "customer_updated",
          "site_published",
          "domain_created",
          "membership_updated",
          "membership_expired",
          "confirm_email_address");

  /**
   * Deliveries each worker JVM makes before the first step, so that its hot code is compiled (the
   * first 60,000 of a throughput run cost a worker twice the CPU of the next 60,000).
   */
  static final int WARM_UP_PER_WORKER = 20_000;

  private ScalingScenario() {}

  static ScenarioResult run(Bench b) {
    BenchOptions o = b.options;
    double idealPerWorker = o.maxInFlight() * 1000.0 / o.scalingLatencyMs();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("receiverLatencyMs", o.scalingLatencyMs());
    f.put("maxInFlightPerWorker", o.maxInFlight());
    f.put("idealPerWorkerPerSecond", Math.round(idealPerWorker));
    f.put("windowSeconds", o.window().toSeconds());
    // Tasks are keyed by webhook id, and the share group gives each partition to one member while
    // there are fewer members than partitions: one webhook's tasks would all go to one worker. So
    // every event goes to several webhooks, spread over the partitions.
    int webhooks = 2 * o.partitions();
    f.put("webhooks", webhooks);
    // a worker JVM started for this step compiles its hot code first: measure after that
    Duration warmup = Duration.ofMillis(Math.min(5_000, o.window().toMillis() / 2));
    f.put("warmupSeconds", warmup.toMillis() / 1000.0);
    List<Integer> steps =
        o.scalingWorkers().stream().distinct().sorted(Comparator.reverseOrder()).toList();
    Map<Integer, Double> rates = new LinkedHashMap<>();
    Map<Integer, Boolean> cpuBound = new LinkedHashMap<>();
    Map<String, Double> largestStepCores = Map.of();
    if (!o.quick()) {
      long warmedUp = warmUp(b, TYPES.get(steps.size() % TYPES.size()), webhooks, steps.get(0));
      f.put("jvmWarmUpDeliveries", warmedUp);
    }
    for (int i = 0; i < steps.size(); i++) {
      int workers = steps.get(i);
      String type = TYPES.get(i % TYPES.size());
      String group = "scale" + workers;
      ObjectNode data = Payloads.of(b.stack.catalog(), type, o.payloadBytes());
      b.receiver.configure(group, o.scalingLatencyMs(), 0);
      List<UUID> ids = b.createWebhooks(List.of(type), group, webhooks, 0);
      b.ensureWorkers(workers);
      b.awaitRouted(type, data, webhooks);
      b.awaitReceived(group, webhooks);
      b.awaitIdle(Duration.ofSeconds(60));
      b.resetReceiver();
      Fed fed = feed(b, type, data, group, webhooks, workers * idealPerWorker, warmup, o.window());
      var cores = b.cores(fed.atWindow());
      ReceiverStats received = b.receiver.stats(group);
      // leftovers of this step: delete the webhooks, the workers skip their tasks; then the queue
      // is empty
      ids.forEach(id -> b.stack.db().webhooks().delete(id));
      b.awaitIdle(Duration.ofSeconds(120));
      long measured = received.firstMs() + warmup.toMillis();
      double rate = received.rateBetween(measured, measured + o.window().toMillis());
      boolean bound =
          cores.getOrDefault("machine", 0.0) >= 0.9 * Runtime.getRuntime().availableProcessors();
      rates.put(workers, rate);
      cpuBound.put(workers, bound);
      if (i == 0) largestStepCores = cores;
      f.put("workers" + workers + "PerSecond", Math.round(rate));
      f.put("workers" + workers + "Ideal", Math.round(workers * idealPerWorker));
      f.put(
          "workers" + workers + "Published",
          fed.events() + " events, " + fed.events() * webhooks + " deliveries");
      f.put("workers" + workers + "LatencyP50Ms", received.percentile(50));
      f.put("workers" + workers + "Cpu", CpuMeter.format(cores));
      f.put("workers" + workers + "CpuBound", bound);
      // over the window (the CPU from its start to the end of the feed)
      f.put(
          "workers" + workers + "MachineCpuMicrosPerDelivery",
          CpuPerDelivery.machine(CpuPerDelivery.micros(cores, rate)));
    }
    // rising: each step at least 10 % above the smaller one, unless the CPU had become the bound
    boolean rising = true;
    List<Integer> ascending = new ArrayList<>(rates.keySet());
    ascending.sort(Comparator.naturalOrder());
    for (int i = 1; i < ascending.size(); i++) {
      int smaller = ascending.get(i - 1);
      int larger = ascending.get(i);
      if (!cpuBound.get(larger) && rates.get(larger) < rates.get(smaller) * 1.1) rising = false;
    }
    List<String> curve =
        ascending.stream().map(w -> String.format("%d: %,.0f/s", w, rates.get(w))).toList();
    return new ScenarioResult(
        "scaling",
        "Scaling the share group, receiver at " + o.scalingLatencyMs() + " ms",
        "deliveries/s by worker processes: " + String.join(", ", curve),
        "rises with workers until the CPU is the bound",
        rising ? ScenarioResult.Verdict.PASS : ScenarioResult.Verdict.FAIL,
        f,
        largestStepCores,
        Bench.bound(largestStepCores) + " (at " + steps.get(0) + " workers)");
  }

  /**
   * Worker JVMs fresh from their start deliver {@code WARM_UP_PER_WORKER} each, answered at once,
   * to webhooks deleted afterwards. Returns the deliveries received.
   */
  private static long warmUp(Bench b, String type, int webhooks, int workers) {
    String group = "scale-warm";
    ObjectNode data = Payloads.of(b.stack.catalog(), type, b.options.payloadBytes());
    b.receiver.configure(group, 0, 0);
    List<UUID> ids = b.createWebhooks(List.of(type), group, webhooks, 0);
    b.ensureWorkers(workers);
    b.awaitRouted(type, data, webhooks);
    b.awaitReceived(group, webhooks);
    b.resetReceiver();
    long events = (long) WARM_UP_PER_WORKER * workers / webhooks;
    var unused =
        Publishing.backlog(
            b.publisher, List.of(new Publishing.Kind(type, data)), events, group + "-");
    ReceiverStats received = b.awaitDelivered(group, events * webhooks, Duration.ofSeconds(30));
    ids.forEach(id -> b.stack.db().webhooks().delete(id));
    b.awaitIdle(Duration.ofSeconds(120));
    return received.count();
  }

  /**
   * What a step's feed did: the events it published, and the CPU when its window began (the warm-up
   * after the first arrival had passed).
   */
  private record Fed(long events, CpuMeter.Snapshot atWindow) {}

  /**
   * Keeps about a second of the ideal rate published but not yet received, until the warm-up and
   * the window have passed since the first arrival.
   */
  private static Fed feed(
      Bench b,
      String type,
      ObjectNode data,
      String group,
      int perEvent,
      double idealPerSecond,
      Duration warmup,
      Duration window) {
    long queued = Math.max(2_000, Math.round(idealPerSecond)); // deliveries
    long chunk = Math.max(20, queued / 5 / perEvent); // events
    Publishing.Kind kind = new Publishing.Kind(type, data);
    long published = 0;
    long firstArrival = 0;
    CpuMeter.Snapshot atWindow = b.cpu();
    boolean windowBegun = false;
    long span = warmup.plus(window).toNanos();
    long deadline = System.nanoTime() + span + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      long received = b.receiver.count(group);
      if (received > 0 && firstArrival == 0) firstArrival = System.nanoTime();
      if (firstArrival != 0
          && !windowBegun
          && System.nanoTime() - firstArrival >= warmup.toNanos()) {
        atWindow = b.cpu();
        windowBegun = true;
      }
      if (firstArrival != 0 && System.nanoTime() - firstArrival > span + 500_000_000L) break;
      if (published * perEvent - received < queued) {
        for (int i = 0; i < chunk; i++) {
          // completion is observed through the receiver's count, not per event
          var unused = b.publisher.publish(kind.type(), kind.data(), group + "-" + published++);
        }
      } else {
        Bench.sleep(20);
      }
    }
    b.publisher.flush();
    return new Fed(published, atWindow);
  }
}
