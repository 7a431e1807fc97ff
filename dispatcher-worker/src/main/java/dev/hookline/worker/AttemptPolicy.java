package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import java.time.Duration;
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

  /** The first wait of {@link #fallback}, after attempt 1; it doubles with each attempt. */
  static final Duration FALLBACK_FIRST = Duration.ofSeconds(30);

  /** The longest wait of {@link #fallback}. */
  static final Duration FALLBACK_LONGEST = Duration.ofHours(1);

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

  /**
   * The verdict of an attempt whose own verdict could not be made (Hookline's code after the
   * attempt threw): {@code retrying}, whatever the outcome, since nothing here can tell what it
   * should have been; never disabling the webhook. It depends on nothing that may have failed: not
   * the retry schedule (the webhook's or the default, which may be what threw), only the attempt
   * number. The wait is {@link #FALLBACK_FIRST} after attempt 1, doubling with each attempt up to
   * {@link #FALLBACK_LONGEST}: short, so a one-off failure hardly delays the delivery (30 s is also
   * the default cool-down of the circuit breaker and record lock of the broker); growing, so a bug
   * that fails every verdict costs a receiver one request an hour per delivery, not two a minute,
   * until it is fixed (the attempts do not run out: no delivery is failed for Hookline's own bug).
   *
   * @param now when the attempt ended
   */
  static Verdict fallback(DeliveryTask task, Instant now) {
    int doublings = Math.clamp(task.attempt() - 1L, 0, 7); // 30 s << 7 is past the hour already
    Duration wait = FALLBACK_FIRST.multipliedBy(1L << doublings);
    return new Verdict(
        DeliveryStatus.RETRYING,
        now.plus(wait.compareTo(FALLBACK_LONGEST) < 0 ? wait : FALLBACK_LONGEST),
        false);
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
