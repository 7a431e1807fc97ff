package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.filter.Filter;
import dev.hookline.schemas.filter.FilterException;
import dev.hookline.store.NewWebhook;
import dev.hookline.store.WebhookPatch;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON of {@code POST} and {@code PATCH /webhooks} into store requests, collecting every
 * violation (not just the first) so the admin can fix them all at once.
 */
final class WebhookRequests {
  static final int NAME_MAX = 200;
  static final int URL_MAX = 2000;
  static final int DESCRIPTION_MAX = 2000;
  static final int EVENTS_MAX = 100;
  static final int TIMEOUT_DEFAULT = 15;
  static final int TIMEOUT_MAX = 30;
  static final int RETRY_STEPS_MAX = 20;
  static final int RETRY_DELAY_MIN = 1;
  static final int RETRY_DELAY_MAX = 24 * 3600;
  static final int HEADERS_MAX = 20;
  static final int RATE_LIMIT_MAX = 10_000;
  static final int HEADER_VALUE_MAX = 1000;

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "url",
          "events",
          "active",
          "description",
          "timeoutSeconds",
          "retrySchedule",
          "headers",
          "tenant",
          "filter",
          "rateLimit");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  // Headers Hookline sets itself (or HTTP owns); letting an admin override them would break
  // signatures or framing.
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "content-type",
          "content-length",
          "host",
          "transfer-encoding",
          "connection",
          "upgrade",
          "expect",
          "te",
          "trailer",
          "keep-alive");

  private final EventCatalog catalog;

  WebhookRequests(EventCatalog catalog) {
    this.catalog = catalog;
  }

  NewWebhook create(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    rejectUnknown(body, errors);
    String name = required(body, "name", errors) ? name(body.get("name"), errors) : null;
    String url = required(body, "url", errors) ? url(body.get("url"), errors) : null;
    List<String> events =
        required(body, "events", errors) ? events(body.get("events"), errors) : null;
    boolean active = !body.has("active") || bool(body.get("active"), "active", errors);
    String description =
        body.has("description") ? description(body.get("description"), errors) : "";
    int timeout =
        body.has("timeoutSeconds") ? timeout(body.get("timeoutSeconds"), errors) : TIMEOUT_DEFAULT;
    JsonNode schedule = body.get("retrySchedule");
    List<Integer> retrySchedule =
        schedule == null || schedule.isNull() ? null : retrySchedule(schedule, errors);
    Map<String, String> headers =
        body.has("headers") ? headers(body.get("headers"), errors) : Map.of();
    String tenant = tenant(body, errors);
    JsonNode filter = filter(body.get("filter"), errors);
    JsonNode limit = body.get("rateLimit");
    Integer rateLimit = limit == null || limit.isNull() ? null : rateLimit(limit, errors);
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    return new NewWebhook(
        name,
        url,
        description,
        events,
        active,
        timeout,
        retrySchedule,
        headers,
        tenant,
        filter,
        rateLimit);
  }

  /**
   * The webhook's {@code tenant}: absent or null for a network-wide webhook. Checked here for its
   * form only; whether the tenant exists (and is the caller's) is for the store and the route.
   */
  static String tenant(JsonNode body, List<FieldError> errors) {
    JsonNode node = body.get("tenant");
    if (node == null || node.isNull()) return null;
    return TenantRequests.id(node, "tenant", errors);
  }

  /**
   * Present fields are validated like on create; absent ones are left as they are. {@code
   * retrySchedule: null} goes back to the default schedule, {@code filter: null} removes the
   * filter, {@code rateLimit: null} makes it unlimited; {@code active: true} also re-enables a
   * webhook Hookline disabled.
   */
  WebhookPatch patch(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    rejectUnknown(body, errors);
    WebhookPatch.Builder patch = WebhookPatch.builder();
    present(body, "name").map(n -> name(n, errors)).ifPresent(patch::name);
    present(body, "url").map(n -> url(n, errors)).ifPresent(patch::url);
    present(body, "description").map(n -> description(n, errors)).ifPresent(patch::description);
    present(body, "events").map(n -> events(n, errors)).ifPresent(patch::events);
    present(body, "active").map(n -> bool(n, "active", errors)).ifPresent(patch::active);
    present(body, "timeoutSeconds").map(n -> timeout(n, errors)).ifPresent(patch::timeoutSeconds);
    JsonNode schedule = body.get("retrySchedule");
    if (schedule != null && schedule.isNull()) patch.resetRetrySchedule();
    else
      present(body, "retrySchedule")
          .map(n -> retrySchedule(n, errors))
          .ifPresent(patch::retrySchedule);
    present(body, "headers").map(n -> headers(n, errors)).ifPresent(patch::headers);
    tenant(body, errors); // its form; a change of tenant is refused by the route (409)
    JsonNode filter = body.get("filter");
    if (filter != null && filter.isNull()) patch.clearFilter();
    else if (filter != null) {
      JsonNode checked = filter(filter, errors);
      if (checked != null) patch.filter(checked);
    }
    JsonNode limit = body.get("rateLimit");
    if (limit != null) patch.rateLimit(limit.isNull() ? null : rateLimit(limit, errors));
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    return patch.build();
  }

  private static Optional<JsonNode> present(JsonNode body, String field) {
    return Optional.ofNullable(body.get(field));
  }

  private static void rejectUnknown(JsonNode body, List<FieldError> errors) {
    for (Map.Entry<String, JsonNode> property : body.properties()) {
      if (!FIELDS.contains(property.getKey()))
        errors.add(new FieldError(property.getKey(), "unknown field"));
    }
  }

  static boolean required(JsonNode body, String field, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      errors.add(new FieldError(field, "is required"));
      return false;
    }
    return true;
  }

  static String name(JsonNode node, List<FieldError> errors) {
    if (!node.isTextual()) return fail(errors, "name", "must be a string");
    String name = node.asText().strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > NAME_MAX)
      return fail(errors, "name", "must be 1 to " + NAME_MAX + " characters");
    if (name.chars().anyMatch(Character::isISOControl))
      return fail(errors, "name", "must not contain control characters");
    return Storable.check(name, "name", errors) ? name : null;
  }

  private static String url(JsonNode node, List<FieldError> errors) {
    if (!node.isTextual()) return fail(errors, "url", "must be a string");
    String raw = node.asText().strip();
    if (raw.isEmpty()) return fail(errors, "url", "must not be empty");
    if (raw.length() > URL_MAX)
      return fail(errors, "url", "must be at most " + URL_MAX + " characters");
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      return fail(errors, "url", "is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      return fail(errors, "url", "must be an absolute http:// or https:// URL");
    }
    if (uri.getRawUserInfo() != null)
      return fail(errors, "url", "must not contain a user name or password");
    if (uri.getHost() == null || uri.getHost().isEmpty())
      return fail(errors, "url", "must name a valid host");
    if (uri.getPort() == 0 || uri.getPort() > 65_535)
      return fail(errors, "url", "has an invalid port");
    return Storable.check(raw, "url", errors) ? raw : null;
  }

  private List<String> events(JsonNode node, List<FieldError> errors) {
    if (!node.isArray()) return fail(errors, "events", "must be an array of event type names");
    if (node.isEmpty())
      return fail(errors, "events", "must name at least one event type (or \"*\" for all)");
    if (node.size() > EVENTS_MAX)
      return fail(errors, "events", "must name at most " + EVENTS_MAX + " event types");
    Set<String> events = new LinkedHashSet<>(); // duplicates are harmless: keep the first
    boolean ok = true;
    for (int i = 0; i < node.size(); i++) {
      JsonNode event = node.get(i);
      String field = "events[" + i + "]";
      if (!event.isTextual()) {
        ok = false;
        errors.add(new FieldError(field, "must be a string"));
      } else if (!event.asText().equals(Subscription.WILDCARD)
          && !catalog.contains(event.asText())) {
        ok = false;
        errors.add(
            new FieldError(
                field, "unknown event type '" + event.asText() + "'; see GET /api/v1/event-types"));
      } else {
        events.add(event.asText());
      }
    }
    return ok ? List.copyOf(events) : null;
  }

  private static Boolean bool(JsonNode node, String field, List<FieldError> errors) {
    if (!node.isBoolean()) {
      errors.add(new FieldError(field, "must be true or false"));
      return Boolean.FALSE;
    }
    return node.booleanValue();
  }

  private static String description(JsonNode node, List<FieldError> errors) {
    if (node.isNull()) return "";
    if (!node.isTextual()) return fail(errors, "description", "must be a string");
    String text = node.asText();
    if (text.codePointCount(0, text.length()) > DESCRIPTION_MAX) {
      return fail(errors, "description", "must be at most " + DESCRIPTION_MAX + " characters");
    }
    return Storable.check(text, "description", errors) ? text : null;
  }

  /** Deliveries per second, for all workers together: an integer from 1 to 10,000. */
  private static Integer rateLimit(JsonNode node, List<FieldError> errors) {
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.intValue() < 1
        || node.intValue() > RATE_LIMIT_MAX) {
      errors.add(
          new FieldError(
              "rateLimit",
              "must be an integer from 1 to "
                  + RATE_LIMIT_MAX
                  + " (deliveries per second), or null"));
      return 1;
    }
    return node.intValue();
  }

  private static Integer timeout(JsonNode node, List<FieldError> errors) {
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.intValue() < 1
        || node.intValue() > TIMEOUT_MAX) {
      errors.add(new FieldError("timeoutSeconds", "must be an integer from 1 to " + TIMEOUT_MAX));
      return TIMEOUT_DEFAULT;
    }
    return node.intValue();
  }

  private static List<Integer> retrySchedule(JsonNode node, List<FieldError> errors) {
    if (!node.isArray() || node.isEmpty() || node.size() > RETRY_STEPS_MAX) {
      return fail(
          errors,
          "retrySchedule",
          "must be an array of 1 to " + RETRY_STEPS_MAX + " delays in seconds");
    }
    List<Integer> delays = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode delay = node.get(i);
      if (!delay.isIntegralNumber()
          || !delay.canConvertToInt()
          || delay.intValue() < RETRY_DELAY_MIN
          || delay.intValue() > RETRY_DELAY_MAX) {
        errors.add(
            new FieldError(
                "retrySchedule[" + i + "]",
                "must be an integer from "
                    + RETRY_DELAY_MIN
                    + " to "
                    + RETRY_DELAY_MAX
                    + " (seconds, 1 s to 24 h)"));
      } else {
        delays.add(delay.intValue());
      }
    }
    return delays;
  }

  private static Map<String, String> headers(JsonNode node, List<FieldError> errors) {
    if (node.isNull()) return Map.of(); // null clears them
    if (!node.isObject())
      return fail(errors, "headers", "must be an object of header names to values");
    if (node.size() > HEADERS_MAX)
      return fail(errors, "headers", "must have at most " + HEADERS_MAX + " headers");
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> header : node.properties()) {
      String field = "headers." + header.getKey();
      if (!HEADER_NAME.matcher(header.getKey()).matches()) {
        errors.add(new FieldError(field, "is not a valid HTTP header name"));
      } else if (RESERVED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        errors.add(new FieldError(field, "is set by Hookline and cannot be overridden"));
      } else if (!header.getValue().isTextual()) {
        errors.add(new FieldError(field, "must be a string"));
      } else if (header.getValue().asText().length() > HEADER_VALUE_MAX
          || header
              .getValue()
              .asText()
              .chars()
              .anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
        errors.add(
            new FieldError(
                field, "must be at most " + HEADER_VALUE_MAX + " characters, without line breaks"));
      } else if (Storable.check(header.getValue().asText(), field, errors)) {
        headers.put(header.getKey(), header.getValue().asText());
      }
    }
    return headers;
  }

  /**
   * A payload filter: absent or null for none; otherwise it must compile, or the error names where
   * in it and which operator is at fault ({@code filter["data.total"].$gte}).
   */
  static JsonNode filter(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) return null;
    try {
      Filter.compile(node);
    } catch (FilterException e) {
      return fail(errors, e.at(), e.reason());
    }
    // the filter is stored as text, which cannot hold every string JSON can
    int before = errors.size();
    Storable.check(node, "filter", errors);
    return errors.size() == before ? node : null;
  }

  private static <T> T fail(List<FieldError> errors, String field, String message) {
    errors.add(new FieldError(field, message));
    return null;
  }
}
