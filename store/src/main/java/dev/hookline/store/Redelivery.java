package dev.hookline.store;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Trigger;
import java.util.UUID;

/**
 * What it takes to queue another attempt of an existing delivery.
 *
 * @param trigger the trigger the delivery was created with ({@code test} deliveries are never
 *     redelivered)
 * @param status the delivery's status when read
 * @param event the event as stored, to deliver again unchanged (same id, so receivers can
 *     deduplicate)
 * @param nextAttempt the attempt number the new task asks for: the delivery's attempt count + 1
 */
public record Redelivery(
    UUID deliveryId,
    UUID webhookId,
    Trigger trigger,
    DeliveryStatus status,
    Event event,
    int nextAttempt) {

  /** The task for that attempt, for the webhook as it is now (its version and tenant). */
  public DeliveryTask task(Webhook webhook, Trigger newTrigger) {
    return new DeliveryTask(
        deliveryId, webhookId, webhook.version(), nextAttempt, newTrigger, event, webhook.tenant());
  }
}
