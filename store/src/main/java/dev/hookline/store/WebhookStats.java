package dev.hookline.store;

import java.time.Instant;

/**
 * A webhook's delivery counters. Test deliveries (trigger {@code test}) are not counted.
 *
 * @param deliveries every delivery, whatever its status
 * @param succeeded deliveries that ended {@code succeeded}
 * @param failed deliveries that ended {@code failed} (retries exhausted)
 * @param lastDeliveryAt when the newest delivery was created; null when there is none
 */
public record WebhookStats(long deliveries, long succeeded, long failed, Instant lastDeliveryAt) {
  public static final WebhookStats NONE = new WebhookStats(0, 0, 0, null);
}
