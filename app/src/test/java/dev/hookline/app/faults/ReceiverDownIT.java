package dev.hookline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.DeliveryView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiver down (its port closed) for 2 minutes while events for it keep coming, then back (issue
 * #9). Its webhook has a shortened retry schedule (5 s, 10 s, 20 s, then 30 s), so no delivery runs
 * out of attempts within the outage; the default schedule's 5 minutes and more would only make the
 * test longer. Every delivery arrives after the receiver is back, through the retry timer; the
 * delivery log shows each failed attempt before the success; a good receiver alongside gets its
 * events on time throughout.
 *
 * <p>The worker's circuit breaker cools down 5 s, doubling up to 15 s ({@link #BREAKER}), instead
 * of 30 s doubling up to 10 minutes: with the defaults its cool-down had doubled to 120 s by the
 * end of the outage, and the test waited about 2 minutes more for the next probe (now 8 to 22 s).
 * The circuit still opens within the first second of the outage and stays open through it; its more
 * frequent probes add a few failed attempts (12 to 17 in all seen, against 9 to 11), still a small
 * share of the deliveries. The defaults' doubling is {@code worker/CircuitBreakersTest}'s to check.
 * The outage stays 2 minutes: this class runs beside the other fault tests, which take longer one
 * after the other, so a shorter one would not shorten the suite.
 *
 * <p>Mostly waiting, so it runs beside the other fault tests (the {@code faults} execution of
 * failsafe enables JUnit's parallel mode for this class only).
 */
@Execution(ExecutionMode.CONCURRENT)
class ReceiverDownIT {
  private static final Logger log = LoggerFactory.getLogger(ReceiverDownIT.class);
  private static final Duration OUTAGE = Duration.ofMinutes(2);
  private static final List<Integer> RETRY_SCHEDULE =
      List.of(5, 10, 20, 30, 30, 30, 30, 30, 30, 30);
  private static final int EVENTS_PER_SECOND = 10;
  private static final Set<String> REFUSED = Set.of("connect", "io");
  private static final Map<String, String> BREAKER =
      Map.of(
          "HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS", "5",
          "HOOKLINE_WORKER_BREAKER_MAX_COOLDOWN_SECONDS", "15");

  @TempDir Path dir;

  @Test
  void everyDeliveryArrivesThroughRetriesAfterATwoMinuteOutage() throws Exception {
    try (FaultStack stack = FaultStack.start(dir);
        HookReceiver down = new HookReceiver();
        HookReceiver good = new HookReceiver();
        Load load = new Load(stack.bootstrapServers())) {
      UUID downHook = stack.webhook("down", down.url("/down"), RETRY_SCHEDULE);
      UUID goodHook = stack.webhook("good", good.url("/good"), null);
      stack.startRouter();
      RoleJvm worker = stack.startWorker("worker-receiver-down", BREAKER);
      load.warmUp(() -> down.count() > 0 && good.count() > 0);

      down.down();
      long downAt = System.nanoTime();
      int warmUpEvents = load.published();
      load.start(EVENTS_PER_SECOND);
      Faults.awaitPublished(load, warmUpEvents + 30 * EVENTS_PER_SECOND);
      Map<String, Long> published = load.stop();
      List<String> outageEvents =
          published.entrySet().stream()
              .filter(e -> e.getValue() > downAt)
              .map(Map.Entry::getKey)
              .toList();
      Ledger.awaitAllSucceeded(
          stack.db(), Ledger.pairs(published.keySet(), List.of(goodHook)), Duration.ofSeconds(60));
      Faults.Latency goodLatency = Faults.latency(published, good.firstArrivals("/good"));
      // not held up: every event of the good receiver delivered while the other is still down
      // (its latency is a figure for the FAULT line, not a bound: CI machines are busy)
      assertThat(System.nanoTime())
          .as("the good receiver's events all delivered during the outage")
          .isLessThan(downAt + OUTAGE.toNanos());

      holdUntil(downAt + OUTAGE.toNanos());
      down.up();
      long upAt = System.nanoTime();
      Instant upInstant = Instant.now();
      List<UUID> outagePairs = Ledger.pairs(outageEvents, List.of(downHook));
      Ledger.awaitAllSucceeded(stack.db(), outagePairs, Duration.ofMinutes(4));
      long recovered = System.nanoTime() - upAt;

      assertThat(down.eventIds("/down")).containsAll(published.keySet());
      int failedAttempts = 0;
      int withFailures = 0;
      int maxAttempts = 0;
      for (UUID id : outagePairs) {
        DeliveryView delivery = stack.db().deliveries().find(id).orElseThrow();
        List<DeliveryView.AttemptView> attempts = delivery.attempts();
        DeliveryView.AttemptView last = attempts.getLast();
        assertThat(last.statusCode()).as("last attempt of %s", id).isEqualTo(200);
        assertThat(last.trigger()).as("a retry delivered %s", id).isEqualTo("retry");
        assertThat(last.startedAt()).as("delivered after the outage").isAfter(upInstant);
        List<DeliveryView.AttemptView> failed = attempts.subList(0, attempts.size() - 1);
        assertThat(failed)
            .as("the failed attempts of %s", id)
            .allSatisfy(a -> assertThat(a.statusCode()).isNull())
            .allSatisfy(a -> assertThat(a.errorClass()).isIn(REFUSED))
            .allSatisfy(a -> assertThat(a.startedAt()).isBefore(upInstant));
        failedAttempts += failed.size();
        if (!failed.isEmpty()) withFailures++;
        maxAttempts = Math.max(maxAttempts, attempts.size());
      }
      // the failed attempts are in the log, and the open circuit spared most deliveries one: later
      // tasks waited without spending an attempt (how many failed before it opened varies with the
      // four consumers' timing: 9 to 11 seen; then one per failed probe: 12 to 17 in all seen at
      // a 5 s cool-down doubling up to 15 s)
      assertThat(failedAttempts).isPositive().isLessThan(outagePairs.size() / 2);
      assertThat(Ledger.halfWritten(stack.db())).isEmpty();
      assertThat(worker.healthy()).isTrue();
      log.info(
          "FAULT receiver down {} s: {} events published during the outage, all delivered after it"
              + " through retries, {} s after the receiver came back; {} failed attempts logged"
              + " on {} deliveries (at most {} attempts), the others deferred by the open circuit"
              + " without spending an attempt; {} duplicates; good receiver alongside: {}",
          OUTAGE.toSeconds(),
          outageEvents.size(),
          Faults.seconds(recovered),
          failedAttempts,
          withFailures,
          maxAttempts,
          down.duplicates("/down"),
          goodLatency);
    }
  }

  /** The outage lasts until then: a fault's duration, not a wait for an outcome. */
  private static void holdUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
  }
}
