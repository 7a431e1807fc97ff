package dev.hookline.schemas.filter;

/**
 * A filter that cannot be compiled: where in the filter ({@link #at()}, e.g. {@code
 * filter["data.total"].$gte}), which operator (null when the fault is not an operator's), and why.
 */
public final class FilterException extends IllegalArgumentException {
  private final String at;
  private final String operator;
  private final String reason;

  FilterException(String at, String operator, String reason) {
    super(at + ": " + reason);
    this.at = at;
    this.operator = operator;
    this.reason = reason;
  }

  /** The JSON path of the fault within the request, starting with the filter's own name. */
  public String at() {
    return at;
  }

  /** The operator at fault, e.g. {@code $gte}; null when the fault is not in an operator. */
  public String operator() {
    return operator;
  }

  /** What is wrong, naming the operator when there is one. */
  public String reason() {
    return reason;
  }
}
