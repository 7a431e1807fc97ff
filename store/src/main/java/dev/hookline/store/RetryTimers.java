package dev.hookline.store;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The delivery engine's timers in PostgreSQL: deliveries in status {@code retrying} whose {@code
 * next_attempt_at} has come are put back onto {@code hookline.deliveries}; deliveries that failed
 * for good are put onto {@code hookline.dead-letter}. Safe to run from every worker at once: rows
 * are claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
public interface RetryTimers {
  /**
   * A task to try later without spending an attempt (circuit open, webhook at its concurrency cap,
   * or still running when its batch had to be acknowledged).
   */
  record Deferral(DeliveryTask task, Instant until) {}

  /** Retry timers that are due now, and all of them. */
  record Counts(long due, long scheduled) {}

  /** Receives a batch of tasks; returns normally only once Kafka has acknowledged all of them. */
  @FunctionalInterface
  interface Publisher<T> {
    void publishAll(List<T> items) throws Exception;
  }

  /**
   * Sets timers for tasks not yet attempted: the delivery becomes {@code retrying} with {@code
   * next_attempt_at = until} and keeps its attempt count (the event row and the delivery row are
   * created when missing). A delivery that already recorded the task's attempt, or was cancelled,
   * is left alone. A deferral PostgreSQL refuses for its data (its event cannot be stored) never
   * fails the others: it is returned, for the caller to dead-letter.
   *
   * @return the deferrals not written; empty as a rule
   */
  List<Deferral> defer(List<Deferral> deferrals);

  /**
   * One pass of the retry timer, in one transaction: cancels due timers of webhooks that are
   * inactive, disabled or deleted; claims up to {@code limit} due timers of the others; hands them
   * to the publisher as tasks (trigger {@code retry}, attempt = attempts + 1, current webhook
   * version); then pushes their {@code next_attempt_at} {@code lease} ahead, so a task lost on the
   * way is published again once the lease runs out. When the publisher throws nothing is marked and
   * the exception propagates (at-least-once: a crash after publishing only publishes again).
   *
   * @return the number of tasks published
   */
  int publishDue(int limit, Duration lease, Publisher<DeliveryTask> publisher) throws Exception;

  /**
   * Hands up to {@code limit} deliveries that failed for good (test deliveries excepted) and are
   * not yet dead-lettered to the publisher, then marks them dead-lettered, in one transaction.
   *
   * @return the number published
   */
  int publishDeadLetters(int limit, Publisher<DeadLetter> publisher) throws Exception;

  /** A cheap count of the timers (for gauges). */
  Counts counts();
}
