package dev.hookline.worker;

import dev.hookline.schemas.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When a failed attempt is tried again. Delay {@code i} (0-based) follows attempt {@code i + 1};
 * after the last delay the delivery has failed for good. Each delay gets ±20 % jitter so that an
 * endpoint coming back up is not hit by every retry of an outage at the same second.
 */
final class RetrySchedule {
  static final List<Duration> DEFAULT_DELAYS =
      List.of(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(5),
          Duration.ofHours(10),
          Duration.ofHours(10));
  static final double JITTER = 0.2;

  private final List<Duration> defaultDelays;
  private final DoubleSupplier random; // uniform in [0, 1)

  RetrySchedule(List<Duration> defaultDelays, DoubleSupplier random) {
    this.defaultDelays = List.copyOf(defaultDelays);
    this.random = random;
  }

  /** The default schedule, or the given one when not null (tests use seconds instead of hours). */
  static RetrySchedule of(List<Duration> overrideOrNull) {
    return new RetrySchedule(
        overrideOrNull == null ? DEFAULT_DELAYS : overrideOrNull,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * When to make the next attempt after attempt number {@code attempt} (1-based) failed at {@code
   * now}; empty when the delivery is failed for good.
   *
   * @param webhookSchedule the webhook's own delays in seconds, null for the default
   */
  Optional<Instant> nextAttemptAt(
      int attempt, Trigger trigger, List<Integer> webhookSchedule, Instant now) {
    return nextAttemptAt(attempt, trigger, webhookSchedule, now, null);
  }

  /**
   * Like {@link #nextAttemptAt(int, Trigger, List, Instant)}, honouring a receiver's {@code
   * Retry-After} (429, 503): never sooner than it asked, nor sooner than our own step, but at most
   * twice our step, so a receiver cannot park a delivery for days. It never adds attempts: after
   * the last step the delivery fails whatever the receiver asked.
   *
   * @param retryAfter what the receiver asked for; null when it did not
   */
  Optional<Instant> nextAttemptAt(
      int attempt,
      Trigger trigger,
      List<Integer> webhookSchedule,
      Instant now,
      Duration retryAfter) {
    // a test event answers the admin's "Send Test Event" click now; a retry hours later helps no
    // one
    if (trigger == Trigger.TEST) return Optional.empty();
    Duration base = delayAfter(attempt, webhookSchedule);
    if (base == null) return Optional.empty();
    double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
    long jitteredMs = Math.max(0, Math.round(base.toMillis() * factor));
    if (retryAfter != null && retryAfter.compareTo(Duration.ofMillis(jitteredMs)) > 0) {
      // compared as durations: a Retry-After past Long.MAX_VALUE milliseconds must not overflow
      Duration cap = base.multipliedBy(2);
      jitteredMs = (retryAfter.compareTo(cap) < 0 ? retryAfter : cap).toMillis();
    }
    return Optional.of(now.plusMillis(jitteredMs));
  }

  private Duration delayAfter(int attempt, List<Integer> webhookSchedule) {
    int index = attempt - 1;
    if (webhookSchedule != null) {
      if (index < 0 || index >= webhookSchedule.size()) return null;
      Integer seconds = webhookSchedule.get(index);
      return Duration.ofSeconds(seconds == null ? 0 : Math.max(0, seconds));
    }
    if (index < 0 || index >= defaultDelays.size()) return null;
    return defaultDelays.get(index);
  }
}
