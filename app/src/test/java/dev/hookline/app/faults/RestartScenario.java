package dev.hookline.app.faults;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A piece of infrastructure stopped in the middle of a stream of events and started again: two
 * webhooks on one receiver, the router, one worker JVM; the stream runs before, during and after
 * the outage; then every (event, webhook) pair must end {@code succeeded} with nobody restarting
 * anything but the stopped piece.
 */
final class RestartScenario {
  private static final Logger log = LoggerFactory.getLogger(RestartScenario.class);
  static final int EVENTS_PER_SECOND = 40;
  static final List<String> PATHS = List.of("/a", "/b");

  /** What came of it. */
  record Outcome(
      Map<String, Long> published,
      List<UUID> pairs,
      int duplicates,
      Faults.Latency latency,
      long firstRecordedAfterRestartNanos,
      long allRecordedAfterRestartNanos,
      long released) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d events x %d webhooks = %d deliveries, all succeeded, none half written; first"
              + " delivery recorded %s s after the restart, all %s s after; %d duplicates at the"
              + " receiver (%s%%); publish-to-receive %s; %d tasks released unacknowledged",
          published.size(),
          PATHS.size(),
          pairs.size(),
          Faults.seconds(firstRecordedAfterRestartNanos),
          Faults.seconds(allRecordedAfterRestartNanos),
          duplicates,
          Faults.percent(duplicates, pairs.size()),
          latency,
          released);
    }
  }

  /** The piece stopped and started again. */
  enum Piece {
    KAFKA(FaultStack::stopKafka, FaultStack::startKafka),
    POSTGRES(FaultStack::stopPostgres, FaultStack::startPostgres);

    private final Consumer<FaultStack> stop;
    private final Consumer<FaultStack> start;

    Piece(Consumer<FaultStack> stop, Consumer<FaultStack> start) {
      this.stop = stop;
      this.start = start;
    }

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private RestartScenario() {}

  /**
   * Runs the scenario on a stack of its own in {@code dir}; the piece is down for {@code outage}.
   */
  static Outcome run(Path dir, Piece piece, Duration outage) throws Exception {
    try (FaultStack stack = FaultStack.start(dir);
        HookReceiver receiver = new HookReceiver();
        Load load = new Load(stack.bootstrapServers())) {
      List<UUID> webhooks = new ArrayList<>();
      for (String path : PATHS)
        webhooks.add(stack.webhook(piece.id() + path, receiver.url(path), null));
      stack.startRouter();
      RoleJvm worker = stack.startWorker("worker-" + piece.id());
      load.warmUp(() -> receiver.count() > 0).start(EVENTS_PER_SECOND);
      Faults.awaitArrivals(receiver, 400);

      piece.stop.accept(stack);
      log.info(
          "{} stopped after {} requests received, {} events published",
          piece.id(),
          receiver.count(),
          load.published());
      hold(outage);
      piece.start.accept(stack);
      long restarted = System.nanoTime();
      Timestamp restartedAt = Timestamp.from(Instant.now());
      log.info("{} started again; {} events published so far", piece.id(), load.published());
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .alias("a delivery recorded after the restart")
          .until(() -> recordedSince(stack, restartedAt) > 0);
      long firstRecorded = System.nanoTime() - restarted;
      Faults.awaitPublished(load, load.published() + 10 * EVENTS_PER_SECOND);

      Map<String, Long> published = load.stop();
      List<UUID> pairs = Ledger.pairs(published.keySet(), webhooks);
      Ledger.awaitAllSucceeded(stack.db(), pairs, Duration.ofMinutes(3));
      long allRecorded = System.nanoTime() - restarted;

      Faults.assertRecoveredLosingNothing(stack, receiver, PATHS, published.keySet(), worker);
      int duplicates = PATHS.stream().mapToInt(receiver::duplicates).sum();
      Faults.Latency latency =
          Faults.latency(published, receiver.firstArrivals("/a"), receiver.firstArrivals("/b"));
      long released = (long) worker.metric("hookline_deliveries_total", "outcome=\"released\"");
      return new Outcome(
          published, pairs, duplicates, latency, firstRecorded, allRecorded, released);
    }
  }

  private static long recordedSince(FaultStack stack, Timestamp since) {
    return Ledger.count(
        stack.db(), "select count(*) from deliveries where updated_at >= ?", List.of(since));
  }

  /** The outage itself lasts this long: a fault's duration, not a wait for an outcome. */
  private static void hold(Duration outage) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(outage.toMillis());
  }
}
