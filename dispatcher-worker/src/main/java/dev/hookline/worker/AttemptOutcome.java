package dev.hookline.worker;

import java.time.Duration;
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
    @Override
    public String errorClass() {
      return null;
    }

    @Override
    public String errorMessage() {
      return null;
    }
  }

  /**
   * Any other response, a timeout or a connection error: worth another attempt.
   *
   * @param retryAfter what a 429 or 503 asked for in its {@code Retry-After} header; null when none
   */
  record Retry(
      Instant startedAt,
      int durationMs,
      Integer statusCode,
      String responseExcerpt,
      String errorClass,
      String errorMessage,
      Duration retryAfter)
      implements AttemptOutcome {
    Retry(
        Instant startedAt,
        int durationMs,
        Integer statusCode,
        String responseExcerpt,
        String errorClass,
        String errorMessage) {
      this(startedAt, durationMs, statusCode, responseExcerpt, errorClass, errorMessage, null);
    }
  }

  /**
   * Never worth retrying: 410 Gone ({@code disableWebhook} set: the receiver asked us to stop), or
   * a target the SSRF guard refuses (error class {@code ssrf_blocked}).
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
