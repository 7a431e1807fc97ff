package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One event as a request gives it, checked, ready to publish: the body of {@code POST
 * /api/v1/events}, or one item of a batch. Every field is named with the item's prefix ({@code
 * events[3].type} in a batch), so that a problem points at what to fix.
 *
 * @param json the data as JSON, written once to check its size and sent as it is
 * @param key the partition key, null to let the publisher choose
 * @param tenant the event's tenant, null for none
 */
public record EventInput(String type, JsonNode data, byte[] json, String key, String tenant) {
  static final Set<String> FIELDS = Set.of("type", "data", "key", "tenant");
  static final int KEY_MAX = 256;

  /**
   * The event of {@code body}, valid against the catalog; an {@link ApiProblem} otherwise: 400
   * naming each bad field, 413 for data over 256 KB.
   *
   * @param prefix put before every field name, e.g. {@code "events[3]."}; empty for a single event
   * @param extraFields fields allowed beside {@link #FIELDS}, which the caller reads itself
   */
  static EventInput check(
      JsonNode body, String prefix, EventCatalog catalog, Set<String> extraFields) {
    return check(body, prefix, catalog, extraFields, null);
  }

  /**
   * As {@link #check(JsonNode, String, EventCatalog, Set)}, with the data's bytes as the client
   * sent them ({@link EventBodies}), which are then sent as they are instead of writing the data
   * again.
   *
   * @param sentData the bytes of {@code body.data} (compact JSON), or null to write them here
   */
  static EventInput check(
      JsonNode body,
      String prefix,
      EventCatalog catalog,
      Set<String> extraFields,
      byte[] sentData) {
    List<FieldError> errors = new ArrayList<>();
    if (!body.isObject())
      throw ApiProblem.invalid(prefix.isEmpty() ? "body" : strip(prefix), "must be a JSON object");
    for (Map.Entry<String, JsonNode> property : body.properties()) {
      if (!FIELDS.contains(property.getKey()) && !extraFields.contains(property.getKey()))
        errors.add(new FieldError(prefix + property.getKey(), "unknown field"));
    }
    JsonNode type = body.get("type");
    JsonNode data = body.get("data");
    JsonNode key = body.get("key");
    if (type == null || type.isNull()) errors.add(new FieldError(prefix + "type", "is required"));
    else if (!type.isTextual()) errors.add(new FieldError(prefix + "type", "must be a string"));
    if (data == null || data.isNull()) errors.add(new FieldError(prefix + "data", "is required"));
    // the workers keep the data of every delivered event in PostgreSQL (jsonb)
    else Storable.check(data, prefix + "data", errors);
    if (key != null
        && !key.isNull()
        && (!key.isTextual() || key.asText().isEmpty() || key.asText().length() > KEY_MAX)) {
      errors.add(
          new FieldError(prefix + "key", "must be a string of 1 to " + KEY_MAX + " characters"));
    }
    // the event's tenant: only that tenant's webhooks (and the network-wide ones) receive it
    JsonNode tenantNode = body.get("tenant");
    String tenant =
        tenantNode == null || tenantNode.isNull()
            ? null
            : TenantRequests.id(tenantNode, prefix + "tenant", errors);
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    // the limit is on the data as JSON: as sent, or else as written here (the bytes sent may
    // escape what the writer would not)
    byte[] json = sentData;
    if (json == null || json.length > Event.MAX_DATA_BYTES) json = Json.toBytes(data);
    if (json.length > Event.MAX_DATA_BYTES)
      throw ApiProblem.tooLarge(
          prefix.isEmpty() ? "the event data" : prefix + "data", Event.MAX_DATA_BYTES);
    List<FieldError> violations = catalog.validate(type.asText(), data);
    if (!violations.isEmpty()) {
      throw ApiProblem.invalid(
          violations.stream().map(v -> new FieldError(prefix + v.field(), v.message())).toList());
    }
    return new EventInput(
        type.asText(), data, json, key == null || key.isNull() ? null : key.asText(), tenant);
  }

  /** {@code events[3].} → {@code events[3]}. */
  private static String strip(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }
}
