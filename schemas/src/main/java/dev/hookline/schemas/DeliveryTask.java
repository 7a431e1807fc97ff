package dev.hookline.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.UUID;

/**
 * A unit of work on {@code hookline.deliveries}: deliver one event to one webhook.
 *
 * @param deliveryId stable id of the delivery; the same across its attempts
 * @param webhookId the target webhook
 * @param webhookVersion the webhook version the task was routed under
 * @param attempt 1-based number of the attempt this task asks for
 * @param trigger why this attempt is made
 * @param event the event to deliver
 * @param tenant the webhook's tenant, null for a network-wide webhook (whose events may still each
 *     carry a tenant, {@link Event#tenant()}); left out of the JSON when null. A hint for the
 *     worker: a task written without it (an older writer, a retry timer) is still delivered.
 */
public record DeliveryTask(
    UUID deliveryId,
    UUID webhookId,
    long webhookVersion,
    int attempt,
    Trigger trigger,
    Event event,
    @JsonInclude(JsonInclude.Include.NON_NULL) String tenant) {
  public DeliveryTask {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(webhookId, "webhookId");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(event, "event");
    if (attempt < 1) throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
  }

  /**
   * The delivery id of an event routed to a webhook, from the event's identity (source, id) and the
   * webhook: {@link EventIdentity#deliveryId}.
   */
  public static UUID deliveryIdFor(Event event, UUID webhookId) {
    return EventIdentity.deliveryId(event.source(), event.id(), webhookId);
  }

  public DeliveryTask nextAttempt(Trigger newTrigger) {
    return new DeliveryTask(
        deliveryId, webhookId, webhookVersion, attempt + 1, newTrigger, event, tenant);
  }
}
