package dev.hookline.schemas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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

  /**
   * The body as bytes, as {@code Json.toBytes(of(event))} writes it. For data kept raw ({@link
   * RawData}, the worker's tasks) and a plain type it is put together around the data's text
   * without a generator: the body is built for every attempt.
   */
  public static byte[] bytes(Event event) {
    String data = RawData.textOf(event.data());
    if (data == null || !plain(event.type())) return Json.toBytes(of(event));
    return ("{\"type\":\""
            + event.type()
            + "\",\"timestamp\":\""
            + DateTimeFormatter.ISO_INSTANT.format(event.time())
            + "\",\"data\":"
            + data
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Printable ASCII that JSON writes unescaped: a catalog type always is. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
    }
    return true;
  }
}
