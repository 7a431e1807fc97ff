package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.TenantIds;
import dev.hookline.store.NewTenant;
import dev.hookline.store.TenantPatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The JSON of {@code POST} and {@code PATCH /tenants}, checked field by field. */
final class TenantRequests {
  static final int METADATA_MAX = 50;
  static final int METADATA_KEY_MAX = 40;
  static final int METADATA_VALUE_MAX = 500;
  private static final Set<String> CREATE_FIELDS = Set.of("id", "name", "metadata");
  private static final Set<String> PATCH_FIELDS = Set.of("name", "metadata");

  private TenantRequests() {}

  static NewTenant create(JsonNode body) {
    List<FieldError> errors = Requests.unknownFields(body, CREATE_FIELDS);
    String id =
        WebhookRequests.required(body, "id", errors) ? id(body.get("id"), "id", errors) : null;
    String name =
        WebhookRequests.required(body, "name", errors)
            ? WebhookRequests.name(body.get("name"), errors)
            : null;
    Map<String, String> metadata =
        body.has("metadata") ? metadata(body.get("metadata"), errors) : Map.of();
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    return new NewTenant(id, name, metadata);
  }

  static TenantPatch patch(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    for (var property : body.properties()) {
      if (property.getKey().equals("id"))
        errors.add(new FieldError("id", "cannot be changed; create a new tenant instead"));
      else if (!PATCH_FIELDS.contains(property.getKey()))
        errors.add(new FieldError(property.getKey(), "unknown field"));
    }
    Optional<String> name =
        Optional.ofNullable(body.get("name")).map(n -> WebhookRequests.name(n, errors));
    Optional<Map<String, String>> metadata =
        Optional.ofNullable(body.get("metadata")).map(n -> metadata(n, errors));
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    return new TenantPatch(name, metadata);
  }

  /** A tenant id in a body or a query parameter; null after recording the error. */
  static String id(JsonNode node, String field, List<FieldError> errors) {
    if (!node.isTextual()) return fail(errors, field, "must be a string");
    return id(node.asText(), field, errors);
  }

  static String id(String raw, String field, List<FieldError> errors) {
    if (!TenantIds.isValid(raw)) return fail(errors, field, TenantIds.RULE);
    return raw;
  }

  private static Map<String, String> metadata(JsonNode node, List<FieldError> errors) {
    if (node.isNull()) return Map.of(); // null clears it
    if (!node.isObject()) return fail(errors, "metadata", "must be an object of string values");
    if (node.size() > METADATA_MAX)
      return fail(errors, "metadata", "must have at most " + METADATA_MAX + " keys");
    Map<String, String> metadata = new LinkedHashMap<>();
    for (var entry : node.properties()) {
      String key = entry.getKey();
      String field = "metadata." + key;
      if (key.isEmpty() || key.length() > METADATA_KEY_MAX || hasControl(key)) {
        errors.add(
            new FieldError(
                field, "keys must be 1 to " + METADATA_KEY_MAX + " characters, no control ones"));
      } else if (!entry.getValue().isTextual()) {
        errors.add(new FieldError(field, "must be a string"));
      } else if (entry.getValue().asText().length() > METADATA_VALUE_MAX
          || hasControl(entry.getValue().asText())) {
        errors.add(
            new FieldError(
                field,
                "must be at most "
                    + METADATA_VALUE_MAX
                    + " characters, without control characters"));
      } else if (Storable.check(key, field, errors)
          && Storable.check(entry.getValue().asText(), field, errors)) {
        metadata.put(key, entry.getValue().asText());
      }
    }
    return metadata;
  }

  private static boolean hasControl(String text) {
    return text.chars().anyMatch(Character::isISOControl);
  }

  private static <T> T fail(List<FieldError> errors, String field, String message) {
    errors.add(new FieldError(field, message));
    return null;
  }
}
