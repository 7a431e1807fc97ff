package dev.hookline.router;

import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run the router.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param applicationId Kafka Streams application id (consumer group, transactional id prefix)
 * @param stateDir where Kafka Streams keeps its local state (the routes index)
 * @param numStreamThreads stream threads; more than the event partitions is wasted
 * @param commitInterval how often a transaction commits; the floor of end-to-end latency
 * @param replicationFactor for Streams internal topics; -1 = the broker default
 * @param kafkaOverrides extra Kafka Streams / client properties, applied last (e.g. security)
 * @param instanceId static group membership ({@code group.instance.id}, one per router process,
 *     stable across its restarts), or null for dynamic membership. With it, a router restarted
 *     after a crash takes its partitions back at once instead of after the session timeout.
 */
public record RouterConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    int numStreamThreads,
    Duration commitInterval,
    int replicationFactor,
    Map<String, String> kafkaOverrides,
    String instanceId) {

  /** What Kafka accepts in a group instance id, leaving room for the "-N" Streams appends. */
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

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
    if (replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException(
          "replicationFactor must be -1 (broker default) or >= 1, was " + replicationFactor);
    }
    kafkaOverrides = Map.copyOf(Objects.requireNonNullElse(kafkaOverrides, Map.of()));
    if (instanceId != null && !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException(
          "instanceId must be 1-200 of the characters a-z A-Z 0-9 . _ -, or null");
    }
  }

  /**
   * Defaults: application id {@value Topics#ROUTER_APPLICATION_ID}, one thread, 100 ms commits,
   * broker-default RF.
   */
  public static RouterConfig defaults(String bootstrapServers, Path stateDir) {
    return new RouterConfig(
        bootstrapServers,
        Topics.ROUTER_APPLICATION_ID,
        stateDir,
        1,
        DEFAULT_COMMIT_INTERVAL,
        -1,
        Map.of(),
        null);
  }

  public RouterConfig withApplicationId(String id) {
    return new RouterConfig(
        bootstrapServers,
        id,
        stateDir,
        numStreamThreads,
        commitInterval,
        replicationFactor,
        kafkaOverrides,
        instanceId);
  }

  public RouterConfig withNumStreamThreads(int threads) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        threads,
        commitInterval,
        replicationFactor,
        kafkaOverrides,
        instanceId);
  }

  public RouterConfig withCommitInterval(Duration interval) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        interval,
        replicationFactor,
        kafkaOverrides,
        instanceId);
  }

  public RouterConfig withReplicationFactor(int rf) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        commitInterval,
        rf,
        kafkaOverrides,
        instanceId);
  }

  public RouterConfig withKafkaOverrides(Map<String, String> overrides) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        commitInterval,
        replicationFactor,
        overrides,
        instanceId);
  }

  /** Static membership under this id; null for dynamic membership. */
  public RouterConfig withInstanceId(String id) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        commitInterval,
        replicationFactor,
        kafkaOverrides,
        id);
  }
}
