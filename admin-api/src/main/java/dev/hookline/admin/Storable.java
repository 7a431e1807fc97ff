package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Text PostgreSQL can store as it is given: no NUL (PostgreSQL's {@code text} and {@code jsonb}
 * refuse it, and the write would fail with a 500) and no lone surrogate (not text at all: it would
 * be stored as {@code ?}, silently changed). Every string a request hands to the store or to a
 * stored event goes through here, so such input is a 400 naming the field, and nothing is written.
 */
final class Storable {
  private Storable() {}

  /** Why {@code text} cannot be stored as it is, or null when it can. */
  static String problem(String text) {
    if (text == null) return null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') return "must not contain NUL (U+0000), which cannot be stored";
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must not contain a lone surrogate ("
            + String.format(Locale.ROOT, "U+%04X", (int) c)
            + "), which is not text";
      }
    }
    return null;
  }

  /** Adds an error for {@code field} when {@code text} cannot be stored; true when it can. */
  static boolean check(String text, String field, List<FieldError> errors) {
    String problem = problem(text);
    if (problem != null) errors.add(new FieldError(field, problem));
    return problem == null;
  }

  /**
   * Adds an error for every string (value or key) of {@code tree} that cannot be stored, named by
   * its path under {@code field} ({@code data.customer.name}, {@code data.items[2]}).
   */
  static void check(JsonNode tree, String field, List<FieldError> errors) {
    if (tree == null) return;
    if (tree.isTextual()) {
      check(tree.textValue(), field, errors);
    } else if (tree.isArray()) {
      for (int i = 0; i < tree.size(); i++) {
        if (worthALook(tree.get(i))) check(tree.get(i), field + "[" + i + "]", errors);
      }
    } else if (tree.isObject()) {
      for (Map.Entry<String, JsonNode> property : tree.properties()) {
        String key = property.getKey();
        String problem = problem(key);
        if (problem != null) {
          errors.add(new FieldError(field, "has a key that " + problem));
        } else if (worthALook(property.getValue())) {
          check(property.getValue(), field + "." + key, errors);
        }
      }
    }
  }

  // the path of a value is written only for what may hold a problem: most values are fine, and
  // writing every path was 2 % of a single event's CPU in the admin API (issue 20)
  private static boolean worthALook(JsonNode value) {
    return value.isContainerNode() || (value.isTextual() && problem(value.textValue()) != null);
  }
}
