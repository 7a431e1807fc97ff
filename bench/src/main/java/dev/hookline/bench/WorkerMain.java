package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.app.Assembly;
import dev.hookline.schemas.Json;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import dev.hookline.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One dispatcher worker in a JVM of its own, assembled by app's {@code Assembly} as {@code hookline
 * worker} assembles it ({@code maxInFlight} in flight, loopback allow-listed, the store's pool of
 * 10, the share group lag gauge), against the bench's broker and PostgreSQL; the bench chooses the
 * consumers and a 2 s shutdown grace. The bench starts one per worker of a scenario.
 *
 * <p>Arguments: bootstrap servers, JDBC URL, database user, worker id, max in flight, consumers;
 * the encryption key and the database password come in {@code HOOKLINE_SECRET_KEY} and {@code
 * HOOKLINE_DB_PASSWORD}. Prints {@code READY} once started; on the stdin line {@code stats} prints
 * {@code STATS <json>} (heap, RSS, GC, CPU; the heap and RSS peaks since the previous {@code
 * stats}); when stdin closes it stops the worker, prints a last {@code STATS} and exits.
 */
public final class WorkerMain {
  /** The pool size {@code hookline worker} uses by default (HOOKLINE_DB_POOL_SIZE). */
  static final int DB_POOL_SIZE = 10;

  private static final AtomicLong heapPeak = new AtomicLong();
  private static final AtomicLong rssPeakKb = new AtomicLong();

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: WorkerMain <bootstrap> <jdbc-url> <db-user> <worker-id> <max-in-flight>"
              + " <consumers>");
      System.exit(2);
    }
    String key = System.getenv("HOOKLINE_SECRET_KEY");
    String password = System.getenv().getOrDefault("HOOKLINE_DB_PASSWORD", "");
    Thread.ofPlatform().daemon().name("bench-memory-sampler").start(WorkerMain::sample);
    try (Database db =
        Database.open(
            new DatabaseConfig(args[1], args[2], password, DB_POOL_SIZE),
            SecretCipher.fromBase64Key(key))) {
      WorkerConfig config =
          Assembly.workerConfig(
                  args[0],
                  args[3],
                  Integer.parseInt(args[4]),
                  // the receiver runs on loopback, which the SSRF guard refuses unless allow-listed
                  List.of("127.0.0.0/8", "::1/128"))
              .consumers(Integer.parseInt(args[5]))
              // the bench stops workers between scenarios; what is left is released to the others
              .shutdownGrace(Duration.ofSeconds(2))
              .build();
      Assembly.Worker worker = Assembly.worker(config, db, new SimpleMeterRegistry());
      System.out.println("READY");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.trim().equals("stats")) printStats();
      }
      worker.close();
    }
    printStats();
    System.exit(0);
  }

  private static void sample() {
    while (true) {
      heapPeak.accumulateAndGet(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      rssPeakKb.accumulateAndGet(procStatusKb("VmRSS"), Math::max);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static synchronized void printStats() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("heapUsedMb", mb(heap.getUsed()));
    json.put("heapUsedPeakMb", mb(Math.max(heapPeak.getAndSet(heap.getUsed()), heap.getUsed())));
    json.put("heapCommittedMb", mb(heap.getCommitted()));
    json.put("heapMaxMb", mb(heap.getMax()));
    long rss = procStatusKb("VmRSS");
    json.put("rssMb", rss / 1024);
    json.put("rssPeakMb", Math.max(rssPeakKb.getAndSet(rss), rss) / 1024);
    json.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    json.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      json.put("cpuMs", os.getProcessCpuTime() / 1_000_000);
    }
    ArrayNode gcs = json.putArray("gc");
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs.addObject()
          .put("name", gc.getName())
          .put("count", gc.getCollectionCount())
          .put("timeMs", gc.getCollectionTime());
    }
    System.out.println("STATS " + json);
    System.out.flush();
  }

  private static long mb(long bytes) {
    return bytes / (1024 * 1024);
  }

  /** A {@code kB} field of /proc/self/status (0 where there is none, e.g. not Linux). */
  static long procStatusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }
}
