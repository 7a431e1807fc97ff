package dev.hookline.app;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * An {@code apache/kafka} container set up like the in-process broker: one node, every internal
 * topic with one replica (else Streams' exactly_once_v2 hangs and share groups never start), no
 * auto-created topics. A 4.2+ image formatted fresh has share groups enabled.
 */
final class KafkaContainerBroker {
  static final String IMAGE = "apache/kafka:4.4.0";

  private KafkaContainerBroker() {}

  /** Starts the container (stopped by Testcontainers' reaper when the JVM ends). */
  @SuppressWarnings("resource") // lives as long as the test JVM
  static String start() {
    KafkaContainer kafka =
        new KafkaContainer(DockerImageName.parse(IMAGE))
            .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
            .withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "1")
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    kafka.start();
    return kafka.getBootstrapServers();
  }
}
