package dev.hookline.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link DispatcherWorker} needs to know, built by the caller (the {@code app} module
 * parses the environment). Start from {@link #defaults} and adjust with the {@code with} methods.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param workerId this worker's name, recorded with every attempt and used as Kafka client id
 * @param maxInFlight deliveries running at once, at most (default 200)
 * @param maxPollRecords records fetched per poll (default: {@code maxInFlight})
 * @param pollTimeout how long one poll waits for records (default 1 s)
 * @param retrySchedule delays replacing the default retry schedule (for tests), null for the default
 * @param shutdownGrace how long {@link DispatcherWorker#close()} lets running deliveries finish
 *     (default 20 s); the rest are released to other workers
 * @param webhookCacheTtl how long a webhook and its secrets are cached (default 5 s)
 * @param consumerProperties extra Kafka consumer properties (security, tuning); they win over ours
 */
public record WorkerConfig(
    String bootstrapServers,
    String workerId,
    int maxInFlight,
    int maxPollRecords,
    Duration pollTimeout,
    List<Duration> retrySchedule,
    Duration shutdownGrace,
    Duration webhookCacheTtl,
    Map<String, String> consumerProperties) {

  public static final int DEFAULT_MAX_IN_FLIGHT = 200;

  public WorkerConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    }
    if (workerId == null || workerId.isBlank()) throw new IllegalArgumentException("workerId must not be blank");
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
    if (maxPollRecords < 1) throw new IllegalArgumentException("maxPollRecords must be >= 1, was " + maxPollRecords);
    requirePositive(pollTimeout, "pollTimeout");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (shutdownGrace.isNegative()) throw new IllegalArgumentException("shutdownGrace must not be negative");
    requirePositive(webhookCacheTtl, "webhookCacheTtl");
    if (retrySchedule != null) {
      retrySchedule = List.copyOf(retrySchedule);
      for (Duration d : retrySchedule) {
        if (d.isNegative()) throw new IllegalArgumentException("retrySchedule delays must not be negative: " + d);
      }
    }
    consumerProperties = consumerProperties == null ? Map.of() : Map.copyOf(consumerProperties);
  }

  public static WorkerConfig defaults(String bootstrapServers, String workerId) {
    return new WorkerConfig(
        bootstrapServers, workerId, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT, Duration.ofSeconds(1),
        null, Duration.ofSeconds(20), Duration.ofSeconds(5), Map.of());
  }

  /** Also sets {@code maxPollRecords} to the same number. */
  public WorkerConfig withMaxInFlight(int n) {
    return new WorkerConfig(bootstrapServers, workerId, n, n, pollTimeout, retrySchedule, shutdownGrace,
        webhookCacheTtl, consumerProperties);
  }

  public WorkerConfig withRetrySchedule(List<Duration> delays) {
    return new WorkerConfig(bootstrapServers, workerId, maxInFlight, maxPollRecords, pollTimeout, delays,
        shutdownGrace, webhookCacheTtl, consumerProperties);
  }

  public WorkerConfig withShutdownGrace(Duration grace) {
    return new WorkerConfig(bootstrapServers, workerId, maxInFlight, maxPollRecords, pollTimeout, retrySchedule,
        grace, webhookCacheTtl, consumerProperties);
  }

  public WorkerConfig withPollTimeout(Duration timeout) {
    return new WorkerConfig(bootstrapServers, workerId, maxInFlight, maxPollRecords, timeout, retrySchedule,
        shutdownGrace, webhookCacheTtl, consumerProperties);
  }

  public WorkerConfig withWebhookCacheTtl(Duration ttl) {
    return new WorkerConfig(bootstrapServers, workerId, maxInFlight, maxPollRecords, pollTimeout, retrySchedule,
        shutdownGrace, ttl, consumerProperties);
  }

  public WorkerConfig withConsumerProperties(Map<String, String> properties) {
    return new WorkerConfig(bootstrapServers, workerId, maxInFlight, maxPollRecords, pollTimeout, retrySchedule,
        shutdownGrace, webhookCacheTtl, properties);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive, was " + d);
  }
}
