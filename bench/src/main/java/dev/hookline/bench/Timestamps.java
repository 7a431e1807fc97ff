package dev.hookline.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads the event time out of a webhook body without parsing the whole JSON (the receiver's hot
 * path).
 */
final class Timestamps {
  private static final byte[] KEY = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

  /** The body is {@code {"type":..,"timestamp":..,"data":..}}: the timestamp comes early. */
  private static final int SCAN_LIMIT = 512;

  private Timestamps() {}

  /** Epoch milliseconds of the body's {@code timestamp}, or -1 when there is none. */
  static long eventTimeMillis(byte[] body) {
    int limit = Math.min(body.length, SCAN_LIMIT) - KEY.length;
    outer:
    for (int i = 0; i <= limit; i++) {
      for (int j = 0; j < KEY.length; j++) {
        if (body[i + j] != KEY[j]) continue outer;
      }
      int start = i + KEY.length;
      int end = start;
      while (end < body.length && body[end] != '"') end++;
      try {
        return Instant.parse(new String(body, start, end - start, StandardCharsets.US_ASCII))
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        return -1;
      }
    }
    return -1;
  }
}
