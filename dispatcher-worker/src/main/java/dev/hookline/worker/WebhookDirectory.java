package dev.hookline.worker;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookLookup;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhooks and their secrets, cached briefly: a burst of tasks for one webhook costs one lookup,
 * and an edit (or a deletion) is seen within the TTL, or at once when a task carries a newer
 * webhook version than the cached one.
 */
final class WebhookDirectory {
  /** A webhook with what it takes to sign for it. */
  record Target(Webhook webhook, SigningSecrets secrets) {}

  private final WebhookLookup store;
  private final Cache<UUID, Optional<Target>> cache;

  WebhookDirectory(WebhookLookup store, Duration ttl) {
    this.store = store;
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
  }

  /**
   * The webhook, or empty when unknown or deleted. Store failures propagate (and are not cached).
   *
   * @param minVersion the version the task was routed under; an older cached entry is reloaded
   */
  Optional<Target> find(UUID webhookId, long minVersion) {
    Optional<Target> target = cache.get(webhookId, this::load);
    if (target.isPresent() && target.get().webhook().version() < minVersion) {
      cache.invalidate(webhookId);
      target = cache.get(webhookId, this::load);
    }
    return target;
  }

  /** Forgets the cached entry: the next task reloads it (after the engine changed the webhook). */
  void invalidate(UUID webhookId) {
    cache.invalidate(webhookId);
  }

  private Optional<Target> load(UUID id) {
    Optional<Webhook> webhook = store.find(id);
    if (webhook.isEmpty()) return Optional.empty();
    return store.secrets(id).map(secrets -> new Target(webhook.get(), secrets));
  }
}
