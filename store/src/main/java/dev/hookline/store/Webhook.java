package dev.hookline.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A webhook as stored, without its secret.
 *
 * @param retrySchedule per-webhook retry delays in seconds after the first attempt; null for the
 *     default schedule
 * @param disabledAt when Hookline disabled it (410 Gone, 5 days failing); null while enabled
 * @param tenant the tenant it belongs to, fixed at creation; null for a network-wide webhook
 * @param filter its payload filter as written; null when it takes every event of its types
 * @param rateLimit deliveries per second, held across all workers together; null for unlimited
 */
public record Webhook(
    UUID id,
    long version,
    String name,
    String url,
    String description,
    List<String> events,
    boolean active,
    Instant disabledAt,
    String disabledReason,
    int timeoutSeconds,
    List<Integer> retrySchedule,
    Map<String, String> headers,
    Instant createdAt,
    Instant updatedAt,
    String tenant,
    JsonNode filter,
    Integer rateLimit) {

  /** Whether events route to it: active, not disabled. */
  public boolean routable() {
    return active && disabledAt == null;
  }
}
