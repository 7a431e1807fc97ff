package dev.hookline.worker;

import dev.hookline.worker.ssrf.AddressPolicy;
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
 * @param consumers share consumers per worker, each on a thread of its own (default 4): a consumer
 *     must acknowledge a whole poll before its next one, so several of them keep deliveries going
 *     while one waits for its batch to be recorded
 * @param maxPollRecords records fetched per poll, per consumer (default: {@code maxInFlight}
 *     divided among the consumers, so the polled tasks never wait for an in-flight slot)
 * @param pollTimeout how long one poll waits for records (default 20 ms: measured on Kafka 4.4, a
 *     share consumer's poll hands out records that arrive while it waits only when it times out, so
 *     this is the latency it adds; an empty poll costs little)
 * @param retrySchedule delays replacing the default retry schedule (for tests), null for the
 *     default
 * @param shutdownGrace how long {@link DispatcherWorker#close()} lets running deliveries finish
 *     (default 20 s); the rest are released to other workers
 * @param webhookCacheTtl how long a webhook and its secrets are cached (default 5 s)
 * @param consumerProperties extra Kafka client properties (security, tuning) for the consumer and
 *     the producer; they win over ours
 * @param allowedNetworks CIDR blocks the SSRF guard lets through although private, loopback...
 *     (default none)
 * @param isolation per-webhook limits
 * @param scheduling the retry timer
 */
public record WorkerConfig(
    String bootstrapServers,
    String workerId,
    int maxInFlight,
    int consumers,
    int maxPollRecords,
    Duration pollTimeout,
    List<Duration> retrySchedule,
    Duration shutdownGrace,
    Duration webhookCacheTtl,
    Map<String, String> consumerProperties,
    List<String> allowedNetworks,
    Isolation isolation,
    Scheduling scheduling) {

  public static final int DEFAULT_MAX_IN_FLIGHT = 200;
  public static final int DEFAULT_CONSUMERS = 4;

  /**
   * Per-webhook isolation: one slow or failing endpoint must not hold up the others.
   *
   * @param maxInFlightPerWebhook deliveries to one webhook running at once in this worker (default
   *     20)
   * @param breakerFailures consecutive failed attempts that open a webhook's circuit (default 10)
   * @param breakerCooldown how long an open circuit stays open before one probe (default 30 s);
   *     doubles after each failed probe up to {@code breakerMaxCooldown}
   * @param breakerMaxCooldown the longest cool-down (default 10 min)
   * @param handoffAfter how long a batch waits for its deliveries before it acknowledges the
   *     finished ones and hands the rest to the retry timer (default 1 s): the next poll never
   *     waits on a slow endpoint for longer
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
      requirePositive(breakerCooldown, "breakerCooldown");
      requirePositive(breakerMaxCooldown, "breakerMaxCooldown");
      if (breakerMaxCooldown.compareTo(breakerCooldown) < 0) {
        throw new IllegalArgumentException("breakerMaxCooldown must be >= breakerCooldown");
      }
      requirePositive(handoffAfter, "handoffAfter");
    }

    public static Isolation defaults() {
      return new Isolation(
          20, 10, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(1));
    }
  }

  /**
   * The retry timer every worker runs.
   *
   * @param interval how often it looks for due retries and dead letters (default 1 s)
   * @param batchSize timers claimed per transaction (default 500)
   * @param lease how long a re-published task has before it is published again, should it be lost
   *     (default 5 min)
   * @param disableAfterFailingFor a webhook failing without a success this long is disabled
   *     (default 5 days)
   * @param healthCheckInterval how often failing webhooks are looked for (default 1 min)
   */
  public record Scheduling(
      Duration interval,
      int batchSize,
      Duration lease,
      Duration disableAfterFailingFor,
      Duration healthCheckInterval) {
    public Scheduling {
      requirePositive(interval, "interval");
      if (batchSize < 1)
        throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
      requirePositive(lease, "lease");
      requirePositive(disableAfterFailingFor, "disableAfterFailingFor");
      requirePositive(healthCheckInterval, "healthCheckInterval");
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

  public WorkerConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    }
    if (workerId == null || workerId.isBlank())
      throw new IllegalArgumentException("workerId must not be blank");
    if (maxInFlight < 1)
      throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
    if (consumers < 1)
      throw new IllegalArgumentException("consumers must be >= 1, was " + consumers);
    if (maxPollRecords < 1)
      throw new IllegalArgumentException("maxPollRecords must be >= 1, was " + maxPollRecords);
    requirePositive(pollTimeout, "pollTimeout");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (shutdownGrace.isNegative())
      throw new IllegalArgumentException("shutdownGrace must not be negative");
    requirePositive(webhookCacheTtl, "webhookCacheTtl");
    if (retrySchedule != null) {
      retrySchedule = List.copyOf(retrySchedule);
      for (Duration d : retrySchedule) {
        if (d.isNegative())
          throw new IllegalArgumentException("retrySchedule delays must not be negative: " + d);
      }
    }
    consumerProperties = consumerProperties == null ? Map.of() : Map.copyOf(consumerProperties);
    allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
    AddressPolicy.allowing(allowedNetworks); // a bad CIDR fails here, naming it
    isolation = isolation == null ? Isolation.defaults() : isolation;
    scheduling = scheduling == null ? Scheduling.defaults() : scheduling;
  }

  public static WorkerConfig defaults(String bootstrapServers, String workerId) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        DEFAULT_MAX_IN_FLIGHT,
        DEFAULT_CONSUMERS,
        perConsumer(DEFAULT_MAX_IN_FLIGHT, DEFAULT_CONSUMERS),
        Duration.ofMillis(20),
        null,
        Duration.ofSeconds(20),
        Duration.ofSeconds(5),
        Map.of(),
        List.of(),
        null,
        null);
  }

  /** The SSRF policy of {@link #allowedNetworks}. */
  AddressPolicy addressPolicy() {
    return AddressPolicy.allowing(allowedNetworks);
  }

  /**
   * Also sets {@code maxPollRecords} to the consumers' share of it, and no more consumers than
   * deliveries in flight (a polled task must not wait for a place).
   */
  public WorkerConfig withMaxInFlight(int n) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        n,
        Math.max(1, Math.min(consumers, n)),
        perConsumer(n, Math.max(1, Math.min(consumers, n))),
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  /** Also divides {@code maxInFlight} among them as their {@code maxPollRecords}. */
  public WorkerConfig withConsumers(int n) {
    if (n < 1) throw new IllegalArgumentException("consumers must be >= 1, was " + n);
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        n,
        perConsumer(maxInFlight, n),
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  public WorkerConfig withRetrySchedule(List<Duration> delays) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        delays,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  public WorkerConfig withShutdownGrace(Duration grace) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        retrySchedule,
        grace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  public WorkerConfig withPollTimeout(Duration timeout) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        timeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  public WorkerConfig withWebhookCacheTtl(Duration ttl) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        ttl,
        consumerProperties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  public WorkerConfig withConsumerProperties(Map<String, String> properties) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        properties,
        allowedNetworks,
        isolation,
        scheduling);
  }

  /** CIDR blocks (e.g. {@code 10.1.0.0/16}, {@code ::1/128}) the SSRF guard lets through. */
  public WorkerConfig withAllowedNetworks(List<String> cidrs) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        cidrs,
        isolation,
        scheduling);
  }

  public WorkerConfig withIsolation(Isolation newIsolation) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        newIsolation,
        scheduling);
  }

  public WorkerConfig withScheduling(Scheduling newScheduling) {
    return new WorkerConfig(
        bootstrapServers,
        workerId,
        maxInFlight,
        consumers,
        maxPollRecords,
        pollTimeout,
        retrySchedule,
        shutdownGrace,
        webhookCacheTtl,
        consumerProperties,
        allowedNetworks,
        isolation,
        newScheduling);
  }

  private static int perConsumer(int maxInFlight, int consumers) {
    return Math.max(1, maxInFlight / Math.max(1, consumers));
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative())
      throw new IllegalArgumentException(name + " must be positive, was " + d);
  }
}
