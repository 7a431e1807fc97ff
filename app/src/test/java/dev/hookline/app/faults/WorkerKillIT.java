package dev.hookline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatcher workers killed with {@code kill -9} in the middle of a stream of events, twice (issue
 * #9; issue #5's "worker process killed mid-load"): two workers run as child JVMs; one is killed, a
 * replacement starts, the other original is killed. Every (event, webhook) pair ends {@code
 * succeeded}, every event reaches the receiver (at least once), and no delivery is half written.
 * The duplicates a receiver saw are counted and logged, not bounded: at-least-once means a task
 * whose attempt went out but was not recorded before the kill is sent again.
 */
class WorkerKillIT {
  private static final Logger log = LoggerFactory.getLogger(WorkerKillIT.class);
  private static final int EVENTS_PER_SECOND = 40;

  @TempDir Path dir;

  @Test
  void workersKilledMidLoadTwiceLoseNoDelivery() throws Exception {
    try (FaultStack stack = FaultStack.start(dir);
        HookReceiver receiver = new HookReceiver()) {
      List<UUID> webhooks =
          List.of(
              stack.webhook("kill-a", receiver.url("/a"), null),
              stack.webhook("kill-b", receiver.url("/b"), null));
      stack.startRouter();
      RoleJvm first = stack.startWorker("worker-1");
      RoleJvm second = stack.startWorker("worker-2");
      try (Load load = new Load(stack.bootstrapServers())) {
        load.warmUp(() -> receiver.count() > 0).start(EVENTS_PER_SECOND);
        Faults.awaitArrivals(receiver, 600);

        long firstKill = System.nanoTime();
        first.kill();
        log.info("killed {} after {} requests received", first.id(), receiver.count());
        RoleJvm replacement = stack.startWorker("worker-3");
        Faults.awaitArrivals(receiver, receiver.count() + 600);
        second.kill();
        long secondKill = System.nanoTime();
        log.info("killed {} after {} requests received", second.id(), receiver.count());
        Faults.awaitPublished(load, load.published() + 10 * EVENTS_PER_SECOND);

        Map<String, Long> published = load.stop();
        long stopped = System.nanoTime();
        List<UUID> pairs = Ledger.pairs(published.keySet(), webhooks);
        Ledger.awaitAllSucceeded(stack.db(), pairs, Duration.ofMinutes(3));
        long done = System.nanoTime();

        for (String path : List.of("/a", "/b")) {
          assertThat(receiver.eventIds(path)).as(path).containsAll(published.keySet());
        }
        assertThat(Ledger.halfWritten(stack.db())).isEmpty();
        assertThat(Ledger.succeededWithoutA2xx(stack.db())).isZero();
        assertThat(replacement.isAlive()).isTrue();
        int duplicates = receiver.duplicates("/a") + receiver.duplicates("/b");
        Faults.Latency latency =
            Faults.latency(published, receiver.firstArrivals("/a"), receiver.firstArrivals("/b"));
        log.info(
            "FAULT workers killed twice: {} events x {} webhooks = {} deliveries, all succeeded;"
                + " {} duplicates at the receiver ({}%); publish-to-receive {}; all recorded {} s"
                + " after the first kill, {} s after the second, {} s after the load stopped",
            published.size(),
            webhooks.size(),
            pairs.size(),
            duplicates,
            Faults.percent(duplicates, pairs.size()),
            latency,
            Faults.seconds(done - firstKill),
            Faults.seconds(done - secondKill),
            Faults.seconds(done - stopped));
      }
    }
  }
}
