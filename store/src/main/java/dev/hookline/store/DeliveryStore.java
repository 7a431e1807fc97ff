package dev.hookline.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Delivery state and history as the admin API reads it (the delivery log), and the redeliveries it
 * queues. The delivery engine writes them through {@link AttemptRecorder}.
 */
public interface DeliveryStore {
  /** The most deliveries one {@link #failedBetween} call returns. */
  int MAX_RECOVER = 10_000;

  /**
   * A webhook's deliveries, newest first, optionally of one status and created at or after {@code
   * since} (null: no limit), before the cursor (the id of the last delivery of the previous page,
   * null for the first page).
   */
  List<DeliveryView> listForWebhook(
      UUID webhookId, DeliveryStatus status, Instant since, UUID before, int limit);

  /**
   * A tenant's deliveries across its webhooks, newest first, before the cursor (the id of the last
   * delivery of the previous page, null for the first page).
   */
  List<DeliveryView> list(DeliveryQuery query, UUID before, int limit);

  /** One delivery with its attempts and payload. */
  Optional<DeliveryView> find(UUID deliveryId);

  /**
   * The webhook's {@code failed} deliveries created in [{@code since}, {@code until}), oldest
   * first, at most {@code limit} (capped at {@link #MAX_RECOVER}); test deliveries excluded.
   */
  List<Redelivery> failedBetween(UUID webhookId, Instant since, Instant until, int limit);

  /** What it takes to queue another attempt of one delivery; empty when unknown. */
  Optional<Redelivery> redelivery(UUID deliveryId);

  /**
   * Marks deliveries whose next attempt was just queued as {@code pending}, clearing their retry
   * timer, so a second recover does not queue them again and the timer does not fire a duplicate
   * attempt. A delivery whose attempt count moved on since it was read (the worker was quicker) is
   * left alone. Returns how many were marked.
   */
  int markRequeued(List<Redelivery> queued);
}
