package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.WebhookHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows recorded attempts, off the consumer thread: the webhooks' health rows (for the
 * failing-for-days check) and disabling webhooks that answered 410 Gone. Best effort: a lost health
 * update only delays the check, and a 410 answers again on the next delivery.
 *
 * <p>A batch that only succeeded is not written on its own: its webhooks' latest success waits here
 * and goes out with the others at most {@link #DEFAULT_FLUSH} later, one transaction for all. Under
 * load that was a transaction and a commit (a WAL flush) per batch for a row whose only reader asks
 * whether a webhook has been failing for days. The health statements do not depend on the order
 * they arrive in (a success clears only a streak that began before it, a failure starts one only
 * after the latest known success), so a success written late lands as if on time.
 */
final class FollowUps implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FollowUps.class);

  /** How long a success may wait before its health row shows it. */
  static final Duration DEFAULT_FLUSH = Duration.ofSeconds(1);

  private final WebhookHealth health;
  private final WebhookDisabler disabler;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("webhook-health-flush").factory());

  /** Per webhook, its latest success not yet written. */
  private final Map<UUID, Instant> pendingSuccess = new ConcurrentHashMap<>();

  private volatile boolean closed;

  FollowUps(WebhookHealth health, WebhookDisabler disabler) {
    this(health, disabler, DEFAULT_FLUSH);
  }

  FollowUps(WebhookHealth health, WebhookDisabler disabler, Duration flushEvery) {
    this.health = health;
    this.disabler = disabler;
    long every = flushEvery.toMillis();
    // flushSuccesses throws nothing, so the schedule is never cancelled by an exception
    var unused =
        flusher.scheduleWithFixedDelay(this::flushSuccesses, every, every, TimeUnit.MILLISECONDS);
  }

  /** Writes the successes still waiting and stops; later follow-ups run on the caller's thread. */
  @Override
  public void close() {
    closed = true;
    flusher.shutdownNow();
    flushSuccesses();
    executor.shutdownNow();
  }

  void afterRecorded(List<AttemptRecord> attempts, Set<UUID> gone) {
    if (attempts.isEmpty() && gone.isEmpty()) return;
    if (gone.isEmpty() && !closed && allSucceeded(attempts)) {
      for (AttemptRecord a : attempts) {
        pendingSuccess.merge(a.task().webhookId(), a.startedAt(), FollowUps::later);
      }
      return;
    }
    try {
      executor.execute(() -> run(attempts, gone));
    } catch (RejectedExecutionException e) {
      run(attempts, gone); // shutting down: do it here rather than not at all
    }
  }

  /** One transaction for every webhook's latest success since the last flush. */
  void flushSuccesses() {
    List<WebhookHealth.Outcome> outcomes = new ArrayList<>();
    for (UUID id : pendingSuccess.keySet()) {
      Instant at = pendingSuccess.remove(id);
      if (at != null) outcomes.add(new WebhookHealth.Outcome(id, at, null));
    }
    if (outcomes.isEmpty()) return;
    try {
      health.record(outcomes);
    } catch (RuntimeException e) {
      // kept for the next flush (a later success of the same webhook wins)
      outcomes.forEach(
          o -> pendingSuccess.merge(o.webhookId(), o.lastSuccessAt(), FollowUps::later));
      log.warn("could not record webhook health: {}", e.toString());
    }
  }

  private static boolean allSucceeded(List<AttemptRecord> attempts) {
    for (AttemptRecord a : attempts) {
      if (a.newStatus() != DeliveryStatus.SUCCEEDED) return false;
    }
    return true;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private void run(List<AttemptRecord> attempts, Set<UUID> gone) {
    try {
      health.record(outcomes(attempts));
    } catch (RuntimeException e) {
      log.warn("could not record webhook health: {}", e.toString());
    }
    for (UUID id : gone) {
      try {
        disabler.disable(id, WebhookDisabler.ENDPOINT_GONE);
      } catch (RuntimeException e) {
        log.warn("could not disable webhook {} after 410 Gone: {}", id, e.toString());
      }
    }
  }

  /** Per webhook: its latest success, and its first failure after that. */
  static List<WebhookHealth.Outcome> outcomes(List<AttemptRecord> attempts) {
    List<AttemptRecord> sorted = new ArrayList<>(attempts);
    sorted.sort(Comparator.comparing(AttemptRecord::startedAt));
    Map<UUID, Instant[]> byWebhook = new LinkedHashMap<>(); // [lastSuccess, firstFailureAfter]
    for (AttemptRecord a : sorted) {
      Instant[] o = byWebhook.computeIfAbsent(a.task().webhookId(), id -> new Instant[2]);
      if (a.newStatus() == DeliveryStatus.SUCCEEDED) {
        o[0] = a.startedAt();
        o[1] = null;
      } else if (o[1] == null) {
        o[1] = a.startedAt();
      }
    }
    List<WebhookHealth.Outcome> outcomes = new ArrayList<>(byWebhook.size());
    byWebhook.forEach((id, o) -> outcomes.add(new WebhookHealth.Outcome(id, o[0], o[1])));
    return outcomes;
  }
}
