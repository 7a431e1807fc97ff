package dev.hookline.schemas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeFormatter;

/**
 * The body a receiver gets for an event: {@code {"type": ..., "timestamp": <event time, RFC 3339 in
 * UTC>, "data": {...}}} (docs/design.md, "Delivery"). The worker sends it, the router evaluates
 * payload filters against it: one definition, so a filter sees exactly what the receiver will.
 */
public final class DeliveredBody {
  private DeliveredBody() {}

  /** The body; its {@code data} is the event's data node itself, not a copy. */
  public static ObjectNode of(Event event) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", event.type());
    // ISO_INSTANT is RFC 3339 in UTC ("2026-11-28T10:15:30.123Z"), the form receivers parse
    // everywhere
    body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.time()));
    body.set("data", event.data());
    return body;
  }
}
