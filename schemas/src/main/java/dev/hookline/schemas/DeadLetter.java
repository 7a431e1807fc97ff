package dev.hookline.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * The value of a {@code hookline.dead-letter} record (key: the webhook id): a delivery that failed
 * for good, as its last task, and why it failed.
 *
 * @param task the last task attempted (its attempt number is the number of attempts made)
 * @param lastError what the last attempt came to
 */
public record DeadLetter(DeliveryTask task, LastError lastError) {
  public DeadLetter {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(lastError, "lastError");
  }

  /**
   * @param statusCode the last HTTP status, null when no response was received
   * @param errorClass the short error class (e.g. {@code timeout}, {@code http_status}), may be
   *     null
   * @param message the last error, may be null
   * @param failedAt when the delivery was marked {@code failed}
   */
  public record LastError(
      Integer statusCode, String errorClass, String message, Instant failedAt) {}
}
