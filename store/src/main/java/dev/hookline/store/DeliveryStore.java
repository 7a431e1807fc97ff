package dev.hookline.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Delivery state and history in PostgreSQL. */
public interface DeliveryStore {
  /**
   * Records a batch of attempts in one transaction: the event rows, the delivery rows (created or
   * moved to their new status) and the attempt rows. Idempotent: recording the same (delivery,
   * attempt) twice changes nothing the second time.
   */
  void recordAll(List<AttemptRecord> attempts);

  /**
   * A webhook's deliveries, newest first, optionally of one status, before the cursor (the id of
   * the last delivery of the previous page, null for the first page).
   */
  List<DeliveryView> listForWebhook(UUID webhookId, DeliveryStatus status, UUID before, int limit);

  /** One delivery with its attempts and payload. */
  Optional<DeliveryView> find(UUID deliveryId);
}
