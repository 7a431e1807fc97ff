package dev.hookline.app.faults;

import static dev.hookline.app.faults.BadReceiver.Behaviour.ENDLESS;
import static dev.hookline.app.faults.BadReceiver.Behaviour.ENDLESS_HEADERS;
import static dev.hookline.app.faults.BadReceiver.Behaviour.ENDLESS_HEADER_LINE;
import static dev.hookline.app.faults.BadReceiver.Behaviour.GARBAGE;
import static dev.hookline.app.faults.BadReceiver.Behaviour.RESET;
import static dev.hookline.app.faults.BadReceiver.Behaviour.RETRY_AFTER_OVERFLOW;
import static dev.hookline.app.faults.BadReceiver.Behaviour.SLOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receivers that misbehave at or below HTTP, under load (issues #9, #15): one answers slowly, one
 * answers bytes that are not HTTP, one resets every connection, one streams a body that never ends,
 * one a header line that never ends, one header fields that never end, one a 503 with {@code
 * Retry-After: 99999999999999999}. The worker, a child JVM with a 256 MB heap that exits on running
 * out of memory, stays alive and healthy throughout, keeps delivering every event to a good
 * receiver alongside, and records each misbehaviour as what it is.
 */
class BadReceiversIT {
  private static final Logger log = LoggerFactory.getLogger(BadReceiversIT.class);
  private static final int EVENTS_PER_SECOND = 20;
  private static final int EVENTS = 40 * EVENTS_PER_SECOND;

  /** Heap 256 MB; the rest is metaspace, code, thread stacks and direct buffers. */
  private static final long RESIDENT_LIMIT_KB = 640 * 1024;

  @TempDir Path dir;

  @Test
  void badReceiversNeitherHurtTheWorkerNorHoldUpAGoodOne() throws Exception {
    Map<BadReceiver.Behaviour, BadReceiver> bad = new EnumMap<>(BadReceiver.Behaviour.class);
    try (FaultStack stack = FaultStack.start(dir);
        HookReceiver good = new HookReceiver()) {
      UUID goodHook = stack.webhook("good", good.url("/good"), null);
      Map<BadReceiver.Behaviour, UUID> badHooks = new EnumMap<>(BadReceiver.Behaviour.class);
      for (BadReceiver.Behaviour b : BadReceiver.Behaviour.values()) {
        bad.put(b, new BadReceiver(b));
        badHooks.put(b, stack.webhook(b.name(), bad.get(b).url("/" + b), null));
      }
      stack.startRouter();
      RoleJvm worker = stack.startWorker("worker-bad", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

      AtomicInteger healthChecks = new AtomicInteger();
      AtomicLong residentPeakKb = new AtomicLong();
      try (Load load = new Load(stack.bootstrapServers())) {
        load.warmUp(() -> good.count() > 0).start(EVENTS_PER_SECOND);
        // while the stream runs: healthy at every look, resident memory within bounds
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  assertThat(worker.healthy()).as("worker /health").isTrue();
                  healthChecks.incrementAndGet();
                  residentPeakKb.accumulateAndGet(worker.residentKb(), Math::max);
                  return load.published() >= EVENTS;
                });
        Map<String, Long> published = load.stop();
        Ledger.awaitAllSucceeded(
            stack.db(),
            Ledger.pairs(published.keySet(), List.of(goodHook)),
            Duration.ofSeconds(60));
        residentPeakKb.accumulateAndGet(worker.residentKb(), Math::max);

        assertThat(good.eventIds("/good")).containsAll(published.keySet());
        // not held up: the good receiver got every event while the bad ones kept misbehaving;
        // its latency is a figure for the FAULT line, not a bound (CI machines are busy)
        Faults.Latency latency = Faults.latency(published, good.firstArrivals("/good"));
        assertThat(worker.isAlive()).isTrue();
        assertThat(worker.healthy()).isTrue();
        assertThat(residentPeakKb.get()).isLessThan(RESIDENT_LIMIT_KB);
        bad.values().forEach(r -> assertThat(r.requests()).isPositive());

        // each misbehaviour recorded as what it is
        for (BadReceiver.Behaviour b : List.of(GARBAGE, RESET)) {
          List<Ledger.Attempt> attempts = Ledger.attempts(stack.db(), badHooks.get(b));
          assertThat(attempts)
              .as(b.name())
              .isNotEmpty()
              .allSatisfy(a -> assertThat(a.statusCode()).isNull())
              .allSatisfy(a -> assertThat(a.errorClass()).isNotBlank());
        }
        List<Ledger.Attempt> endless = Ledger.attempts(stack.db(), badHooks.get(ENDLESS));
        assertThat(endless)
            .isNotEmpty()
            .allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(200))
            .allSatisfy(a -> assertThat(a.responseExcerpt()).hasSize(20 * 1024));
        // a response head that never ends is cut at the header limits, not buffered until the
        // deadline (in a 256 MB heap, that was an OutOfMemoryError and the worker's exit)
        for (BadReceiver.Behaviour b : List.of(ENDLESS_HEADER_LINE, ENDLESS_HEADERS)) {
          List<Ledger.Attempt> attempts = Ledger.attempts(stack.db(), badHooks.get(b));
          assertThat(attempts)
              .as(b.name())
              .isNotEmpty()
              .allSatisfy(a -> assertThat(a.statusCode()).isNull())
              .allSatisfy(a -> assertThat(a.errorClass()).isEqualTo("response_head_too_large"))
              .allSatisfy(a -> assertThat(a.errorMessage()).contains("8192 bytes a line"));
        }
        // Retry-After: 99999999999999999 is capped: every request it got is an attempt in the log
        // (it overflowed, the attempt was never recorded, and the same request went out again
        // whenever the share group's lock on the task ran out), and its deliveries wait a bounded
        // time for their next attempt
        UUID overflowHook = badHooks.get(RETRY_AFTER_OVERFLOW);
        await()
            .atMost(Duration.ofSeconds(90))
            .untilAsserted(
                () ->
                    assertThat(Ledger.attempts(stack.db(), overflowHook))
                        .isNotEmpty()
                        .hasSize(bad.get(RETRY_AFTER_OVERFLOW).requests()));
        List<Ledger.Attempt> overflow = Ledger.attempts(stack.db(), overflowHook);
        assertThat(overflow).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(503));
        assertThat(
                Ledger.count(
                    stack.db(),
                    "select count(*) from deliveries where webhook_id = ? and status = 'retrying'",
                    List.of(overflowHook)))
            .isPositive();
        assertThat(
                Ledger.count(
                    stack.db(),
                    "select count(*) from deliveries where webhook_id = ?"
                        + " and (status <> 'retrying' or next_attempt_at > now() + interval '1 day')",
                    List.of(overflowHook)))
            .as("every delivery retrying, none parked for more than a day")
            .isZero();
        List<Ledger.Attempt> slow = Ledger.attempts(stack.db(), badHooks.get(SLOW));
        assertThat(slow)
            .isNotEmpty()
            .allSatisfy(
                a ->
                    assertThat(a.durationMs())
                        .isGreaterThanOrEqualTo((int) BadReceiver.SLOW_ANSWER_MS - 100));

        log.info(
            "FAULT bad receivers: {} events to 8 webhooks; good receiver got all, publish-to-receive"
                + " {}; worker healthy at {} of {} looks, resident peak {} MB (heap 256 MB);"
                + " requests slow={} garbage={} reset={} endless={} ({} MB streamed);"
                + " attempts recorded slow={} garbage={} reset={} endless={} (excerpts 20 KB);"
                + " endless head: line {} requests, fields {} requests ({} MB streamed), all"
                + " recorded; Retry-After overflow: {} requests, {} attempts",
            published.size(),
            latency,
            healthChecks.get(),
            healthChecks.get(),
            residentPeakKb.get() / 1024,
            bad.get(SLOW).requests(),
            bad.get(GARBAGE).requests(),
            bad.get(RESET).requests(),
            bad.get(ENDLESS).requests(),
            bad.get(ENDLESS).bytesSent() / (1024 * 1024),
            slow.size(),
            Ledger.attempts(stack.db(), badHooks.get(GARBAGE)).size(),
            Ledger.attempts(stack.db(), badHooks.get(RESET)).size(),
            endless.size(),
            bad.get(ENDLESS_HEADER_LINE).requests(),
            bad.get(ENDLESS_HEADERS).requests(),
            (bad.get(ENDLESS_HEADER_LINE).bytesSent() + bad.get(ENDLESS_HEADERS).bytesSent())
                / (1024 * 1024),
            bad.get(RETRY_AFTER_OVERFLOW).requests(),
            overflow.size());
      }
    } finally {
      for (BadReceiver r : bad.values()) r.close();
    }
  }
}
