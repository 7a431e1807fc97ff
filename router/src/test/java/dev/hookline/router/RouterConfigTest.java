package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterConfigTest {
  @Test
  void defaultsAndStreamsProperties() {
    RouterConfig config =
        RouterConfig.defaults("k:9092", Path.of("/var/lib/hookline/router"))
            .withNumStreamThreads(3)
            .withCommitInterval(Duration.ofMillis(250))
            .withKafkaOverrides(Map.of("security.protocol", "SSL"));
    assertThat(config.applicationId()).isEqualTo(Topics.ROUTER_APPLICATION_ID);
    assertThat(config.replicationFactor()).isEqualTo(-1);

    Properties p = Router.streamsProperties(config);
    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("hookline-router");
    assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("k:9092");
    assertThat(p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
    assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(-1);
    assertThat(p.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/var/lib/hookline/router");
    assertThat(p.get("security.protocol")).isEqualTo("SSL");
    // Kafka accepts the whole set.
    new StreamsConfig(p);
    // Dynamic membership unless an instance id is set.
    assertThat(new StreamsConfig(p).getMainConsumerConfigs("g", "c", 0))
        .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
  }

  @Test
  void anInstanceIdMakesTheMainConsumerOfEachThreadAStaticMember() {
    RouterConfig config =
        RouterConfig.defaults("k:9092", Path.of("/tmp/r"))
            .withNumStreamThreads(2)
            .withInstanceId("router-1");
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
    assertThatThrownBy(() -> RouterConfig.defaults("k:1", dir).withNumStreamThreads(0))
        .hasMessageContaining("numStreamThreads");
    assertThatThrownBy(() -> RouterConfig.defaults("k:1", dir).withCommitInterval(Duration.ZERO))
        .hasMessageContaining("commitInterval");
    assertThatThrownBy(() -> RouterConfig.defaults("k:1", dir).withReplicationFactor(0))
        .hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> RouterConfig.defaults("k:1", dir).withApplicationId(""))
        .hasMessageContaining("applicationId");
    assertThatThrownBy(() -> RouterConfig.defaults("k:1", dir).withInstanceId("a b"))
        .hasMessageContaining("instanceId");
    assertThatThrownBy(() -> RouterConfig.defaults("k:1", dir).withInstanceId(""))
        .hasMessageContaining("instanceId");
  }
}
