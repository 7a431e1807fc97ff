package dev.hookline.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Delivery state and history in PostgreSQL.
 *
 * <p>Methods added after the first version are {@code default} methods that throw, so in-memory
 * fakes written against the first version keep compiling; the Postgres store implements all.
 */
public interface DeliveryStore {
  /** The most deliveries one {@link #failedBetween} call returns. */
  int MAX_RECOVER = 10_000;

  /**
   * Records a batch of attempts in one transaction: the event rows, the delivery rows (created or
   * moved to their new status) and the attempt rows. Idempotent: recording the same (delivery,
   * attempt) twice changes nothing the second time.
   */
  void recordAll(List<AttemptRecord> attempts);

  /**
   * Returns when PostgreSQL answers a trivial query, throws when it does not: how a worker that
   * could not record a batch tells when to take tasks again.
   */
  default void ping() {
    throw new UnsupportedOperationException("ping");
  }

  /**
   * A webhook's deliveries, newest first, optionally of one status, before the cursor (the id of
   * the last delivery of the previous page, null for the first page).
   */
  List<DeliveryView> listForWebhook(UUID webhookId, DeliveryStatus status, UUID before, int limit);

  /**
   * A tenant's deliveries across its webhooks, newest first, before the cursor (the id of the last
   * delivery of the previous page, null for the first page).
   */
  default List<DeliveryView> list(DeliveryQuery query, UUID before, int limit) {
    throw new UnsupportedOperationException(
        "list(DeliveryQuery, ...) is not implemented by " + getClass().getName());
  }

  /** One delivery with its attempts and payload. */
  Optional<DeliveryView> find(UUID deliveryId);

  /**
   * Same as the other {@code listForWebhook}, also limited to deliveries created at or after {@code
   * since} (null: no limit).
   */
  default List<DeliveryView> listForWebhook(
      UUID webhookId, DeliveryStatus status, Instant since, UUID before, int limit) {
    if (since == null) return listForWebhook(webhookId, status, before, limit);
    throw new UnsupportedOperationException(
        "listForWebhook with since is not implemented by " + getClass().getName());
  }

  /**
   * The webhook's {@code failed} deliveries created in [{@code since}, {@code until}), oldest
   * first, at most {@code limit} (capped at {@link #MAX_RECOVER}); test deliveries excluded.
   */
  default List<Redelivery> failedBetween(UUID webhookId, Instant since, Instant until, int limit) {
    throw new UnsupportedOperationException(
        "failedBetween is not implemented by " + getClass().getName());
  }

  /** What it takes to queue another attempt of one delivery; empty when unknown. */
  default Optional<Redelivery> redelivery(UUID deliveryId) {
    throw new UnsupportedOperationException(
        "redelivery is not implemented by " + getClass().getName());
  }

  /**
   * Marks deliveries whose next attempt was just queued as {@code pending}, clearing their retry
   * timer, so a second recover does not queue them again and the timer does not fire a duplicate
   * attempt. A delivery whose attempt count moved on since it was read (the worker was quicker) is
   * left alone. Returns how many were marked.
   */
  default int markRequeued(List<Redelivery> queued) {
    throw new UnsupportedOperationException(
        "markRequeued is not implemented by " + getClass().getName());
  }
}
