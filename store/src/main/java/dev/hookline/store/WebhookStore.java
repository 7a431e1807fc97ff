package dev.hookline.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhooks in PostgreSQL. Every change writes the webhook row and an outbox row (its {@code
 * hookline.subscriptions} record) in one transaction, and bumps the version.
 */
public interface WebhookStore {
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
}
