package dev.hookline.router;

import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run the router, built by the caller (the {@code app} module) with {@link #builder}, or
 * {@link #defaults} for every default.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param applicationId Kafka Streams application id (consumer group, transactional id prefix)
 * @param stateDir where Kafka Streams keeps its local state (the routes index)
 * @param numStreamThreads stream threads; more than the event partitions is wasted
 * @param commitInterval how often a transaction commits: what a {@code read_committed} reader of
 *     the tasks waits for. The workers read uncommitted (docs/design.md), so deliveries do not
 *     wait.
 * @param replicationFactor of the Streams internal topics (the deduplication store's changelog):
 *     {@link #FROM_CLUSTER} (0, the default) for min(3, brokers) counted at start, as Hookline's
 *     own topics get; -1 for the broker's {@code default.replication.factor}; else that many
 * @param kafkaOverrides extra Kafka Streams / client properties, applied last (e.g. security)
 * @param instanceId static group membership ({@code group.instance.id}, one per router process,
 *     stable across its restarts), or null for dynamic membership. With it, a router restarted
 *     after a crash takes its partitions back at once instead of after the session timeout.
 * @param deduplicationWindow how long the router remembers the (source, id) of each event it
 *     routed, dropping a copy published again within it; zero to route every copy
 */
public record RouterConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    int numStreamThreads,
    Duration commitInterval,
    int replicationFactor,
    Map<String, String> kafkaOverrides,
    String instanceId,
    Duration deduplicationWindow) {

  /** {@link #replicationFactor()}: min(3, brokers), counted when the router starts. */
  public static final int FROM_CLUSTER = 0;

  /**
   * What Kafka accepts in a group instance id, leaving room for the "-N" Streams appends: the one
   * place this rule is written ({@code HOOKLINE_ROUTER_INSTANCE_ID} is checked against it too).
   */
  public static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  /** How {@link #INSTANCE_ID} reads in an error message. */
  public static final String INSTANCE_ID_RULE = "1-200 of the characters a-z A-Z 0-9 . _ -";

  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(500);

  public static final Duration DEFAULT_DEDUPLICATION_WINDOW = Duration.ofMinutes(10);

  /** The longest deduplication window: a day, as long as {@code POST /events}' idempotency keys. */
  public static final Duration MAX_DEDUPLICATION_WINDOW = Duration.ofDays(1);

  /** The window itself if it is zero or between a second and a day. */
  static Duration checkDeduplicationWindow(Duration window) {
    Objects.requireNonNull(window, "deduplicationWindow");
    if (!window.isZero()
        && (window.compareTo(Duration.ofSeconds(1)) < 0
            || window.compareTo(MAX_DEDUPLICATION_WINDOW) > 0)) {
      throw new IllegalArgumentException(
          "deduplicationWindow must be zero or 1 s to 1 day, was " + window);
    }
    return window;
  }

  public RouterConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must not be blank");
    }
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("applicationId must not be blank");
    }
    Objects.requireNonNull(stateDir, "stateDir");
    if (numStreamThreads < 1)
      throw new IllegalArgumentException("numStreamThreads must be >= 1, was " + numStreamThreads);
    Objects.requireNonNull(commitInterval, "commitInterval");
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commitInterval must be positive, was " + commitInterval);
    }
    if (replicationFactor < -1) {
      throw new IllegalArgumentException(
          "replicationFactor must be 0 (from the cluster), -1 (broker default) or >= 1, was "
              + replicationFactor);
    }
    kafkaOverrides = Map.copyOf(Objects.requireNonNullElse(kafkaOverrides, Map.of()));
    if (instanceId != null && !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException("instanceId must be " + INSTANCE_ID_RULE + ", or null");
    }
    checkDeduplicationWindow(deduplicationWindow);
  }

  /**
   * Defaults: application id {@value Topics#ROUTER_APPLICATION_ID}, one thread, 500 ms commits,
   * broker-default RF, dynamic membership.
   */
  public static RouterConfig defaults(String bootstrapServers, Path stateDir) {
    return builder(bootstrapServers, stateDir).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder(String bootstrapServers, Path stateDir) {
    return new Builder(bootstrapServers, stateDir);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(bootstrapServers, stateDir)
        .applicationId(applicationId)
        .numStreamThreads(numStreamThreads)
        .commitInterval(commitInterval)
        .replicationFactor(replicationFactor)
        .kafkaOverrides(kafkaOverrides)
        .instanceId(instanceId)
        .deduplicationWindow(deduplicationWindow);
  }

  /** Builds a {@link RouterConfig}; {@link #build()} checks every value and names the bad one. */
  public static final class Builder {
    private final String bootstrapServers;
    private final Path stateDir;
    private String applicationId = Topics.ROUTER_APPLICATION_ID;
    private int numStreamThreads = 1;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private int replicationFactor = FROM_CLUSTER;
    private Map<String, String> kafkaOverrides = Map.of();
    private String instanceId;
    private Duration deduplicationWindow = DEFAULT_DEDUPLICATION_WINDOW;

    private Builder(String bootstrapServers, Path stateDir) {
      this.bootstrapServers = bootstrapServers;
      this.stateDir = stateDir;
    }

    public Builder applicationId(String id) {
      this.applicationId = id;
      return this;
    }

    public Builder numStreamThreads(int threads) {
      this.numStreamThreads = threads;
      return this;
    }

    public Builder commitInterval(Duration interval) {
      this.commitInterval = interval;
      return this;
    }

    public Builder replicationFactor(int rf) {
      this.replicationFactor = rf;
      return this;
    }

    public Builder kafkaOverrides(Map<String, String> overrides) {
      this.kafkaOverrides = overrides;
      return this;
    }

    /** Static membership under this id; null for dynamic membership. */
    public Builder instanceId(String id) {
      this.instanceId = id;
      return this;
    }

    /** How long an event's (source, id) is remembered; zero to route every copy. */
    public Builder deduplicationWindow(Duration window) {
      this.deduplicationWindow = window;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public RouterConfig build() {
      return new RouterConfig(
          bootstrapServers,
          applicationId,
          stateDir,
          numStreamThreads,
          commitInterval,
          replicationFactor,
          kafkaOverrides,
          instanceId,
          deduplicationWindow);
    }
  }
}
