package dev.hookline.worker;

import dev.hookline.schemas.DeliveredBody;
import dev.hookline.schemas.Event;

/**
 * The request body: {@code {"type": ..., "timestamp": <event time, RFC 3339>, "data": {...}}}, as
 * {@link DeliveredBody} builds it (the router's payload filters read the same body).
 */
final class PayloadWriter {
  private PayloadWriter() {}

  static byte[] body(Event event) {
    return DeliveredBody.bytes(event);
  }
}
