package dev.hookline.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import java.time.format.DateTimeFormatter;

/** The request body: {@code {"type": ..., "timestamp": <event time, RFC 3339>, "data": {...}}}. */
final class PayloadWriter {
  private PayloadWriter() {}

  static byte[] body(Event event) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", event.type());
    // ISO_INSTANT is RFC 3339 in UTC ("2026-11-28T10:15:30.123Z"), the form receivers parse
    // everywhere
    body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.time()));
    body.set("data", event.data());
    return Json.toBytes(body);
  }
}
