package dev.hookline.router;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventAttribute;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.TenantIds;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads one CloudEvents binary-mode Kafka record into an {@link Event}, or says in plain words why
 * it cannot. Stateless and thread-safe.
 */
final class EventReader {
  /** Trailing garbage after the object ("{}x") is a malformed value, not a valid one. */
  private static final ObjectReader STRICT_TREE_READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The outcome of reading one record. */
  sealed interface Result {}

  record Valid(Event event) implements Result {}

  /** Why a record was refused: one line of at most {@value #MAX_REASON_CHARS} characters. */
  record Invalid(String reason) implements Result {
    Invalid {
      reason = OneLine.of(reason, MAX_REASON_CHARS);
    }
  }

  /** The reason goes into a header and a WARN log line: it must stay short whatever came in. */
  static final int MAX_REASON_CHARS = 200;

  private final Predicate<String> knownType;

  EventReader(Predicate<String> knownType) {
    this.knownType = knownType;
  }

  /**
   * @param fallbackTime used when the optional {@code ce_time} is absent (CloudEvents makes {@code
   *     time} optional; any CloudEvents producer may publish): the Kafka record timestamp
   */
  Result read(Headers headers, byte[] value, Instant fallbackTime) {
    if (value == null || value.length == 0)
      return new Invalid("the value is empty; it must be the event data, a JSON object");
    if (value.length > Event.MAX_DATA_BYTES) {
      return new Invalid(
          "the event data is "
              + value.length
              + " bytes, over the "
              + Event.MAX_DATA_BYTES
              + " byte limit");
    }
    try {
      String specversion = required(headers, CloudEventHeaders.SPECVERSION);
      if (!CloudEventHeaders.SPECVERSION_VALUE.equals(specversion)) {
        return new Invalid(
            "unsupported "
                + CloudEventHeaders.SPECVERSION
                + " "
                + OneLine.quote(specversion)
                + "; only 1.0 is supported");
      }
      String id = required(headers, EventAttribute.ID);
      String source = required(headers, EventAttribute.SOURCE);
      if (!isUriReference(source)) {
        return new Invalid(
            CloudEventHeaders.SOURCE + " " + OneLine.quote(source) + " is not a URI reference");
      }
      String type = required(headers, EventAttribute.TYPE);
      if (!knownType.test(type)) {
        return new Invalid(
            "unknown event type " + OneLine.quote(type) + ": not in the event catalog");
      }
      String tenant = tenant(headers);
      String contentType = optional(headers, EventAttribute.CONTENT_TYPE);
      if (contentType != null && !isJson(contentType)) {
        return new Invalid(
            CloudEventHeaders.CONTENT_TYPE + " " + OneLine.quote(contentType) + " is not JSON");
      }
      String timeText = optional(headers, EventAttribute.TIME);
      Instant time;
      if (timeText == null) {
        time = fallbackTime;
      } else {
        try {
          time = Rfc3339.parse(timeText);
        } catch (DateTimeParseException e) {
          return new Invalid(
              CloudEventHeaders.TIME
                  + " "
                  + OneLine.quote(timeText)
                  + " is not an RFC 3339 timestamp");
        }
      }
      optional(headers, EventAttribute.SUBJECT); // not carried, but never unbounded
      JsonNode data = WrittenData.read(value); // kept as it came when already the written form
      if (data != null) return new Valid(new Event(id, type, source, time, data, tenant));
      try {
        data = STRICT_TREE_READER.readTree(value);
      } catch (IOException e) {
        return new Invalid("the value is not valid JSON: " + firstLine(e.getMessage()));
      }
      if (data == null || !data.isObject()) {
        return new Invalid(
            "the value must be a JSON object, was "
                + (data == null ? "nothing" : data.getNodeType().name().toLowerCase(Locale.ROOT)));
      }
      return new Valid(new Event(id, type, source, time, data, tenant));
    } catch (BadHeader e) {
      return new Invalid(e.getMessage());
    }
  }

  private static String required(Headers headers, EventAttribute attribute) throws BadHeader {
    String value = optional(headers, attribute);
    if (value == null) throw new BadHeader("missing or empty header " + attribute.header());
    return value;
  }

  /** The attribute's value, or null when absent or blank; refused past its limits. */
  private static String optional(Headers headers, EventAttribute attribute) throws BadHeader {
    String value = optional(headers, attribute.header());
    if (value == null) return null;
    String problem = attribute.problem(value);
    if (problem != null) throw new BadHeader(problem);
    return value;
  }

  /**
   * The optional extension attribute {@code tenant}: absent is an event without a tenant; present,
   * it must be a tenant id (an empty one is a producer's mistake, not "no tenant").
   */
  private static String tenant(Headers headers) throws BadHeader {
    Header header = headers.lastHeader(CloudEventHeaders.TENANT);
    if (header == null || header.value() == null) return null;
    String tenant = utf8(header.value(), CloudEventHeaders.TENANT);
    if (!TenantIds.isValid(tenant))
      throw new BadHeader(
          CloudEventHeaders.TENANT + " " + OneLine.quote(tenant) + " " + TenantIds.RULE);
    return tenant;
  }

  private static String required(Headers headers, String name) throws BadHeader {
    String value = optional(headers, name);
    if (value == null) throw new BadHeader("missing or empty header " + name);
    return value;
  }

  /** The last value of a header, or null when absent or blank. */
  private static String optional(Headers headers, String name) throws BadHeader {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null) return null;
    String text = utf8(header.value(), name);
    if (text.isBlank()) return null;
    return text;
  }

  private static String utf8(byte[] value, String name) throws BadHeader {
    // ASCII, as the attributes Hookline reads almost always are, is UTF-8 as it stands: no decoder
    if (isAscii(value)) return new String(value, StandardCharsets.ISO_8859_1);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadHeader("header " + name + " is not UTF-8 text");
    }
  }

  private static boolean isAscii(byte[] value) {
    for (byte b : value) if (b < 0) return false;
    return true;
  }

  private static boolean isUriReference(String text) {
    try {
      new URI(text);
      return true;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean isJson(String contentType) {
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json") || mediaType.endsWith("+json");
  }

  private static String firstLine(String message) {
    if (message == null) return "unreadable";
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** A header that is present but unreadable; carries the human reason. */
  private static final class BadHeader extends Exception {
    BadHeader(String reason) {
      super(reason, null, false, false);
    }
  }
}
