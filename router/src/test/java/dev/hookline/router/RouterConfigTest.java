package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterConfigTest {
  @Test
  void defaultsAndStreamsProperties() {
    RouterConfig config =
        RouterConfig.builder("k:9092", Path.of("/var/lib/hookline/router"))
            .numStreamThreads(3)
            .commitInterval(Duration.ofMillis(250))
            .kafkaOverrides(Map.of("security.protocol", "SSL"))
            .build();
    assertThat(config.applicationId()).isEqualTo(Topics.ROUTER_APPLICATION_ID);
    assertThat(config.replicationFactor()).isEqualTo(RouterConfig.FROM_CLUSTER);

    Properties p = Router.streamsProperties(config);
    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("hookline-router");
    assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("k:9092");
    assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
    assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(-1);
    // no waiting on the empty events.* partitions of a task: nothing is joined
    assertThat(new StreamsConfig(p).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(-1L);
    assertThat(p.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/var/lib/hookline/router");
    assertThat(p.get("security.protocol")).isEqualTo("SSL");
    // Kafka accepts the whole set.
    new StreamsConfig(p);
    // Dynamic membership unless an instance id is set.
    assertThat(new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0))
        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
  }

  @Test
  void theGroupGivesADeadStreamThreadsPartitionsAwayAfterTenSecondsNotFortyFive() {
    RouterConfig config = RouterConfig.defaults("k:9092", Path.of("/tmp/r"));
    StreamsConfig streams = new StreamsConfig(Router.streamsProperties(config));
    assertThat(streams.getMainConsumerConfigs("g", "c", 0))
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
        .as("the heartbeat stays well inside the session")
        .doesNotContainKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);

    RouterConfig overridden =
        RouterConfig.builder("k:9092", Path.of("/tmp/r"))
            .kafkaOverrides(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000"))
            .build();
    assertThat(
            new StreamsConfig(Router.streamsProperties(overridden))
                .getMainConsumerConfigs("g", "c", 0))
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
  }

  @Test
  void internalTopicsOfThreeReplicasOrMoreNeedTwoInSync() {
    RouterConfig config = RouterConfig.defaults("k:9092", Path.of("/tmp/r"));
    Properties three = Router.streamsProperties(config, 3);
    assertThat(three.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    assertThat(new StreamsConfig(three).originalsWithPrefix(StreamsConfig.TOPIC_PREFIX))
        .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
    Properties one = Router.streamsProperties(config, 1);
    assertThat(one.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
    assertThat(new StreamsConfig(one).originalsWithPrefix(StreamsConfig.TOPIC_PREFIX)).isEmpty();
    // not counted (no broker answered): the broker's default
    assertThat(Router.streamsProperties(config).get(StreamsConfig.REPLICATION_FACTOR_CONFIG))
        .isEqualTo(-1);
    assertThat(
            Router.internalReplication(
                RouterConfig.builder("k:9092", Path.of("/tmp/r")).replicationFactor(2).build()))
        .as("a configured factor is taken as it is, without asking the cluster")
        .isEqualTo(2);
  }

  @Test
  void anInstanceIdMakesTheMainConsumerOfEachThreadAStaticMember() {
    RouterConfig config =
        RouterConfig.builder("k:9092", Path.of("/tmp/r"))
            .numStreamThreads(2)
            .instanceId("router-1")
            .build();
    StreamsConfig streams = new StreamsConfig(Router.streamsProperties(config));
    assertThat(streams.getMainConsumerConfigs("g", "c", 0))
        .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "router-1-0");
    assertThat(streams.getMainConsumerConfigs("g", "c", 1))
        .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "router-1-1");
    assertThat(streams.getRestoreConsumerConfigs("c"))
        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    assertThat(streams.getGlobalConsumerConfigs("c"))
        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
  }

  @Test
  void rejectsNonsense() {
    Path dir = Path.of("x");
    assertThatThrownBy(() -> RouterConfig.defaults(" ", dir))
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> RouterConfig.builder("k:1", dir).numStreamThreads(0).build())
        .hasMessageContaining("numStreamThreads");
    assertThatThrownBy(() -> RouterConfig.builder("k:1", dir).commitInterval(Duration.ZERO).build())
        .hasMessageContaining("commitInterval");
    assertThatThrownBy(() -> RouterConfig.builder("k:1", dir).replicationFactor(-2).build())
        .hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> RouterConfig.builder("k:1", dir).applicationId("").build())
        .hasMessageContaining("applicationId");
    assertThatThrownBy(() -> RouterConfig.builder("k:1", dir).instanceId("a b").build())
        .hasMessageContaining("instanceId");
    assertThatThrownBy(() -> RouterConfig.builder("k:1", dir).instanceId("").build())
        .hasMessageContaining("instanceId");
  }
}
