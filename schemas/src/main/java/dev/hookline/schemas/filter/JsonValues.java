package dev.hookline.schemas.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Equality and order of JSON values as the filter language defines them. */
final class JsonValues {
  private JsonValues() {}

  /**
   * JSON equality: numbers by value ({@code 100} equals {@code 100.0}), strings, booleans and null
   * exactly, arrays element by element, objects member by member whatever their order.
   */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return compareNumbers(a, b) == 0;
    if (a.getNodeType() != b.getNodeType()) return false;
    if (a.isArray()) {
      if (a.size() != b.size()) return false;
      for (int i = 0; i < a.size(); i++) if (!equal(a.get(i), b.get(i))) return false;
      return true;
    }
    if (a.isObject()) {
      if (a.size() != b.size()) return false;
      for (Map.Entry<String, JsonNode> member : a.properties()) {
        JsonNode other = b.get(member.getKey());
        if (other == null || !equal(member.getValue(), other)) return false;
      }
      return true;
    }
    return a.equals(b);
  }

  /** Whether two values can be ordered: both numbers or both strings. */
  static boolean comparable(JsonNode a, JsonNode b) {
    return (a.isNumber() && b.isNumber()) || (a.isTextual() && b.isTextual());
  }

  /**
   * The order of two {@link #comparable} values: numbers by value, strings by UTF-16 code units (as
   * Java and JavaScript compare them, so RFC 3339 timestamps in UTC compare as times).
   */
  static int compare(JsonNode a, JsonNode b) {
    if (a.isNumber()) return compareNumbers(a, b);
    return a.textValue().compareTo(b.textValue());
  }

  private static int compareNumbers(JsonNode a, JsonNode b) {
    if (a.canConvertToExactIntegral()
        && b.canConvertToExactIntegral()
        && a.canConvertToLong()
        && b.canConvertToLong()) return Long.compare(a.longValue(), b.longValue());
    return a.decimalValue().compareTo(b.decimalValue());
  }
}
