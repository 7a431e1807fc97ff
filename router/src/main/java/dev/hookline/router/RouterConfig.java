package dev.hookline.router;

import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

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
 */
public record RouterConfig(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    int numStreamThreads,
    Duration commitInterval,
    int replicationFactor,
    Map<String, String> kafkaOverrides) {

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
        Map.of());
  }

  public RouterConfig withApplicationId(String id) {
    return new RouterConfig(
        bootstrapServers,
        id,
        stateDir,
        numStreamThreads,
        commitInterval,
        replicationFactor,
        kafkaOverrides);
  }

  public RouterConfig withNumStreamThreads(int threads) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        threads,
        commitInterval,
        replicationFactor,
        kafkaOverrides);
  }

  public RouterConfig withCommitInterval(Duration interval) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        interval,
        replicationFactor,
        kafkaOverrides);
  }

  public RouterConfig withReplicationFactor(int rf) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        commitInterval,
        rf,
        kafkaOverrides);
  }

  public RouterConfig withKafkaOverrides(Map<String, String> overrides) {
    return new RouterConfig(
        bootstrapServers,
        applicationId,
        stateDir,
        numStreamThreads,
        commitInterval,
        replicationFactor,
        overrides);
  }
}
