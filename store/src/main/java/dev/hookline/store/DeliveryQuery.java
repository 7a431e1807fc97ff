package dev.hookline.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Which deliveries a tenant's delivery log shows: those of the tenant's webhooks.
 *
 * @param tenant the tenant
 * @param status null for all; otherwise only deliveries in this status
 * @param since null for all; otherwise only deliveries created at or after it
 * @param liveWebhooksOnly true to leave out the deliveries of deleted webhooks (what a tenant's own
 *     token sees); false to include them (the history an admin sees until retention)
 */
public record DeliveryQuery(
    String tenant, DeliveryStatus status, Instant since, boolean liveWebhooksOnly) {
  public DeliveryQuery {
    Objects.requireNonNull(tenant, "tenant");
  }
}
