package dev.hookline.worker;

import java.time.Instant;

/** What one HTTP delivery attempt came to. */
sealed interface AttemptOutcome {
  Instant startedAt();

  int durationMs();

  /** HTTP status; null when no response was received. */
  Integer statusCode();

  /** At most the first 20 KB of the response body; null when none. */
  String responseExcerpt();

  /** Short error class ({@code timeout}, {@code connect}, ...); null when a response arrived. */
  String errorClass();

  String errorMessage();

  /** A 2xx response. */
  record Delivered(Instant startedAt, int durationMs, Integer statusCode, String responseExcerpt)
      implements AttemptOutcome {
    @Override public String errorClass() { return null; }
    @Override public String errorMessage() { return null; }
  }

  /** Any other response, a timeout or a connection error: worth another attempt. */
  record Retry(
      Instant startedAt,
      int durationMs,
      Integer statusCode,
      String responseExcerpt,
      String errorClass,
      String errorMessage)
      implements AttemptOutcome {}

  /**
   * Never worth retrying. {@code disableWebhook} is set on 410 Gone: the receiver asked us to stop
   * (disabling the webhook itself is done elsewhere).
   */
  record Failed(
      Instant startedAt,
      int durationMs,
      Integer statusCode,
      String responseExcerpt,
      String errorClass,
      String errorMessage,
      boolean disableWebhook)
      implements AttemptOutcome {}
}
