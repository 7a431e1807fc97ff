package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The webhooks' health rows: written for all the batches of an interval at once. */
class FollowUpsTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  /** Keeps each write; fails the first {@code failFirst} of them. */
  private static final class Writes implements WebhookHealth {
    final List<List<Outcome>> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    final Supplier<? extends Throwable> failure;

    Writes() {
      this(() -> new IllegalStateException("database down"));
    }

    Writes(Supplier<? extends Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public void record(List<Outcome> outcomes) {
      if (failFirst.getAndDecrement() > 0) throwUnchecked(failure.get());
      calls.add(List.copyOf(outcomes));
    }

    @Override
    public List<UUID> failingSince(Instant cutoff, int limit) {
      return List.of();
    }

    @Override
    public Optional<Webhook> disable(UUID webhookId, String reason) {
      return Optional.empty();
    }
  }

  private static void throwUnchecked(Throwable t) {
    if (t instanceof Error e) throw e;
    throw (RuntimeException) t;
  }

  private static AttemptRecord attempt(UUID webhook, int secondsAfterT0, boolean succeeded) {
    return new AttemptRecord(
        Fixtures.task(webhook, 1, Trigger.EVENT),
        T0.plusSeconds(secondsAfterT0),
        3,
        succeeded ? 200 : 500,
        null,
        succeeded ? null : "http_status",
        null,
        "w1",
        succeeded ? DeliveryStatus.SUCCEEDED : DeliveryStatus.RETRYING,
        null);
  }

  @Test
  void theBatchesOfAnIntervalAreWrittenTogetherAsIfTheyWereOne() {
    Writes writes = new Writes();
    FollowUps followUps = new FollowUps(writes, null, Duration.ofHours(1));
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    // recorded out of order, as a worker's consumers do
    followUps.afterRecorded(List.of(attempt(a, 5, true), attempt(b, 1, false)), Set.of());
    followUps.afterRecorded(List.of(attempt(a, 7, false), attempt(a, 9, false)), Set.of());
    followUps.afterRecorded(List.of(attempt(a, 3, true), attempt(b, 2, true)), Set.of());
    assertThat(writes.calls).isEmpty(); // nothing written per batch

    followUps.close(); // what is due is written on the way out

    assertThat(writes.calls)
        .singleElement()
        .satisfies(
            outcomes ->
                assertThat(outcomes)
                    .containsExactlyInAnyOrder(
                        new WebhookHealth.Outcome(a, T0.plusSeconds(5), T0.plusSeconds(7)),
                        new WebhookHealth.Outcome(b, T0.plusSeconds(2), null)));
  }

  @Test
  void theRowsAreWrittenEveryIntervalAndAFailedWriteDoesNotStopTheNext() {
    aFailedWriteDoesNotStopTheNext(new Writes());
  }

  @Test
  void anErrorInAWriteDoesNotStopTheNextEither() {
    // an Error escaping the scheduled write would cancel the schedule for good: no health row
    // would be written again until the worker restarts
    aFailedWriteDoesNotStopTheNext(new Writes(() -> new StackOverflowError("a library's bug")));
  }

  private static void aFailedWriteDoesNotStopTheNext(Writes writes) {
    writes.failFirst.set(1);
    FollowUps followUps = new FollowUps(writes, null, Duration.ofMillis(20));
    try {
      UUID a = UUID.randomUUID();
      followUps.afterRecorded(List.of(attempt(a, 1, true)), Set.of());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> writes.failFirst.get() == 0); // the failed write was tried
      assertThat(writes.calls).isEmpty(); // lost with the failed write: best effort

      followUps.afterRecorded(List.of(attempt(a, 2, false)), Set.of());

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(writes.calls)
                      .singleElement()
                      .isEqualTo(List.of(new WebhookHealth.Outcome(a, null, T0.plusSeconds(2)))));
    } finally {
      followUps.close();
    }
  }
}
