package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.app.Assembly;
import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The router in a JVM of its own, assembled by app's {@code Assembly} as {@code hookline router}
 * assembles it, so that its heap and resident memory are its own (in the bench JVM they would be
 * mixed with the broker's). The bench starts one for the fan-out over tenants, and again to time a
 * restart.
 *
 * <p>Arguments: bootstrap servers, state dir. Prints {@code READY} once {@code start()} returned;
 * on the stdin line {@code stats} prints {@code STATS <json>} (its counters, when it reached {@code
 * RUNNING} and routed its first event, heap, resident memory, GC, CPU), on {@code gc} the same
 * after a full collection (the live heap); when stdin closes it stops the router and exits.
 */
public final class RouterMain {
  private static final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private static final AtomicLong runningAt = new AtomicLong();
  private static final AtomicLong firstRoutedAt = new AtomicLong();
  private static final AtomicLong heapPeak = new AtomicLong();
  private static volatile Router router;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: RouterMain <bootstrap> <state-dir>");
      System.exit(2);
    }
    router =
        Assembly.router(
            args[0],
            Map.of(),
            Path.of(args[1]),
            null,
            RouterConfig.DEFAULT_DEDUPLICATION_WINDOW,
            RouterConfig.FROM_CLUSTER,
            EventCatalog.load(),
            metrics);
    JvmFigures.sampleEvery("bench-router-sampler", 10, RouterMain::sample);
    router.start();
    System.out.println("READY");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "stats" -> printStats();
        case "gc" -> {
          System.gc();
          printStats();
        }
        default -> {}
      }
    }
    router.close();
    System.exit(0);
  }

  /** When the router first runs and first routes, and the heap's peak. */
  private static void sample() {
    long now = System.currentTimeMillis();
    Router r = router;
    if (runningAt.get() == 0 && r != null && r.state() == KafkaStreams.State.RUNNING)
      runningAt.set(now);
    if (firstRoutedAt.get() == 0 && counter("hookline.router.events") > 0) firstRoutedAt.set(now);
    heapPeak.accumulateAndGet(JvmFigures.heapUsed(), Math::max);
  }

  private static synchronized void printStats() {
    ObjectNode json = JvmFigures.now();
    json.put("events", counter("hookline.router.events"));
    json.put("tasks", counter("hookline.router.delivery.tasks"));
    json.put("state", router.state().name());
    json.put("startedAtMs", ManagementFactory.getRuntimeMXBean().getStartTime());
    json.put("runningAtMs", runningAt.get());
    json.put("firstRoutedAtMs", firstRoutedAt.get());
    json.put("heapUsedPeakMb", JvmFigures.mb(heapPeak.get()));
    System.out.println("STATS " + json);
    System.out.flush();
  }

  private static double counter(String name) {
    Counter c = metrics.find(name).counter();
    return c == null ? 0 : c.count();
  }
}
