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
import org.junit.jupiter.api.Test;

/** Successes wait and go out together; failures and 410s go out at once; nothing is lost. */
class FollowUpsTest {
  private static final Instant T = Instant.parse("2026-12-06T02:00:00Z");
  private static final Duration NEVER = Duration.ofHours(1);

  private final UUID a = UUID.randomUUID();
  private final UUID b = UUID.randomUUID();
  private final Calls health = new Calls();

  @Test
  void successfulBatchesAreHeldAndWrittenOnceWithEachWebhooksLatestSuccess() {
    try (FollowUps f = new FollowUps(health, null, NEVER)) {
      f.afterRecorded(List.of(ok(a, 2), ok(b, 1)), Set.of());
      f.afterRecorded(List.of(ok(a, 5)), Set.of());
      f.afterRecorded(List.of(ok(a, 3)), Set.of()); // recorded late: older than the one held
      assertThat(health.calls).isEmpty();

      f.flushSuccesses();
      assertThat(health.calls).hasSize(1);
      assertThat(health.calls.get(0))
          .containsExactlyInAnyOrder(
              new WebhookHealth.Outcome(a, T.plusSeconds(5), null),
              new WebhookHealth.Outcome(b, T.plusSeconds(1), null));

      f.flushSuccesses(); // nothing new: no transaction
      assertThat(health.calls).hasSize(1);
    }
  }

  @Test
  void aBatchWithAFailureIsWrittenAtOnce() {
    try (FollowUps f = new FollowUps(health, null, NEVER)) {
      f.afterRecorded(List.of(ok(a, 1), failed(a, 2)), Set.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> health.calls.size() == 1);
      assertThat(health.calls.get(0))
          .containsExactly(new WebhookHealth.Outcome(a, T.plusSeconds(1), T.plusSeconds(2)));
    }
  }

  @Test
  void theFlushRunsByItselfAndCloseWritesWhatIsLeft() {
    try (FollowUps f = new FollowUps(health, null, Duration.ofMillis(50))) {
      f.afterRecorded(List.of(ok(a, 1)), Set.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> !health.calls.isEmpty());
      assertThat(health.calls.get(0))
          .containsExactly(new WebhookHealth.Outcome(a, T.plusSeconds(1), null));
    }
    FollowUps f = new FollowUps(health, null, NEVER);
    f.afterRecorded(List.of(ok(b, 7)), Set.of());
    f.close();
    assertThat(health.calls.getLast())
        .containsExactly(new WebhookHealth.Outcome(b, T.plusSeconds(7), null));
  }

  @Test
  void aFailedFlushKeepsTheSuccessesForTheNext() {
    try (FollowUps f = new FollowUps(health, null, NEVER)) {
      f.afterRecorded(List.of(ok(a, 4)), Set.of());
      health.failing = true;
      f.flushSuccesses();
      health.failing = false;
      f.afterRecorded(List.of(ok(a, 2)), Set.of());
      f.flushSuccesses();
      assertThat(health.calls).hasSize(1);
      assertThat(health.calls.get(0))
          .containsExactly(new WebhookHealth.Outcome(a, T.plusSeconds(4), null));
    }
  }

  private static AttemptRecord ok(UUID webhook, int second) {
    return attempt(webhook, second, 200, DeliveryStatus.SUCCEEDED);
  }

  private static AttemptRecord failed(UUID webhook, int second) {
    return attempt(webhook, second, 500, DeliveryStatus.RETRYING);
  }

  private static AttemptRecord attempt(UUID webhook, int second, int code, DeliveryStatus status) {
    return new AttemptRecord(
        Fixtures.task(webhook, 1, Trigger.EVENT),
        T.plusSeconds(second),
        3,
        code,
        null,
        null,
        null,
        "w1",
        status,
        null);
  }

  /** Each {@link #record} call's outcomes; throws while {@link #failing}. */
  private static final class Calls implements WebhookHealth {
    final List<List<Outcome>> calls = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public void record(List<Outcome> outcomes) {
      if (failing) throw new IllegalStateException("down");
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
}
