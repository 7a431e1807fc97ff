package dev.hookline.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reading request bodies, path and query parameters, turning every bad input into a problem. */
final class Requests {
  private static final Pattern UUID_PATTERN =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  // Strict: trailing garbage after the document and duplicate keys are malformed input.
  static final ObjectReader READER =
      Json.MAPPER
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Requests() {}

  /**
   * The body as a JSON object: 415 unless sent as JSON, 413 over {@code maxBytes}, 400 when it is
   * empty, malformed or not an object.
   */
  static JsonNode jsonObject(Context ctx, int maxBytes) {
    return parseObject(jsonBytes(ctx, maxBytes));
  }

  /**
   * The body of a JSON request, not parsed yet: 415, 413 and an empty body as {@link #jsonObject}.
   */
  static byte[] jsonBytes(Context ctx, int maxBytes) {
    return jsonBytes(
        rawContentType(ctx),
        ctx.req().getContentLengthLong(),
        () -> ctx.req().getInputStream(),
        maxBytes);
  }

  /** The body source of {@link #jsonBytes(String, long, Body, int)}: opened only when needed. */
  @FunctionalInterface
  interface Body {
    InputStream open() throws IOException;
  }

  /**
   * As {@link #jsonBytes(Context, int)}, for a request outside Javalin ({@link EventIngress}).
   *
   * @param contentType the {@code Content-Type} header as sent, null without one
   * @param declared the {@code Content-Length}, -1 when not given
   */
  static byte[] jsonBytes(String contentType, long declared, Body body, int maxBytes) {
    requireJsonContentType(contentType);
    if (declared > maxBytes) throw ApiProblem.tooLarge("the request body", maxBytes);
    byte[] bytes = readAtMost(body, maxBytes);
    if (bytes.length == 0)
      throw ApiProblem.malformedJson("the request body is empty; send a JSON object");
    return bytes;
  }

  /** {@code bytes} as a JSON object: 400 when malformed or not an object. */
  static JsonNode parseObject(byte[] bytes) {
    JsonNode node;
    try {
      node = READER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiProblem.malformedJson(
          "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.invalid("body", "must be a JSON object");
    }
    return node;
  }

  /**
   * For actions whose body is optional: no body at all (with or without a JSON content type) is an
   * empty object; a body is read like {@link #jsonObject}, and must be sent as JSON.
   */
  static JsonNode optionalJsonObject(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) throw ApiProblem.tooLarge("the request body", maxBytes);
    byte[] bytes = readAtMost(() -> ctx.req().getInputStream(), maxBytes);
    if (bytes.length == 0) return Json.MAPPER.createObjectNode();
    requireJsonContentType(rawContentType(ctx));
    return parseObject(bytes);
  }

  /** Every property of the body not in {@code allowed}, as "unknown field" errors. */
  static List<FieldError> unknownFields(JsonNode body, Set<String> allowed) {
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : body.properties()) {
      if (!allowed.contains(property.getKey()))
        errors.add(new FieldError(property.getKey(), "unknown field"));
    }
    return errors;
  }

  /** An RFC 3339 / ISO-8601 date-time with an offset, e.g. {@code 2026-11-28T10:00:00Z}. */
  static Optional<Instant> parseInstant(String raw) {
    if (raw == null) return Optional.empty();
    try {
      return Optional.of(OffsetDateTime.parse(raw.strip()).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static final String INSTANT_FORMAT =
      "must be an ISO-8601 date-time with an offset, e.g. 2026-11-28T10:00:00Z";

  /** An optional date-time query parameter; 400 naming it when malformed. */
  static Instant queryInstant(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) return null;
    return parseInstant(raw).orElseThrow(() -> ApiProblem.invalid(name, INSTANT_FORMAT));
  }

  // The header as sent: Javalin's ctx.contentType() asks Jetty, which throws on a charset the JVM
  // does not know, and that would be answered 500 instead of 415.
  private static String rawContentType(Context ctx) {
    return ctx.header("Content-Type");
  }

  /** 415 unless the type is {@code application/json} with no charset or one the JVM knows. */
  static void requireJsonContentType(String contentType) {
    if (contentType == null) throw ApiProblem.unsupportedMediaType(null);
    String[] parts = contentType.split(";");
    String mediaType = parts.length == 0 ? "" : parts[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) throw ApiProblem.unsupportedMediaType(contentType);
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip();
      int equals = parameter.indexOf('=');
      if (equals < 0) continue;
      if (!parameter.substring(0, equals).strip().equalsIgnoreCase("charset")) continue;
      String charset = unquote(parameter.substring(equals + 1).strip());
      if (!isKnownCharset(charset)) throw ApiProblem.unsupportedCharset(contentType);
    }
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\""))
      return value.substring(1, value.length() - 1);
    return value;
  }

  private static boolean isKnownCharset(String name) {
    try {
      return Charset.isSupported(name);
    } catch (IllegalCharsetNameException e) {
      return false;
    }
  }

  // Reads at most maxBytes + 1 bytes so a chunked body without Content-Length cannot exhaust
  // memory.
  private static byte[] readAtMost(Body body, int maxBytes) {
    try (InputStream in = body.open()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) throw ApiProblem.tooLarge("the request body", maxBytes);
      return bytes;
    } catch (IOException e) {
      throw ApiProblem.malformedJson("the request body could not be read: " + e.getMessage());
    }
  }

  /** A path id; an id that cannot exist is as unknown as a missing one: 404. */
  static UUID pathId(Context ctx, String name, String what) {
    String raw = ctx.pathParam(name);
    return parseUuid(raw)
        .orElseThrow(() -> ApiProblem.notFound("no " + what + " with id '" + raw + "'"));
  }

  static Optional<UUID> parseUuid(String raw) {
    if (raw == null || !UUID_PATTERN.matcher(raw).matches()) return Optional.empty();
    return Optional.of(UUID.fromString(raw));
  }

  /** An optional UUID query parameter (a cursor); 400 naming it when malformed. */
  static UUID queryUuid(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) return null;
    return parseUuid(raw)
        .orElseThrow(
            () -> ApiProblem.invalid(name, "must be a cursor returned by a previous page"));
  }

  /** The optional {@code tenant} query parameter (a list filter); 400 naming it when malformed. */
  static String queryTenant(Context ctx) {
    String raw = ctx.queryParam("tenant");
    if (raw == null || raw.isEmpty()) return null;
    if (!dev.hookline.schemas.TenantIds.isValid(raw))
      throw ApiProblem.invalid("tenant", dev.hookline.schemas.TenantIds.RULE);
    return raw;
  }

  /** The page size, 1 to {@code max}; 400 naming {@code limit} otherwise. */
  static int limit(Context ctx, int defaultLimit, int max) {
    String raw = ctx.queryParam("limit");
    if (raw == null || raw.isEmpty()) return defaultLimit;
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= max) return limit;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiProblem.invalid("limit", "must be an integer from 1 to " + max);
  }
}
