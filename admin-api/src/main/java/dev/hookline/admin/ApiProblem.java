package dev.hookline.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hookline.schemas.FieldError;
import java.util.List;

/**
 * An error answer as an RFC 9457 problem; thrown by handlers and written by the exception handler
 * in {@link AdminApi}. Plain HTTP errors use {@code about:blank}; ours get their own type URI.
 */
final class ApiProblem extends RuntimeException {
  static final String TYPE_BASE = "https://hookline.dev/problems/";
  static final String CONTENT_TYPE = "application/problem+json";

  private final Body body;

  /** The JSON body; {@code errors} is left out when there are none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Body(
      String type,
      String title,
      int status,
      String detail,
      String instance,
      List<FieldError> errors,
      String deliveryId) {}

  private ApiProblem(
      String type, String title, int status, String detail, List<FieldError> errors) {
    this(
        new Body(
            type, title, status, detail, null, errors == null ? null : List.copyOf(errors), null));
  }

  private ApiProblem(Body body) {
    super(body.detail(), null, false, false); // no stack trace: this is control flow, not a fault
    this.body = body;
  }

  int status() {
    return body.status();
  }

  Body body(String instance) {
    return new Body(
        body.type(),
        body.title(),
        body.status(),
        body.detail(),
        instance,
        body.errors(),
        body.deliveryId());
  }

  static ApiProblem invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid, see errors";
    return new ApiProblem(TYPE_BASE + "validation", "Invalid request", 400, detail, errors);
  }

  static ApiProblem invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  static ApiProblem malformedJson(String detail) {
    return new ApiProblem(
        TYPE_BASE + "malformed-json",
        "Malformed JSON",
        400,
        detail,
        List.of(new FieldError("body", detail)));
  }

  static ApiProblem notFound(String detail) {
    return http(404, "Not Found", detail);
  }

  static ApiProblem unauthorized() {
    return http(
        401,
        "Unauthorized",
        "a valid 'Authorization: Bearer <token>' header is required (an admin or tenant token)");
  }

  static ApiProblem forbidden(String detail) {
    return http(403, "Forbidden", detail);
  }

  static ApiProblem tooLarge(String what, long limit) {
    return http(
        413, "Content Too Large", what + " is larger than the limit of " + limit + " bytes");
  }

  static ApiProblem unsupportedMediaType(String got) {
    return http(
        415,
        "Unsupported Media Type",
        "the body must be sent as 'Content-Type: application/json', got "
            + (got == null || got.isBlank() ? "none" : "'" + got + "'"));
  }

  /** A JSON content type naming a charset the server cannot know: refused, not guessed at. */
  static ApiProblem unsupportedCharset(String got) {
    return http(
        415,
        "Unsupported Media Type",
        "the Content-Type header '"
            + got
            + "' names an unknown charset; send JSON as 'Content-Type: application/json'"
            + " (UTF-8)");
  }

  static ApiProblem conflict(String detail) {
    return http(409, "Conflict", detail);
  }

  /**
   * The worker did not report a test delivery in time; the delivery can still be looked up later.
   */
  static ApiProblem testTimeout(String deliveryId, String detail) {
    return new ApiProblem(
        new Body(
            TYPE_BASE + "test-timeout",
            "Test delivery not reported in time",
            504,
            detail,
            null,
            null,
            deliveryId));
  }

  static ApiProblem unavailable(String detail) {
    return http(503, "Service Unavailable", detail);
  }

  static ApiProblem http(int status, String title, String detail) {
    return new ApiProblem("about:blank", title, status, detail, null);
  }
}
