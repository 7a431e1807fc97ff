package dev.hookline.worker;

import dev.hookline.worker.ssrf.AddressPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link DispatcherWorker} needs to know, built by the caller (the {@code app} module
 * parses the environment) with {@link #builder}, or {@link #defaults} for every default.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param workerId this worker's name, recorded with every attempt and used as Kafka client id
 * @param maxInFlight deliveries running at once, at most (default 200)
 * @param consumers share consumers per worker, each on a thread of its own (default 4): a consumer
 *     must acknowledge a whole poll before its next one, so several of them keep deliveries going
 *     while one waits for its batch to be recorded; never more than {@code maxInFlight}
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
    consumers = Math.min(consumers, maxInFlight); // a polled task must not wait for a place
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

  /** Every setting at its default. */
  public static WorkerConfig defaults(String bootstrapServers, String workerId) {
    return builder(bootstrapServers, workerId).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder(String bootstrapServers, String workerId) {
    return new Builder(bootstrapServers, workerId);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(bootstrapServers, workerId)
        .maxInFlight(maxInFlight)
        .consumers(consumers)
        .pollTimeout(pollTimeout)
        .retrySchedule(retrySchedule)
        .shutdownGrace(shutdownGrace)
        .webhookCacheTtl(webhookCacheTtl)
        .consumerProperties(consumerProperties)
        .allowedNetworks(allowedNetworks)
        .isolation(isolation)
        .scheduling(scheduling);
  }

  /**
   * Records fetched per poll, per consumer: {@code maxInFlight} divided among the consumers, so the
   * polled tasks never wait for an in-flight place.
   */
  public int maxPollRecords() {
    return Math.max(1, maxInFlight / consumers);
  }

  /** The SSRF policy of {@link #allowedNetworks}. */
  AddressPolicy addressPolicy() {
    return AddressPolicy.allowing(allowedNetworks);
  }

  /**
   * Builds a {@link WorkerConfig}; every setting starts at its default. {@link #build()} checks
   * them all and names the first bad one.
   */
  public static final class Builder {
    private final String bootstrapServers;
    private final String workerId;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int consumers = DEFAULT_CONSUMERS;
    private Duration pollTimeout = Duration.ofMillis(20);
    private List<Duration> retrySchedule;
    private Duration shutdownGrace = Duration.ofSeconds(20);
    private Duration webhookCacheTtl = Duration.ofSeconds(5);
    private Map<String, String> consumerProperties = Map.of();
    private List<String> allowedNetworks = List.of();
    private Isolation isolation = Isolation.defaults();
    private Scheduling scheduling = Scheduling.defaults();

    private Builder(String bootstrapServers, String workerId) {
      this.bootstrapServers = bootstrapServers;
      this.workerId = workerId;
    }

    /** No more consumers than this run (a polled task must not wait for a place). */
    public Builder maxInFlight(int n) {
      this.maxInFlight = n;
      return this;
    }

    public Builder consumers(int n) {
      this.consumers = n;
      return this;
    }

    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = timeout;
      return this;
    }

    /** Delays replacing the default schedule; null for the default. */
    public Builder retrySchedule(List<Duration> delays) {
      this.retrySchedule = delays;
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = grace;
      return this;
    }

    public Builder webhookCacheTtl(Duration ttl) {
      this.webhookCacheTtl = ttl;
      return this;
    }

    public Builder consumerProperties(Map<String, String> properties) {
      this.consumerProperties = properties;
      return this;
    }

    /** CIDR blocks (e.g. {@code 10.1.0.0/16}, {@code ::1/128}) the SSRF guard lets through. */
    public Builder allowedNetworks(List<String> cidrs) {
      this.allowedNetworks = cidrs;
      return this;
    }

    public Builder isolation(Isolation newIsolation) {
      this.isolation = newIsolation;
      return this;
    }

    public Builder scheduling(Scheduling newScheduling) {
      this.scheduling = newScheduling;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public WorkerConfig build() {
      return new WorkerConfig(
          bootstrapServers,
          workerId,
          maxInFlight,
          consumers,
          pollTimeout,
          retrySchedule,
          shutdownGrace,
          webhookCacheTtl,
          consumerProperties,
          allowedNetworks,
          isolation,
          scheduling);
    }
  }

  static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative())
      throw new IllegalArgumentException(name + " must be positive, was " + d);
  }
}
