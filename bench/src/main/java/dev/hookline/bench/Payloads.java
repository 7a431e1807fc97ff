package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Event data of a chosen size that the catalog accepts. */
final class Payloads {
  /** An extra field; every catalog schema allows additional properties. */
  static final String PADDING_FIELD = "bench_padding";

  private Payloads() {}

  /**
   * Data of {@code type} whose JSON is {@code bytes} long (or the type's required fields alone, if
   * they are longer): the example's required fields, then as many of its other fields as fit, then
   * padding. Checked against the catalog, so the publisher's validation accepts it.
   */
  static ObjectNode of(EventCatalog catalog, String typeName, int bytes) {
    EventType type =
        catalog
            .find(typeName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException("no event type " + typeName + " in the catalog"));
    JsonNode example = type.example();
    ObjectNode data = Json.MAPPER.createObjectNode();
    for (JsonNode required : type.schema().path("required")) {
      String name = required.asText();
      if (example.has(name)) data.set(name, example.get(name));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = example.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (data.has(field.getKey())) continue;
      data.set(field.getKey(), field.getValue());
      if (size(data) > bytes - 40) { // leave room for the padding field itself
        data.remove(field.getKey());
        break;
      }
    }
    int missing = bytes - size(data) - ("," + '"' + PADDING_FIELD + "\":\"\"").length();
    if (missing > 0) data.put(PADDING_FIELD, "x".repeat(missing));
    List<FieldError> errors = catalog.validate(typeName, data);
    if (!errors.isEmpty())
      throw new IllegalStateException("bench payload for " + typeName + " is invalid: " + errors);
    return data;
  }

  static int size(JsonNode data) {
    return Json.toBytes(data).length;
  }
}
