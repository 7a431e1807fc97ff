package dev.hookline.bench;

import dev.hookline.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * What to run and how big. {@link #parse} reads the command line of {@code ./hookline bench};
 * {@link #defaults()} is the full run of issue 8, {@link #quick()} the under-a-minute one.
 *
 * @param scenarios which scenarios, in the order they run
 * @param events events per throughput run and for the publish scenario
 * @param webhooksPerEvent the throughput runs: one per entry (1 and 3 by default)
 * @param payloadBytes size of each event's data JSON
 * @param receiverLatencyMs how long the receiver takes to answer, except in the scaling scenario
 * @param workers worker processes for throughput, latency and isolation
 * @param scalingWorkers the worker counts of the scaling scenario
 * @param scalingLatencyMs the receiver's latency in the scaling scenario
 * @param duration how long the latency scenario publishes
 * @param warmUp how long the latency scenario publishes at its rate before it measures, so that the
 *     JVMs' code is compiled (cold, their C2 compilers take a quarter of the machine for minutes)
 * @param window how long each scaling step and each isolation phase measures
 * @param latencyRate events per second of the latency scenario
 * @param isolationEndpoints webhooks in the isolation scenario, one of which hangs
 * @param isolationRate events per second of the isolation scenario (each goes to every endpoint)
 * @param hangTimeoutSeconds the timeout of the hanging webhook
 * @param fanoutWebhooks webhooks of the fan-out scenario, spread over the catalog's types
 * @param fanoutEvents events the fan-out scenario publishes, spread over the catalog's types
 * @param fanoutTenants tenants of the fan-out over tenants (0 leaves it out), each with {@code
 *     tenantWebhooks} webhooks, in a router JVM of its own
 * @param tenantWebhooks webhooks per tenant in the fan-out over tenants
 * @param tenantEvents events the fan-out over tenants publishes, spread over the tenants
 * @param routerHeap -Xmx of the router JVM of the fan-out over tenants; empty for the JVM's default
 *     (a quarter of the machine's memory), as {@code hookline router} runs
 * @param maxInFlight each worker's max in flight, and the raw client's concurrency
 * @param consumers share consumers in each worker
 * @param workerHeap -Xmx of each worker JVM
 * @param partitions partitions of hookline.deliveries and the events topics
 * @param jfr record a JFR profile of every JVM into the data dir's {@code jfr/}
 * @param outDir where the JSON and Markdown results go
 * @param dataDir where the broker and PostgreSQL keep their data; null for a temporary directory
 * @param noisyBacklog tenant A's backlog in the noisy-tenant scenario
 * @param noisyRate tenant B's events per second in the noisy-tenant scenario
 * @param keepData keep the data dir (else it is deleted at the end)
 * @param fanoutFilters run the fan-out scenario once more with a payload filter on half of its
 *     webhooks
 * @param ingestEvents events of each form of the ingest scenario (single, each batch size)
 * @param ingestBatches the batch sizes of the ingest scenario
 * @param ingestConnections keep-alive connections of the ingest scenario's load generator
 * @param throughputWarmUpEvents events of the unmeasured backlog delivered before the first
 *     throughput run, so that it measures compiled code (every JVM's JIT), as the later runs do
 * @param workerConsumerProperties Kafka client properties each worker gets as a deployment's
 *     consumer properties (they win over the worker's own settings), so that a share consumer
 *     setting is measured without a rebuild; empty by default
 */
record BenchOptions(
    List<String> scenarios,
    long events,
    List<Integer> webhooksPerEvent,
    int payloadBytes,
    int receiverLatencyMs,
    int workers,
    List<Integer> scalingWorkers,
    int scalingLatencyMs,
    Duration duration,
    Duration warmUp,
    Duration window,
    int latencyRate,
    int isolationEndpoints,
    int isolationRate,
    int hangTimeoutSeconds,
    int fanoutWebhooks,
    int fanoutEvents,
    int fanoutTenants,
    int tenantWebhooks,
    int tenantEvents,
    String routerHeap,
    long noisyBacklog,
    int noisyRate,
    int maxInFlight,
    int consumers,
    String workerHeap,
    int partitions,
    boolean jfr,
    boolean quick,
    Path outDir,
    Path dataDir,
    boolean keepData,
    boolean fanoutFilters,
    long ingestEvents,
    List<Integer> ingestBatches,
    int ingestConnections,
    long throughputWarmUpEvents,
    Map<String, String> workerConsumerProperties) {

  static final List<String> ALL =
      List.of(
          "throughput",
          "raw",
          "latency",
          "isolation",
          "noisy-tenant",
          "scaling",
          "fanout",
          "publish",
          "ingest");

  BenchOptions {
    scenarios = List.copyOf(scenarios);
    webhooksPerEvent = List.copyOf(webhooksPerEvent);
    scalingWorkers = List.copyOf(scalingWorkers);
    ingestBatches = List.copyOf(ingestBatches);
    workerConsumerProperties = Map.copyOf(workerConsumerProperties);
  }

  static BenchOptions defaults() {
    return new BenchOptions(
        ALL,
        200_000,
        List.of(1, 3),
        1024,
        0,
        1,
        List.of(1, 2, 4),
        200,
        Duration.ofSeconds(60),
        Duration.ofSeconds(120),
        Duration.ofSeconds(20),
        1000,
        100,
        20,
        15,
        10_000,
        1_500,
        100_000,
        10,
        100_000,
        "",
        100_000,
        50,
        200,
        WorkerConfig.DEFAULT_CONSUMERS,
        "512m",
        6,
        false,
        false,
        Path.of("bench", "results"),
        null,
        false,
        false,
        50_000,
        List.of(100, 1000),
        32,
        120_000,
        Map.of());
  }

  /**
   * Each scenario small: about 80 s in all on a quiet 2-core machine (the fan-out over tenants
   * starts two router JVMs).
   */
  static BenchOptions small() {
    BenchOptions d = defaults();
    return new BenchOptions(
        ALL,
        2_000,
        List.of(1, 3),
        1024,
        0,
        1,
        List.of(1, 2), // each worker start costs seconds: two steps show the rise
        200,
        Duration.ofSeconds(3),
        Duration.ZERO, // quick checks that the scenarios run, not how fast
        Duration.ofSeconds(2),
        1000,
        100,
        10,
        2,
        300,
        200,
        100,
        10,
        1_000,
        "",
        2_000,
        50,
        200,
        WorkerConfig.DEFAULT_CONSUMERS,
        "512m",
        6,
        false,
        true,
        d.outDir(),
        null,
        false,
        false,
        2_000,
        List.of(100),
        32,
        200, // quick: the code path, not a warm JIT
        Map.of());
  }

  static final String USAGE =
      """
      usage: hookline bench [--quick] [options]
        --quick                 every scenario small: about 90 s in all
        --scenarios LIST        comma-separated, from: throughput,raw,latency,isolation,noisy-tenant,
                                scaling,fanout,publish,ingest (default all)
        --events N              events per throughput run and for publish (default 200000; quick 2000)
        --throughput-warm-up N  events delivered unmeasured before the first throughput run (default 120000; quick 200; 0 for none)
        --webhooks LIST         webhooks per event, one throughput run each (default 1,3)
        --payload BYTES         size of each event's data JSON (default 1024)
        --receiver-latency MS   the receiver answers after MS (default 0; scaling uses --scaling-latency)
        --workers N             worker processes for throughput, latency, isolation (default 1)
        --scaling LIST          worker counts of the scaling scenario (default 1,2,4)
        --scaling-latency MS    the receiver's latency while scaling (default 200)
        --duration SECONDS      how long the latency scenario publishes (default 60; quick 3)
        --warm-up SECONDS       the latency scenario's unmeasured lead-in at its rate (default 120; quick 0)
        --window SECONDS        each scaling step and isolation phase (default 20; quick 2)
        --rate N                events/s of the latency scenario (default 1000)
        --isolation-rate N      events/s of the isolation scenario, each to every endpoint (default 20; quick 10)
        --hang-timeout SECONDS  timeout of the hanging webhook in isolation (default 15; quick 2)
        --fanout-webhooks N     webhooks of the fan-out scenario (default 10000; quick 300)
        --fanout-events N       events of the fan-out scenario (default 1500; quick 200)
        --fanout-filters        run fan-out once more with a payload filter on half of its webhooks
        --fanout-tenants N      tenants of the fan-out over tenants, 0 to leave it out (default 100000; quick 100)
        --tenant-webhooks N     webhooks per tenant (default 10)
        --tenant-events N       events of the fan-out over tenants (default 100000; quick 1000)
        --router-heap SIZE      -Xmx of its router JVM (default: the JVM's, a quarter of the memory)
        --noisy-backlog N       tenant A's backlog in noisy-tenant (default 100000; quick 2000)
        --noisy-rate N          tenant B's events/s in noisy-tenant (default 50)
        --max-in-flight N       per worker, and the raw client's concurrency (default 200)
        --consumers N           share consumers in each worker (default 4)
        --worker-heap SIZE      -Xmx of each worker JVM (default 512m)
        --worker-consumer-properties LIST
                                Kafka client properties for each worker, as a deployment's (they win),
                                comma-separated KEY=VALUE, e.g. fetch.min.bytes=16384,fetch.max.wait.ms=10
        --ingest-events N       events of each ingest form, single and each batch size (default 50000; quick 2000)
        --ingest-batches LIST   events per request of the ingest batch runs (default 100,1000; quick 100)
        --ingest-connections N  keep-alive connections of the ingest load (default 32)
        --jfr                   record a JFR profile of every JVM (into the data dir's jfr/)
        --out DIR               where results go (default bench/results)
        --data-dir DIR          broker and PostgreSQL data (default: a temporary directory, deleted after)
        --keep-data             keep the data dir
      """;

  /**
   * Parses the command line; throws {@link IllegalArgumentException} with a clear message on bad
   * input.
   */
  static BenchOptions parse(String[] args, Path defaultOut) {
    boolean quick = List.of(args).contains("--quick");
    BenchOptions o = quick ? small() : defaults();
    Map<String, Object> v = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--quick")) continue;
      if (arg.equals("--jfr") || arg.equals("--keep-data") || arg.equals("--fanout-filters")) {
        v.put(arg, true);
        continue;
      }
      if (!arg.startsWith("--"))
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(0, eq) : arg;
      String value;
      if (eq > 0) {
        value = arg.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
        value = args[++i];
      }
      v.put(name, value);
    }
    Path out = defaultOut == null ? o.outDir() : defaultOut;
    BenchOptions parsed =
        new BenchOptions(
            v.containsKey("--scenarios")
                ? scenarios((String) v.remove("--scenarios"))
                : o.scenarios(),
            longOf(v, "--events", o.events(), 1, 100_000_000),
            v.containsKey("--webhooks")
                ? ints((String) v.remove("--webhooks"), "--webhooks", 1, 100)
                : o.webhooksPerEvent(),
            (int) longOf(v, "--payload", o.payloadBytes(), 300, 200_000),
            (int) longOf(v, "--receiver-latency", o.receiverLatencyMs(), 0, 60_000),
            (int) longOf(v, "--workers", o.workers(), 1, 16),
            v.containsKey("--scaling")
                ? ints((String) v.remove("--scaling"), "--scaling", 1, 16)
                : o.scalingWorkers(),
            (int) longOf(v, "--scaling-latency", o.scalingLatencyMs(), 1, 10_000),
            Duration.ofSeconds(longOf(v, "--duration", o.duration().toSeconds(), 1, 3600)),
            Duration.ofSeconds(longOf(v, "--warm-up", o.warmUp().toSeconds(), 0, 600)),
            Duration.ofSeconds(longOf(v, "--window", o.window().toSeconds(), 1, 3600)),
            (int) longOf(v, "--rate", o.latencyRate(), 1, 100_000),
            o.isolationEndpoints(),
            (int) longOf(v, "--isolation-rate", o.isolationRate(), 1, 10_000),
            (int) longOf(v, "--hang-timeout", o.hangTimeoutSeconds(), 1, 30),
            (int) longOf(v, "--fanout-webhooks", o.fanoutWebhooks(), 1, 100_000),
            (int) longOf(v, "--fanout-events", o.fanoutEvents(), 1, 1_000_000),
            (int) longOf(v, "--fanout-tenants", o.fanoutTenants(), 0, 1_000_000),
            (int) longOf(v, "--tenant-webhooks", o.tenantWebhooks(), 1, 100),
            (int) longOf(v, "--tenant-events", o.tenantEvents(), 1, 10_000_000),
            v.containsKey("--router-heap")
                ? heap((String) v.remove("--router-heap"), "--router-heap")
                : o.routerHeap(),
            longOf(v, "--noisy-backlog", o.noisyBacklog(), 1, 10_000_000),
            (int) longOf(v, "--noisy-rate", o.noisyRate(), 1, 10_000),
            (int) longOf(v, "--max-in-flight", o.maxInFlight(), 1, 10_000),
            (int) longOf(v, "--consumers", o.consumers(), 1, 64),
            v.containsKey("--worker-heap")
                ? heap((String) v.remove("--worker-heap"), "--worker-heap")
                : o.workerHeap(),
            o.partitions(),
            v.remove("--jfr") != null,
            quick,
            v.containsKey("--out") ? Path.of((String) v.remove("--out")) : out,
            v.containsKey("--data-dir") ? Path.of((String) v.remove("--data-dir")) : null,
            v.remove("--keep-data") != null,
            v.remove("--fanout-filters") != null,
            longOf(v, "--ingest-events", o.ingestEvents(), 1, 100_000_000),
            v.containsKey("--ingest-batches")
                ? ints((String) v.remove("--ingest-batches"), "--ingest-batches", 1, 1000)
                : o.ingestBatches(),
            (int) longOf(v, "--ingest-connections", o.ingestConnections(), 1, 1000),
            longOf(v, "--throughput-warm-up", o.throughputWarmUpEvents(), 0, 100_000_000),
            v.containsKey("--worker-consumer-properties")
                ? consumerProperties((String) v.remove("--worker-consumer-properties"))
                : o.workerConsumerProperties());
    if (!v.isEmpty())
      throw new IllegalArgumentException("unknown option " + v.keySet().iterator().next());
    return parsed;
  }

  private static long longOf(
      Map<String, Object> v, String name, long fallback, long min, long max) {
    Object raw = v.remove(name);
    if (raw == null) return fallback;
    try {
      long n = Long.parseLong(((String) raw).replace("_", ""));
      if (n < min || n > max) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
    }
  }

  private static List<Integer> ints(String raw, String name, int min, int max) {
    List<Integer> result = new ArrayList<>();
    for (String part : raw.split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n < min || n > max) throw new NumberFormatException();
        result.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must list whole numbers from " + min + " to " + max + ", was '" + raw + "'");
      }
    }
    return result;
  }

  private static List<String> scenarios(String raw) {
    List<String> result = new ArrayList<>();
    for (String part : raw.split(",")) {
      String s = part.trim().toLowerCase(java.util.Locale.ROOT);
      if (s.equals("memory")) s = "throughput"; // the memory figures come from the throughput run
      if (!ALL.contains(s))
        throw new IllegalArgumentException(
            "unknown scenario '" + part.trim() + "'; known: " + String.join(",", ALL));
      if (!result.contains(s)) result.add(s);
    }
    // always in the documented order: fan-out leaves a backlog no worker takes, publish stops the
    // router
    return ALL.stream().filter(result::contains).toList();
  }

  /**
   * {@code KEY=VALUE,...}: each key a Kafka consumer setting, each value of its type and within its
   * bounds (as the consumer would check it at the worker's start).
   */
  static Map<String, String> consumerProperties(String raw) {
    String name = "--worker-consumer-properties";
    Map<String, String> result = new LinkedHashMap<>();
    Map<String, ConfigDef.ConfigKey> keys = ConsumerConfig.configDef().configKeys();
    for (String part : raw.split(",")) {
      int eq = part.indexOf('=');
      String key = eq > 0 ? part.substring(0, eq).trim() : "";
      String value = eq > 0 ? part.substring(eq + 1).trim() : "";
      if (key.isEmpty() || value.isEmpty())
        throw new IllegalArgumentException(
            name + " must list KEY=VALUE pairs separated by commas, was '" + raw + "'");
      ConfigDef.ConfigKey known = keys.get(key);
      if (known == null)
        throw new IllegalArgumentException(
            name + ": '" + key + "' is not a Kafka consumer setting");
      try {
        Object parsed = ConfigDef.parseType(key, value, known.type);
        if (known.validator != null) known.validator.ensureValid(key, parsed);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
      result.put(key, value);
    }
    return result;
  }

  private static String heap(String raw, String name) {
    if (!raw.matches("[0-9]+[kKmMgG]?"))
      throw new IllegalArgumentException(name + " must look like 512m, was '" + raw + "'");
    return raw;
  }

  /** The options as the report shows them. */
  Map<String, Object> asMap() {
    BenchOptions o = this;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("quick", o.quick());
    m.put("scenarios", o.scenarios());
    m.put("events", o.events());
    m.put("throughputWarmUpEvents", o.throughputWarmUpEvents());
    m.put("webhooksPerEvent", o.webhooksPerEvent());
    m.put("payloadBytes", o.payloadBytes());
    m.put("receiverLatencyMs", o.receiverLatencyMs());
    m.put("workers", o.workers());
    m.put("scalingWorkers", o.scalingWorkers());
    m.put("scalingLatencyMs", o.scalingLatencyMs());
    m.put("durationSeconds", o.duration().toSeconds());
    m.put("warmUpSeconds", o.warmUp().toSeconds());
    m.put("windowSeconds", o.window().toSeconds());
    m.put("latencyRate", o.latencyRate());
    m.put("isolationEndpoints", o.isolationEndpoints());
    m.put("isolationRate", o.isolationRate());
    m.put("hangTimeoutSeconds", o.hangTimeoutSeconds());
    m.put("fanoutWebhooks", o.fanoutWebhooks());
    m.put("fanoutEvents", o.fanoutEvents());
    m.put("fanoutFilters", o.fanoutFilters());
    m.put("fanoutTenants", o.fanoutTenants());
    m.put("tenantWebhooks", o.tenantWebhooks());
    m.put("tenantEvents", o.tenantEvents());
    m.put("routerHeap", o.routerHeap().isEmpty() ? "JVM default" : o.routerHeap());
    m.put("noisyBacklog", o.noisyBacklog());
    m.put("noisyRate", o.noisyRate());
    m.put("maxInFlight", o.maxInFlight());
    m.put("consumers", o.consumers());
    m.put("workerHeap", o.workerHeap());
    m.put("partitions", o.partitions());
    m.put("ingestEvents", o.ingestEvents());
    m.put("ingestBatches", o.ingestBatches());
    m.put("ingestConnections", o.ingestConnections());
    m.put("workerConsumerProperties", o.workerConsumerProperties());
    return m;
  }
}
