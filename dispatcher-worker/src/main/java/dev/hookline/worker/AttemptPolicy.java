package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import java.time.Instant;
import java.util.List;

/**
 * What an attempt's outcome means for its delivery: the new status and, for a retry, when the next
 * attempt is due. Pure: no clock, no I/O; the only chance in it is the retry schedule's jitter.
 *
 * <ul>
 *   <li>a 2xx: {@code succeeded};
 *   <li>410 Gone or a target the SSRF guard refuses: {@code failed} (410 also disables the
 *       webhook);
 *   <li>anything else: {@code retrying} at the schedule's next step (honouring a {@code
 *       Retry-After} within bounds), or {@code failed} after the last step and for test events.
 * </ul>
 */
final class AttemptPolicy {
  /**
   * @param nextAttemptAt when the retry timer sends the task again; null unless {@code retrying}
   * @param disableWebhook the receiver asked to stop (410 Gone)
   */
  record Verdict(DeliveryStatus status, Instant nextAttemptAt, boolean disableWebhook) {}

  private final RetrySchedule schedule;
  private final String workerId;

  /**
   * @param workerId recorded with every attempt
   */
  AttemptPolicy(RetrySchedule schedule, String workerId) {
    this.schedule = schedule;
    this.workerId = workerId;
  }

  /**
   * @param webhookSchedule the webhook's own retry delays in seconds; null for the default
   * @param now when the attempt ended
   */
  Verdict decide(
      DeliveryTask task, List<Integer> webhookSchedule, AttemptOutcome outcome, Instant now) {
    return switch (outcome) {
      case AttemptOutcome.Delivered d -> new Verdict(DeliveryStatus.SUCCEEDED, null, false);
      case AttemptOutcome.Failed f -> new Verdict(DeliveryStatus.FAILED, null, f.disableWebhook());
      case AttemptOutcome.Retry r ->
          schedule
              .nextAttemptAt(task.attempt(), task.trigger(), webhookSchedule, now, r.retryAfter())
              .map(next -> new Verdict(DeliveryStatus.RETRYING, next, false))
              .orElseGet(() -> new Verdict(DeliveryStatus.FAILED, null, false));
    };
  }

  /** The row the store keeps of the attempt. */
  AttemptRecord record(DeliveryTask task, AttemptOutcome outcome, Verdict verdict) {
    return new AttemptRecord(
        task,
        outcome.startedAt(),
        outcome.durationMs(),
        outcome.statusCode(),
        outcome.responseExcerpt(),
        outcome.errorClass(),
        outcome.errorMessage(),
        workerId,
        verdict.status(),
        verdict.nextAttemptAt());
  }
}
