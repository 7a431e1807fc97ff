package dev.hookline.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A webhook's routing record on the compacted {@code hookline.subscriptions} topic (key = webhook
 * id). It never carries the secret.
 *
 * @param id webhook id
 * @param version bumped on every change of the webhook
 * @param events event types the webhook subscribes to; {@code *} matches every type
 * @param active false when the webhook is inactive or disabled: it then matches nothing
 * @param tenant the webhook's tenant: it then receives only that tenant's events; null for a
 *     network-wide webhook, which receives matching events of every tenant and of none. Left out of
 *     the JSON when null.
 * @param filter the webhook's payload filter ({@link dev.hookline.schemas.filter.Filter}), or null
 *     when it takes every event of its types; left out of the JSON when null. A router that cannot
 *     compile it routes nothing to the webhook (fails closed).
 */
public record Subscription(
    UUID id,
    long version,
    List<String> events,
    boolean active,
    @JsonInclude(JsonInclude.Include.NON_NULL) String tenant,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode filter) {
  public static final String WILDCARD = "*";

  public Subscription {
    Objects.requireNonNull(id, "id");
    events = List.copyOf(events);
    if (filter != null && filter.isNull()) filter = null;
  }

  /**
   * Whether an event of this type and tenant (null: none) matches the webhook's route; its payload
   * {@link #filter} is then evaluated on the event's body (the router's RouteFilters).
   */
  public boolean matches(String eventTenant, String eventType) {
    return (tenant == null || tenant.equals(eventTenant)) && matches(eventType);
  }

  /** Whether the webhook takes this event type, whatever the tenant. */
  public boolean matches(String eventType) {
    return active && (events.contains(eventType) || events.contains(WILDCARD));
  }
}
