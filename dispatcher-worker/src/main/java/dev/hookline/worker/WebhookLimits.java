package dev.hookline.worker;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The concurrency cap per webhook: at most {@code perWebhook} deliveries to one webhook run at once
 * in this worker, so a slow endpoint holds a bounded share of the worker's connections. One slot
 * per webhook seen, kept for the life of the worker (a few dozen bytes each).
 *
 * <p>A task that finds its webhook at the cap waits for a free place (interruptibly: a batch hands
 * tasks still waiting at its deadline to the retry timer), unless the webhook's running attempts
 * have been going for longer than {@code stalledAfter}: then no place will free up before the
 * batch's deadline, and waiting would only hold the batch, and with it every other webhook's
 * acknowledgements, for nothing.
 */
final class WebhookLimits {
  /** Whether a task may go ahead. */
  enum Admission {
    ENTERED,
    /** At the cap, behind attempts that have been running too long: do not wait. */
    STALLED
  }

  private static final class Slot {
    final Semaphore permits;
    final Map<Object, Long> startedNanos = new ConcurrentHashMap<>();

    Slot(int perWebhook) {
      permits = new Semaphore(perWebhook);
    }

    boolean stalled(long before) {
      for (long started : startedNanos.values()) if (started - before < 0) return true;
      return false;
    }
  }

  private final int perWebhook;
  private final long stalledAfterNanos;
  private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();

  WebhookLimits(int perWebhook, Duration stalledAfter) {
    this.perWebhook = perWebhook;
    this.stalledAfterNanos = stalledAfter.toNanos();
  }

  /** On {@link Admission#ENTERED}, the caller must {@link #leave} with the same {@code who}. */
  Admission enter(UUID webhook, Object who) throws InterruptedException {
    Slot slot = slots.computeIfAbsent(webhook, id -> new Slot(perWebhook));
    if (!slot.permits.tryAcquire()) {
      if (slot.stalled(System.nanoTime() - stalledAfterNanos)) return Admission.STALLED;
      slot.permits.acquire();
    }
    slot.startedNanos.put(who, System.nanoTime());
    return Admission.ENTERED;
  }

  void leave(UUID webhook, Object who) {
    Slot slot = slots.get(webhook);
    if (slot == null) return;
    slot.startedNanos.remove(who);
    slot.permits.release();
  }
}
