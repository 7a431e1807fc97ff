package dev.hookline.schemas.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a filter's JSON into a {@link Node} tree, refusing anything outside the language. */
final class FilterCompiler {
  private final String name;
  private int clauses;

  FilterCompiler(String name) {
    this.name = name;
  }

  Node compile(JsonNode json) {
    if (json == null || !json.isObject())
      throw new FilterException(name, null, "must be a JSON object of paths to conditions");
    int bytes = json.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Filter.MAX_BYTES)
      throw new FilterException(
          name, null, "is " + bytes + " bytes of JSON, more than the limit of " + Filter.MAX_BYTES);
    return filter(json, name, 0);
  }

  /** An object of paths and logical operators: all of its members must hold, in order. */
  private Node filter(JsonNode json, String at, int nesting) {
    if (!json.isObject())
      throw new FilterException(at, null, "must be a JSON object of paths to conditions");
    List<Node> all = new ArrayList<>();
    for (Map.Entry<String, JsonNode> member : json.properties()) {
      String key = member.getKey();
      if (key.startsWith("$")) all.add(logical(key, member.getValue(), at, nesting));
      else all.add(path(key, member.getValue(), at + "[" + quote(key) + "]"));
    }
    return all.size() == 1 ? all.get(0) : new Node.All(List.copyOf(all));
  }

  private Node logical(String key, JsonNode operand, String parent, int nesting) {
    String at = parent + "." + key;
    Optional<Operator> found = Operator.of(key);
    if (found.isEmpty())
      throw new FilterException(at, key, "unknown operator " + key + "; " + known());
    Operator op = found.get();
    if (!op.logical())
      throw new FilterException(
          at,
          key,
          key
              + " applies to a path: write {\"<path>\": {\""
              + key
              + "\": ...}}, not a top-level "
              + key);
    count(at, key);
    if (nesting + 1 > Filter.MAX_NESTING)
      throw new FilterException(
          at,
          key,
          key + " is nested deeper than " + Filter.MAX_NESTING + " levels of $and, $or and $not");
    if (op == Operator.NOT) {
      if (!operand.isObject() || operand.isEmpty())
        throw new FilterException(at, key, "$not takes a non-empty filter object");
      return new Node.Not(at, filter(operand, at, nesting + 1));
    }
    if (!operand.isArray() || operand.isEmpty())
      throw new FilterException(at, key, key + " takes a non-empty array of filter objects");
    List<Node> clauses = new ArrayList<>();
    for (int i = 0; i < operand.size(); i++) {
      String item = at + "[" + i + "]";
      if (!operand.get(i).isObject() || operand.get(i).isEmpty())
        throw new FilterException(item, key, key + " takes a non-empty array of filter objects");
      clauses.add(filter(operand.get(i), item, nesting + 1));
    }
    return op == Operator.AND ? new Node.All(List.copyOf(clauses)) : new Node.Any(at, clauses);
  }

  /** A path's condition: an object of operators, or any other value to be equal to. */
  private Node path(String path, JsonNode condition, String at) {
    String[] segments = segments(path, at);
    if (!isOperatorObject(condition, at)) {
      count(at, Operator.EQ.token);
      return new Node.Test(at, path, segments, Operator.EQ, condition, null);
    }
    List<Node> tests = new ArrayList<>();
    for (Map.Entry<String, JsonNode> member : condition.properties()) {
      String key = member.getKey();
      String opAt = at + "." + key;
      Operator op =
          Operator.of(key)
              .orElseThrow(
                  () -> new FilterException(opAt, key, "unknown operator " + key + "; " + known()));
      if (op.logical())
        throw new FilterException(
            opAt,
            key,
            key + " combines filters, not a path's conditions: put it at the filter's top level");
      count(opAt, key);
      tests.add(test(path, segments, op, member.getValue(), opAt));
    }
    return tests.size() == 1 ? tests.get(0) : new Node.All(List.copyOf(tests));
  }

  private Node test(String path, String[] segments, Operator op, JsonNode operand, String at) {
    String key = op.token;
    Set<String> strings = null;
    switch (op) {
      case EQ, NE -> {}
      case GT, GTE, LT, LTE -> {
        if (!operand.isNumber() && !operand.isTextual())
          throw new FilterException(
              at, key, key + " takes a number or a string, not " + kind(operand));
      }
      case IN, NIN -> {
        if (!operand.isArray() || operand.isEmpty() || operand.size() > Filter.MAX_VALUES)
          throw new FilterException(
              at,
              key,
              key
                  + " takes an array of 1 to "
                  + Filter.MAX_VALUES
                  + " values, not "
                  + kind(operand));
        boolean allStrings = true;
        for (int i = 0; i < operand.size(); i++) {
          JsonNode value = operand.get(i);
          if (value.isContainerNode())
            throw new FilterException(
                at + "[" + i + "]",
                key,
                key + " takes strings, numbers, booleans or null, not " + kind(value));
          allStrings &= value.isTextual();
        }
        if (allStrings) {
          strings = new HashSet<>();
          for (JsonNode value : operand) strings.add(value.textValue());
          strings = Set.copyOf(strings);
        }
      }
      case EXISTS -> {
        if (!operand.isBoolean())
          throw new FilterException(at, key, "$exists takes true or false, not " + kind(operand));
      }
      case PREFIX -> {
        if (!operand.isTextual())
          throw new FilterException(at, key, "$prefix takes a string, not " + kind(operand));
      }
      case AND, OR, NOT -> throw new IllegalStateException("logical operator in a path: " + op);
    }
    return new Node.Test(at, path, segments, op, operand, strings);
  }

  /**
   * Whether a condition is an object of operators ({@code {"$gte": 1}}); an object without any is a
   * value to be equal to, one mixing both is refused (it is most likely a mistyped operator).
   */
  private static boolean isOperatorObject(JsonNode condition, String at) {
    if (!condition.isObject() || condition.isEmpty()) {
      if (condition.isObject())
        throw new FilterException(at, null, "needs at least one operator, e.g. {\"$eq\": ...}");
      return false;
    }
    int operators = 0;
    for (Map.Entry<String, JsonNode> member : condition.properties())
      if (member.getKey().startsWith("$")) operators++;
    if (operators == 0) return false;
    if (operators != condition.size())
      throw new FilterException(
          at,
          null,
          "mixes operators ($...) with plain members; use {\"$eq\": {...}} for an object");
    return true;
  }

  private static String[] segments(String path, String at) {
    if (path.isEmpty()) throw new FilterException(at, null, "a path must not be empty");
    if (path.length() > Filter.MAX_PATH_CHARS)
      throw new FilterException(
          at, null, "a path must be at most " + Filter.MAX_PATH_CHARS + " characters");
    String[] segments = path.split("\\.", -1);
    if (segments.length > Filter.MAX_PATH_SEGMENTS)
      throw new FilterException(
          at, null, "a path must have at most " + Filter.MAX_PATH_SEGMENTS + " segments");
    for (String segment : segments) {
      if (segment.isEmpty())
        throw new FilterException(
            at, null, "a path is names separated by single dots, e.g. data.customer.id");
    }
    return segments;
  }

  private void count(String at, String operator) {
    if (++clauses > Filter.MAX_CLAUSES)
      throw new FilterException(
          at,
          operator,
          operator
              + " is one operator too many: a filter may have at most "
              + Filter.MAX_CLAUSES
              + " operators");
  }

  private static String quote(String key) {
    return new TextNode(key).toString();
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "that";
    };
  }

  private static String known() {
    return "known: $eq $ne $gt $gte $lt $lte $in $nin $exists $prefix $and $or $not";
  }
}
