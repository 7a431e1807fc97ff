package dev.hookline.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhooks in PostgreSQL. Every change writes the webhook row and an outbox row (its {@code
 * hookline.subscriptions} record) in one transaction, and bumps the version.
 *
 * <p>Methods added after the first version are {@code default} methods that throw, so in-memory
 * fakes written against the first version keep compiling; the Postgres store implements all.
 */
public interface WebhookStore {
  /** How long the previous secret keeps signing after {@link #rotateSecret}. */
  Duration PREVIOUS_SECRET_GRACE = Duration.ofHours(24);

  CreatedWebhook create(NewWebhook webhook);

  /** The webhook, unless unknown or deleted. */
  Optional<Webhook> find(UUID id);

  /** Non-deleted webhooks, oldest first, after the given id (null for the first page). */
  List<Webhook> list(UUID after, int limit);

  /** Applies the patch; empty when the webhook is unknown or deleted. */
  Optional<Webhook> update(UUID id, WebhookPatch patch);

  /** Soft-deletes; false when unknown or already deleted. Publishes a tombstone. */
  boolean delete(UUID id);

  /** The signing secrets (decrypted), also for inactive webhooks; empty when unknown or deleted. */
  Optional<SigningSecrets> secrets(UUID id);

  /**
   * Non-deleted webhooks matching the query, oldest first, after the given id (null for the first
   * page), each with its delivery counters, read in one query for the whole page.
   */
  default List<WebhookListing> list(WebhookQuery query, UUID after, int limit) {
    throw new UnsupportedOperationException(
        "list(WebhookQuery, ...) is not implemented by " + getClass().getName());
  }

  /** The webhook with its delivery counters, unless unknown or deleted. */
  default Optional<WebhookListing> findListing(UUID id) {
    throw new UnsupportedOperationException(
        "findListing is not implemented by " + getClass().getName());
  }

  /**
   * Replaces the signing secret with a new one and returns it (shown this once). The replaced
   * secret becomes the previous one and keeps signing for {@link #PREVIOUS_SECRET_GRACE}, i.e.
   * until the returned webhook's {@code updatedAt} plus the grace; a secret that was already the
   * previous one is dropped. Bumps the version and writes the routing record like any change. Empty
   * when the webhook is unknown or deleted.
   */
  default Optional<CreatedWebhook> rotateSecret(UUID id) {
    throw new UnsupportedOperationException(
        "rotateSecret is not implemented by " + getClass().getName());
  }
}
