package dev.hookline.producer;

import dev.hookline.schemas.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The event was refused before reaching Kafka: unknown type, data not matching the catalog schema,
 * or data over the size limit. {@link #errors()} names each offending field.
 */
public final class InvalidEventException extends RuntimeException {
  private final String type;
  private final List<FieldError> errors;

  public InvalidEventException(String type, List<FieldError> errors) {
    super(message(type, errors));
    this.type = type;
    this.errors = List.copyOf(errors);
  }

  /** The event type as given by the caller, possibly unknown or null. */
  public String type() {
    return type;
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String message(String type, List<FieldError> errors) {
    return "invalid "
        + type
        + " event: "
        + errors.stream()
            .map(e -> e.field() + ": " + e.message())
            .collect(Collectors.joining("; "));
  }
}
