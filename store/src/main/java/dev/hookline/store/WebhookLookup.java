package dev.hookline.store;

import java.util.Optional;
import java.util.UUID;

/**
 * What the delivery engine reads of a webhook: the webhook itself and the secrets that sign for it.
 */
public interface WebhookLookup {
  /** The webhook, unless unknown or deleted. */
  Optional<Webhook> find(UUID id);

  /** The signing secrets (decrypted), also for inactive webhooks; empty when unknown or deleted. */
  Optional<SigningSecrets> secrets(UUID id);
}
