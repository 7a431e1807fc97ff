package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.app.Assembly;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import dev.hookline.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One dispatcher worker in a JVM of its own, assembled by app's {@code Assembly} as {@code hookline
 * worker} assembles it ({@code maxInFlight} in flight, loopback allow-listed, the store's pool of
 * 10, the share group lag gauge), against the bench's broker and PostgreSQL; the bench chooses the
 * consumers and a 2 s shutdown grace. The bench starts one per worker of a scenario.
 *
 * <p>Arguments: bootstrap servers, JDBC URL, database user, worker id, max in flight, consumers,
 * then any {@code KEY=VALUE} Kafka client properties, given to the worker as a deployment's
 * consumer properties (the bench's {@code --worker-consumer-properties}); the encryption key and
 * the database password come in {@code HOOKLINE_SECRET_KEY} and {@code HOOKLINE_DB_PASSWORD}.
 * Prints {@code READY} once started; on the stdin line {@code stats} prints {@code STATS <json>}
 * (heap, RSS, GC, CPU; the heap and RSS peaks since the previous {@code stats}); when stdin closes
 * it stops the worker, prints a last {@code STATS} and exits.
 */
public final class WorkerMain {
  /** The pool size {@code hookline worker} uses by default (HOOKLINE_DB_POOL_SIZE). */
  static final int DB_POOL_SIZE = 10;

  private static final AtomicLong heapPeak = new AtomicLong();
  private static final AtomicLong rssPeakKb = new AtomicLong();

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println(
          "usage: WorkerMain <bootstrap> <jdbc-url> <db-user> <worker-id> <max-in-flight>"
              + " <consumers> [KEY=VALUE ...]");
      System.exit(2);
    }
    Map<String, String> consumerProperties = new LinkedHashMap<>();
    for (int i = 6; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        System.err.println("WorkerMain: a Kafka client property must be KEY=VALUE: " + args[i]);
        System.exit(2);
      }
      consumerProperties.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    String key = System.getenv("HOOKLINE_SECRET_KEY");
    String password = System.getenv().getOrDefault("HOOKLINE_DB_PASSWORD", "");
    JvmFigures.sampleEvery("bench-memory-sampler", 100, WorkerMain::sample);
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
              .consumerProperties(consumerProperties)
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
    heapPeak.accumulateAndGet(JvmFigures.heapUsed(), Math::max);
    rssPeakKb.accumulateAndGet(JvmFigures.procStatusKb("VmRSS"), Math::max);
  }

  private static synchronized void printStats() {
    ObjectNode json = JvmFigures.now();
    long heap = json.get("heapUsedMb").asLong() * 1024 * 1024;
    json.put("heapUsedPeakMb", JvmFigures.mb(Math.max(heapPeak.getAndSet(heap), heap)));
    long rss = JvmFigures.procStatusKb("VmRSS");
    json.put("rssPeakMb", Math.max(rssPeakKb.getAndSet(rss), rss) / 1024);
    System.out.println("STATS " + json);
    System.out.flush();
  }
}
