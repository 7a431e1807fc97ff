package dev.hookline.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the delivery engine knows about each webhook's health, and what it does about it: a webhook
 * that answers 410 Gone, or fails without a success for days, is disabled.
 */
public interface WebhookHealth {
  /**
   * What a batch of attempts to one webhook came to.
   *
   * @param lastSuccessAt the latest successful attempt in the batch, null when none
   * @param firstFailureAt the first failed attempt after {@code lastSuccessAt}, null when none
   */
  record Outcome(UUID webhookId, Instant lastSuccessAt, Instant firstFailureAt) {}

  /** Updates the health rows (a success clears {@code failing_since}, a failure starts it). */
  void record(List<Outcome> outcomes);

  /**
   * Routable webhooks whose first failure since their last success is older than {@code cutoff}.
   */
  List<UUID> failingSince(Instant cutoff, int limit);

  /**
   * Disables the webhook in one transaction: sets {@code disabled_at} and the reason, bumps the
   * version, writes its routing record to the outbox (routing stops), cancels its pending retries
   * and resets its health. Empty when the webhook is unknown, deleted or already disabled, so that
   * of several workers disabling the same webhook exactly one gets it (and announces it).
   */
  Optional<Webhook> disable(UUID webhookId, String reason);
}
