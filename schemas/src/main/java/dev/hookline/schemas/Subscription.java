package dev.hookline.schemas;

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
 */
public record Subscription(UUID id, long version, List<String> events, boolean active) {
  public static final String WILDCARD = "*";

  public Subscription {
    Objects.requireNonNull(id, "id");
    events = List.copyOf(events);
  }

  public boolean matches(String eventType) {
    return active && (events.contains(eventType) || events.contains(WILDCARD));
  }
}
