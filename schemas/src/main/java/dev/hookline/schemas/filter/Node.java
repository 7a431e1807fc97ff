package dev.hookline.schemas.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** A compiled filter: a tree of clauses, each telling which of its clauses a body fails. */
sealed interface Node {
  /** The first clause the body fails, or null when the body satisfies this one. */
  Node failure(JsonNode body);

  /** The failing clause as reported. */
  Clause clause(JsonNode body);

  /** Every clause in order; the first failing one is reported. An empty list matches anything. */
  record All(List<Node> clauses) implements Node {
    @Override
    public Node failure(JsonNode body) {
      for (Node clause : clauses) {
        Node failed = clause.failure(body);
        if (failed != null) return failed;
      }
      return null;
    }

    @Override
    public Clause clause(JsonNode body) {
      throw new IllegalStateException("an $and is never reported itself: its failing clause is");
    }
  }

  /** {@code $or}: at least one of the clauses; reported itself when none holds. */
  record Any(String at, List<Node> clauses) implements Node {
    @Override
    public Node failure(JsonNode body) {
      for (Node clause : clauses) if (clause.failure(body) == null) return null;
      return this;
    }

    @Override
    public Clause clause(JsonNode body) {
      return new Clause(at, null, Operator.OR.token, null, null);
    }
  }

  /** {@code $not}: the clause must not hold; reported itself when it does. */
  record Not(String at, Node clause) implements Node {
    @Override
    public Node failure(JsonNode body) {
      return clause.failure(body) == null ? this : null;
    }

    @Override
    public Clause clause(JsonNode body) {
      return new Clause(at, null, Operator.NOT.token, null, null);
    }
  }

  /**
   * One operator on one path of the body.
   *
   * @param strings for {@code $in} and {@code $nin} whose values are all strings: the same values
   *     as a set, so a long list costs one lookup; null otherwise
   */
  record Test(
      String at,
      String path,
      String[] segments,
      Operator operator,
      JsonNode operand,
      Set<String> strings)
      implements Node {
    @Override
    public Node failure(JsonNode body) {
      return holds(resolve(body)) ? null : this;
    }

    @Override
    public Clause clause(JsonNode body) {
      return new Clause(at, path, operator.token, operand, resolve(body));
    }

    /** The value at the path, or null when the path is missing (a JSON null is a NullNode). */
    JsonNode resolve(JsonNode body) {
      JsonNode node = body;
      for (String segment : segments) {
        if (node == null) return null;
        if (node.isObject()) node = node.get(segment);
        else if (node.isArray()) node = node.get(index(segment));
        else return null;
      }
      return node;
    }

    /** An array index: digits without a leading zero (but {@code 0}), else -1 (no element). */
    private static int index(String segment) {
      if (segment.length() > 9 || (segment.length() > 1 && segment.charAt(0) == '0')) return -1;
      for (int i = 0; i < segment.length(); i++) {
        if (segment.charAt(i) < '0' || segment.charAt(i) > '9') return -1;
      }
      return Integer.parseInt(segment);
    }

    private boolean holds(JsonNode actual) {
      return switch (operator) {
        case EQ -> actual != null && JsonValues.equal(actual, operand);
        case NE -> actual == null || !JsonValues.equal(actual, operand);
        case GT -> ordered(actual) && JsonValues.compare(actual, operand) > 0;
        case GTE -> ordered(actual) && JsonValues.compare(actual, operand) >= 0;
        case LT -> ordered(actual) && JsonValues.compare(actual, operand) < 0;
        case LTE -> ordered(actual) && JsonValues.compare(actual, operand) <= 0;
        case IN -> in(actual);
        case NIN -> !in(actual);
        case EXISTS -> (actual != null) == operand.booleanValue();
        case PREFIX ->
            actual != null
                && actual.isTextual()
                && actual.textValue().startsWith(operand.textValue());
        case AND, OR, NOT -> throw new IllegalStateException("not a path operator: " + operator);
      };
    }

    /** Whether the value can be ordered against the operand: present and of the same kind. */
    private boolean ordered(JsonNode actual) {
      return actual != null && JsonValues.comparable(actual, operand);
    }

    private boolean in(JsonNode actual) {
      if (actual == null) return false;
      if (strings != null) return actual.isTextual() && strings.contains(actual.textValue());
      for (JsonNode value : operand) if (JsonValues.equal(actual, value)) return true;
      return false;
    }
  }
}
