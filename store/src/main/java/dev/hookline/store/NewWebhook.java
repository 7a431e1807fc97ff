package dev.hookline.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What an admin gives to create a webhook; already validated by the caller.
 *
 * @param tenant the tenant it belongs to (it must exist), or null for a network-wide webhook
 * @param filter its payload filter, already compiled once by the caller; null for none
 * @param rateLimit deliveries per second (1 to 10,000); null for unlimited
 */
public record NewWebhook(
    String name,
    String url,
    String description,
    List<String> events,
    boolean active,
    int timeoutSeconds,
    List<Integer> retrySchedule,
    Map<String, String> headers,
    String tenant,
    JsonNode filter,
    Integer rateLimit) {

  public NewWebhook {
    events = List.copyOf(events);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    retrySchedule = retrySchedule == null ? null : List.copyOf(retrySchedule);
    description = description == null ? "" : description;
  }

  /** The same webhook, for the tenant (null: network-wide). */
  public NewWebhook withTenant(String newTenant) {
    return new NewWebhook(
        name,
        url,
        description,
        events,
        active,
        timeoutSeconds,
        retrySchedule,
        headers,
        newTenant,
        filter,
        rateLimit);
  }
}
