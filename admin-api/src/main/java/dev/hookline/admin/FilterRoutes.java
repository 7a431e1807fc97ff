package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveredBody;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.filter.Clause;
import dev.hookline.schemas.filter.Filter;
import dev.hookline.schemas.filter.FilterException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/filters/test}: whether a payload filter passes a delivered body, given as
 * {@code payload} or made from the catalog example of {@code type}, and if not, the first clause
 * that failed. It reads nothing stored, so tenant tokens may use it.
 */
final class FilterRoutes {
  private static final Set<String> FIELDS = Set.of("filter", "payload", "type");

  /** What the test answers; {@code failed} null when the filter matches. */
  record Result(boolean matches, Clause failed) {}

  private final EventCatalog catalog;
  private final int maxBodyBytes;

  FilterRoutes(EventCatalog catalog, int maxBodyBytes) {
    this.catalog = catalog;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + "/filters/test", this::test, Caller.Access.TENANT);
  }

  private void test(Context ctx) {
    JsonNode body = Requests.jsonObject(ctx, maxBodyBytes);
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : body.properties()) {
      if (!FIELDS.contains(property.getKey()))
        errors.add(new FieldError(property.getKey(), "unknown field"));
    }
    Filter filter = null;
    JsonNode json = body.get("filter");
    if (json == null || json.isNull()) errors.add(new FieldError("filter", "is required"));
    else {
      try {
        filter = Filter.compile(json);
      } catch (FilterException e) {
        errors.add(new FieldError(e.at(), e.reason()));
      }
    }
    JsonNode delivered = delivered(body.get("payload"), body.get("type"), errors);
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    Clause failed = filter.firstFailure(delivered).orElse(null);
    Responses.json(ctx, 200, new Result(failed == null, failed));
  }

  /** The body to test: the payload as given, or the body a receiver gets for the type's example. */
  private JsonNode delivered(JsonNode payload, JsonNode type, List<FieldError> errors) {
    boolean hasPayload = payload != null && !payload.isNull();
    boolean hasType = type != null && !type.isNull();
    if (hasPayload == hasType) {
      errors.add(
          new FieldError(
              hasPayload ? "payload" : "type",
              "give either payload (the body a receiver gets: {\"type\", \"timestamp\", \"data\"})"
                  + " or type (an event type whose catalog example is used), not "
                  + (hasPayload ? "both" : "neither")));
      return null;
    }
    if (hasPayload) {
      if (!payload.isObject()) {
        errors.add(new FieldError("payload", "must be a JSON object"));
        return null;
      }
      return payload;
    }
    if (!type.isTextual()) {
      errors.add(new FieldError("type", "must be a string"));
      return null;
    }
    EventType eventType = catalog.find(type.textValue()).orElse(null);
    if (eventType == null) {
      errors.add(
          new FieldError(
              "type",
              "unknown event type '" + type.textValue() + "'; see GET /api/v1/event-types"));
      return null;
    }
    return DeliveredBody.of(
        new Event(
            "evt_filter_test",
            eventType.name(),
            "/filters/test",
            Instant.now(),
            eventType.example(),
            null));
  }
}
