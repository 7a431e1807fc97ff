package dev.hookline.schemas.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A webhook's payload filter, compiled: which events' delivered bodies ({@code {"type",
 * "timestamp", "data"}}, see {@link dev.hookline.schemas.DeliveredBody}) the webhook receives. The
 * language and its limits are in docs/design.md ("Payload filters"); the admin API validates with
 * {@link #compile} and the router evaluates with {@link #matches}, so both read filters alike.
 * Immutable and thread-safe; evaluating allocates nothing unless asked which clause failed.
 */
public final class Filter {
  /** The filter's compact JSON, in UTF-8 bytes, at most. */
  public static final int MAX_BYTES = 8 * 1024;

  /** Nesting of {@code $and}, {@code $or} and {@code $not} within one another, at most. */
  public static final int MAX_NESTING = 5;

  /** Operators in the whole filter, logical ones included, at most. */
  public static final int MAX_CLAUSES = 64;

  /** Values in one {@code $in} or {@code $nin}, at most. */
  public static final int MAX_VALUES = 256;

  /** Characters of a path, at most. */
  public static final int MAX_PATH_CHARS = 256;

  /** Segments (dot-separated names) of a path, at most. */
  public static final int MAX_PATH_SEGMENTS = 16;

  private final JsonNode json;
  private final Node root;

  private Filter(JsonNode json, Node root) {
    this.json = json;
    this.root = root;
  }

  /**
   * Compiles a filter given as the field {@code filter} of a request.
   *
   * @throws FilterException naming where and which operator is at fault
   */
  public static Filter compile(JsonNode json) {
    return compile(json, "filter");
  }

  /**
   * Compiles a filter; {@code name} starts the paths in its errors (e.g. {@code filter}).
   *
   * @throws FilterException naming where and which operator is at fault
   */
  public static Filter compile(JsonNode json, String name) {
    return new Filter(json, new FilterCompiler(name).compile(json));
  }

  /** The filter as given. */
  public JsonNode json() {
    return json;
  }

  /** Whether an event whose delivered body is {@code body} passes the filter. */
  public boolean matches(JsonNode body) {
    return root.failure(body) == null;
  }

  /** The first clause the body fails, in the filter's order; empty when it matches. */
  public Optional<Clause> firstFailure(JsonNode body) {
    Node failed = root.failure(body);
    return failed == null ? Optional.empty() : Optional.of(failed.clause(body));
  }

  @Override
  public String toString() {
    return json.toString();
  }
}
