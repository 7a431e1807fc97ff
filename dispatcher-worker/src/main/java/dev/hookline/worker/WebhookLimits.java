package dev.hookline.worker;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The concurrency cap per webhook: at most {@code perWebhook} deliveries to one webhook run at once
 * in this worker, so a slow endpoint holds a bounded share of the worker's connections. Waiters are
 * interruptible (a batch hands tasks still waiting at its deadline to the retry timer). One
 * semaphore per webhook seen, kept for the life of the worker (a few dozen bytes each).
 */
final class WebhookLimits {
  private final int perWebhook;
  private final Map<UUID, Semaphore> permits = new ConcurrentHashMap<>();

  WebhookLimits(int perWebhook) {
    this.perWebhook = perWebhook;
  }

  void acquire(UUID webhook) throws InterruptedException {
    permits.computeIfAbsent(webhook, id -> new Semaphore(perWebhook)).acquire();
  }

  void release(UUID webhook) {
    Semaphore s = permits.get(webhook);
    if (s != null) s.release();
  }
}
