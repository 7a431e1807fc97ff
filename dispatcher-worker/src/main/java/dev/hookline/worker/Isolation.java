package dev.hookline.worker;

import java.time.Duration;

/**
 * Per-webhook isolation, part of {@link WorkerConfig}: one slow or failing endpoint must not hold
 * up the others.
 *
 * @param maxInFlightPerWebhook deliveries to one webhook running at once in this worker (default
 *     20)
 * @param breakerFailures consecutive failed attempts that open a webhook's circuit (default 10)
 * @param breakerCooldown how long an open circuit stays open before one probe (default 30 s);
 *     doubles after each failed probe up to {@code breakerMaxCooldown}
 * @param breakerMaxCooldown the longest cool-down (default 10 min)
 * @param handoffAfter how long a batch waits for its deliveries before it acknowledges the finished
 *     ones and hands the rest to the retry timer (default 1 s): the next poll never waits on a slow
 *     endpoint for longer
 */
public record Isolation(
    int maxInFlightPerWebhook,
    int breakerFailures,
    Duration breakerCooldown,
    Duration breakerMaxCooldown,
    Duration handoffAfter) {
  public Isolation {
    if (maxInFlightPerWebhook < 1) {
      throw new IllegalArgumentException(
          "maxInFlightPerWebhook must be >= 1, was " + maxInFlightPerWebhook);
    }
    if (breakerFailures < 1)
      throw new IllegalArgumentException("breakerFailures must be >= 1, was " + breakerFailures);
    WorkerConfig.requirePositive(breakerCooldown, "breakerCooldown");
    WorkerConfig.requirePositive(breakerMaxCooldown, "breakerMaxCooldown");
    if (breakerMaxCooldown.compareTo(breakerCooldown) < 0) {
      throw new IllegalArgumentException("breakerMaxCooldown must be >= breakerCooldown");
    }
    WorkerConfig.requirePositive(handoffAfter, "handoffAfter");
  }

  public static Isolation defaults() {
    return new Isolation(
        20, 10, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(1));
  }

  /** These limits with the circuit breaker's cool-down and its maximum replaced (checked). */
  public Isolation withBreakerCooldowns(Duration cooldown, Duration maxCooldown) {
    return new Isolation(
        maxInFlightPerWebhook, breakerFailures, cooldown, maxCooldown, handoffAfter);
  }
}
