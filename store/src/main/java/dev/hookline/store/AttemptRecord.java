package dev.hookline.store;

import dev.hookline.schemas.DeliveryTask;
import java.time.Instant;

/**
 * The outcome of one delivery attempt, to record together with the delivery's new state.
 *
 * @param task the task that was attempted (carries the event, the webhook and the attempt number)
 * @param statusCode HTTP status, null when no response was received
 * @param responseExcerpt at most the first 20 KB of the response body, null when none
 * @param errorClass short error class (e.g. {@code timeout}, {@code connect}), null on a response
 * @param newStatus the delivery's status after this attempt
 * @param nextAttemptAt when the next attempt is due; only for {@link DeliveryStatus#RETRYING}
 */
public record AttemptRecord(
    DeliveryTask task,
    Instant startedAt,
    int durationMs,
    Integer statusCode,
    String responseExcerpt,
    String errorClass,
    String errorMessage,
    String workerId,
    DeliveryStatus newStatus,
    Instant nextAttemptAt) {}
