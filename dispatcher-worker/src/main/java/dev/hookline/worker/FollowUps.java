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
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <p>The health rows are written once per {@code healthInterval} for all the batches recorded
 * meanwhile, as if they had been one batch: a transaction per recorded batch was half of
 * PostgreSQL's commits at 1,000 deliveries/s (docs/benchmarks.md, stop 31), and a check that counts
 * in days loses nothing by a second's delay. A 410 is acted on at once.
 */
final class FollowUps implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FollowUps.class);

  /** How often the health rows are written. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);

  /** What the health rows need of an attempt: not its task, whose data would stay in memory. */
  record Seen(UUID webhookId, Instant startedAt, boolean succeeded) {}

  private final WebhookHealth health;
  private final WebhookDisabler disabler;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ConcurrentLinkedQueue<Seen> unwritten = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService flusher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("hookline-webhook-health").daemon().factory());

  FollowUps(WebhookHealth health, WebhookDisabler disabler) {
    this(health, disabler, HEALTH_INTERVAL);
  }

  FollowUps(WebhookHealth health, WebhookDisabler disabler, Duration healthInterval) {
    this.health = health;
    this.disabler = disabler;
    long every = healthInterval.toMillis();
    var unused =
        flusher.scheduleWithFixedDelay(this::writeHealth, every, every, TimeUnit.MILLISECONDS);
  }

  /** Writes the health rows still due, then stops the follow-ups still running. */
  @Override
  public void close() {
    flusher.shutdownNow();
    writeHealth();
    executor.shutdownNow();
  }

  void afterRecorded(List<AttemptRecord> attempts, Set<UUID> gone) {
    for (AttemptRecord a : attempts) {
      unwritten.add(
          new Seen(a.task().webhookId(), a.startedAt(), a.newStatus() == DeliveryStatus.SUCCEEDED));
    }
    if (gone.isEmpty()) return;
    // the health rows first, as before: disabling resets them
    Runnable disable =
        () -> {
          writeHealth();
          disable(gone);
        };
    try {
      executor.execute(disable);
    } catch (RejectedExecutionException e) {
      disable.run(); // shutting down: do it here rather than not at all
    }
  }

  /**
   * Everything seen since the last write, as one batch; one writer at a time. Whatever fails, an
   * {@link Error} too, is logged and the rows are lost (best effort): thrown out of the flusher's
   * schedule, it would cancel every later write until the worker restarts.
   */
  private synchronized void writeHealth() {
    List<Seen> seen = new ArrayList<>();
    for (Seen s = unwritten.poll(); s != null; s = unwritten.poll()) seen.add(s);
    if (seen.isEmpty()) return;
    try {
      health.record(outcomes(seen));
    } catch (RuntimeException | Error e) {
      log.warn("could not record webhook health: {}", e.toString());
    }
  }

  private void disable(Set<UUID> gone) {
    for (UUID id : gone) {
      try {
        disabler.disable(id, WebhookDisabler.ENDPOINT_GONE);
      } catch (RuntimeException e) {
        log.warn("could not disable webhook {} after 410 Gone: {}", id, e.toString());
      }
    }
  }

  /** Per webhook: its latest success, and its first failure after that. */
  static List<WebhookHealth.Outcome> outcomes(List<Seen> attempts) {
    List<Seen> sorted = new ArrayList<>(attempts);
    sorted.sort(Comparator.comparing(Seen::startedAt));
    Map<UUID, Instant[]> byWebhook = new LinkedHashMap<>(); // [lastSuccess, firstFailureAfter]
    for (Seen a : sorted) {
      Instant[] o = byWebhook.computeIfAbsent(a.webhookId(), id -> new Instant[2]);
      if (a.succeeded()) {
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
