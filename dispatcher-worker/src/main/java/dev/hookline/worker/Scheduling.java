package dev.hookline.worker;

import java.time.Duration;

/**
 * The retry timer every worker runs, part of {@link WorkerConfig}.
 *
 * @param interval how often it looks for due retries and dead letters (default 1 s)
 * @param batchSize timers claimed per transaction (default 500)
 * @param lease how long a re-published task has before it is published again, should it be lost
 *     (default 5 min)
 * @param disableAfterFailingFor a webhook failing without a success this long is disabled (default
 *     5 days)
 * @param healthCheckInterval how often failing webhooks are looked for (default 1 min)
 */
public record Scheduling(
    Duration interval,
    int batchSize,
    Duration lease,
    Duration disableAfterFailingFor,
    Duration healthCheckInterval) {
  public Scheduling {
    WorkerConfig.requirePositive(interval, "interval");
    if (batchSize < 1)
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    WorkerConfig.requirePositive(lease, "lease");
    WorkerConfig.requirePositive(disableAfterFailingFor, "disableAfterFailingFor");
    WorkerConfig.requirePositive(healthCheckInterval, "healthCheckInterval");
  }

  public static Scheduling defaults() {
    return new Scheduling(
        Duration.ofSeconds(1),
        500,
        Duration.ofMinutes(5),
        Duration.ofDays(5),
        Duration.ofMinutes(1));
  }
}
