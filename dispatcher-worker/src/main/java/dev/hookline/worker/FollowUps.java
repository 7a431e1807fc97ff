package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.WebhookHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows recorded attempts, off the consumer thread: the webhooks' health rows (for the
 * failing-for-days check) and disabling webhooks that answered 410 Gone. Best effort: a lost health
 * update only delays the check, and a 410 answers again on the next delivery.
 */
final class FollowUps implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FollowUps.class);

  private final WebhookHealth health;
  private final WebhookDisabler disabler;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  FollowUps(WebhookHealth health, WebhookDisabler disabler) {
    this.health = health;
    this.disabler = disabler;
  }

  /** Stops the follow-ups still running; later ones run on the caller's thread. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  void afterRecorded(List<AttemptRecord> attempts, Set<UUID> gone) {
    if (attempts.isEmpty() && gone.isEmpty()) return;
    try {
      executor.execute(() -> run(attempts, gone));
    } catch (RejectedExecutionException e) {
      run(attempts, gone); // shutting down: do it here rather than not at all
    }
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
