package dev.hookline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the fault tests: progress gates and the figures they log. */
final class Faults {
  private Faults() {}

  /**
   * After every pair succeeded: each event reached each path, nothing is half written, every
   * success has its 2xx, and the worker and the router run on without having been restarted.
   */
  static void assertRecoveredLosingNothing(
      FaultStack stack,
      HookReceiver receiver,
      Collection<String> paths,
      Collection<String> published,
      RoleJvm worker) {
    for (String path : paths) assertThat(receiver.eventIds(path)).as(path).containsAll(published);
    assertThat(Ledger.halfWritten(stack.db())).as("half-written deliveries").isEmpty();
    assertThat(Ledger.succeededWithoutA2xx(stack.db())).isZero();
    assertThat(worker.isAlive()).isTrue();
    assertThat(worker.healthy()).isTrue();
    assertThat(stack.routerRunning()).as("router running").isTrue();
  }

  /** Waits until the receiver has had {@code n} requests: deliveries are flowing. */
  static void awaitArrivals(HookReceiver receiver, int n) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .alias("the receiver has " + n + " requests")
        .until(() -> receiver.count() >= n);
  }

  /** Waits until the load has published {@code n} events: it runs on during a fault. */
  static void awaitPublished(Load load, int n) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .alias(n + " events published")
        .until(() -> load.published() >= n);
  }

  /** Publish-to-first-receipt times of every (event, path): median and maximum. */
  record Latency(Duration median, Duration max) {
    @Override
    public String toString() {
      return "median " + seconds(median.toNanos()) + " s, max " + seconds(max.toNanos()) + " s";
    }
  }

  @SafeVarargs
  static Latency latency(Map<String, Long> published, Map<String, Long>... arrivals) {
    List<Long> nanos = new ArrayList<>();
    for (Map<String, Long> firsts : arrivals) {
      published.forEach(
          (id, at) -> {
            Long arrived = firsts.get(id);
            if (arrived != null) nanos.add(arrived - at);
          });
    }
    if (nanos.isEmpty()) return new Latency(Duration.ZERO, Duration.ZERO);
    Collections.sort(nanos);
    return new Latency(
        Duration.ofNanos(nanos.get(nanos.size() / 2)), Duration.ofNanos(nanos.getLast()));
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", TimeUnit.NANOSECONDS.toMillis(nanos) / 1000.0);
  }

  static String percent(long part, long whole) {
    return String.format(Locale.ROOT, "%.2f", whole == 0 ? 0.0 : 100.0 * part / whole);
  }
}
