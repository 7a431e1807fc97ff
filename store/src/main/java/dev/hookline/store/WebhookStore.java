package dev.hookline.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhooks as the admin API manages them. Every change writes the webhook row and an outbox row
 * (its {@code hookline.subscriptions} record) in one transaction, and bumps the version.
 */
public interface WebhookStore extends WebhookLookup {
  /** How long the previous secret keeps signing after {@link #rotateSecret}. */
  Duration PREVIOUS_SECRET_GRACE = Duration.ofHours(24);

  CreatedWebhook create(NewWebhook webhook);

  /** Non-deleted webhooks, oldest first, after the given id (null for the first page). */
  List<Webhook> list(UUID after, int limit);

  /** Applies the patch; empty when the webhook is unknown or deleted. */
  Optional<Webhook> update(UUID id, WebhookPatch patch);

  /** Soft-deletes; false when unknown or already deleted. Publishes a tombstone. */
  boolean delete(UUID id);

  /**
   * Non-deleted webhooks matching the query, oldest first, after the given id (null for the first
   * page), each with its delivery counters, read in one query for the whole page.
   */
  List<WebhookListing> list(WebhookQuery query, UUID after, int limit);

  /** The webhook with its delivery counters, unless unknown or deleted. */
  Optional<WebhookListing> findListing(UUID id);

  /**
   * Replaces the signing secret with a new one and returns it (shown this once). The replaced
   * secret becomes the previous one and keeps signing for {@link #PREVIOUS_SECRET_GRACE}, i.e.
   * until the returned webhook's {@code updatedAt} plus the grace; a secret that was already the
   * previous one is dropped. Bumps the version and writes the routing record like any change. Empty
   * when the webhook is unknown or deleted.
   */
  Optional<CreatedWebhook> rotateSecret(UUID id);
}
