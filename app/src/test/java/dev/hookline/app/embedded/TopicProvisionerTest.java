package dev.hookline.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {
  private final EventCatalog catalog = EventCatalog.load();

  @Test
  void planHasTheFixedTopicsAndOneEventsTopicPerDomain() {
    Map<String, NewTopic> plan = byName(TopicProvisioner.plan(catalog, 6, (short) 1));

    assertThat(plan)
        .containsKeys(
            Topics.SUBSCRIPTIONS,
            Topics.DELIVERIES,
            Topics.DEAD_LETTER,
            Topics.INVALID_EVENTS,
            Topics.HOOKLINE_EVENTS);
    assertThat(catalog.types()).isNotEmpty();
    for (EventType type : catalog.types())
      assertThat(plan).containsKey(Topics.eventsTopic(type.domain()));
    assertThat(plan.keySet())
        .allMatch(name -> name.startsWith("hookline.") || name.startsWith("events."));
  }

  @Test
  void highVolumeTopicsGetThePartitionsTheRestOneAndSubscriptionsAreCompacted() {
    Map<String, NewTopic> plan = byName(TopicProvisioner.plan(catalog, 12, (short) 3));

    assertThat(plan.get(Topics.DELIVERIES).numPartitions()).isEqualTo(12);
    assertThat(plan.get(Topics.HOOKLINE_EVENTS).numPartitions()).isEqualTo(12);
    assertThat(plan.get(catalog.types().get(0).topic()).numPartitions()).isEqualTo(12);
    assertThat(plan.get(Topics.SUBSCRIPTIONS).numPartitions()).isEqualTo(1);
    assertThat(plan.get(Topics.DEAD_LETTER).numPartitions()).isEqualTo(1);
    assertThat(plan.get(Topics.INVALID_EVENTS).numPartitions()).isEqualTo(1);
    assertThat(plan.values()).allMatch(t -> t.replicationFactor() == 3);
    assertThat(plan.get(Topics.SUBSCRIPTIONS).configs()).containsEntry("cleanup.policy", "compact");
  }

  @Test
  void replicationFollowsTheClusterUpToThreeWithTwoInSyncReplicasFromThree() {
    assertThat(TopicProvisioner.replicationFor(1)).isEqualTo((short) 1);
    assertThat(TopicProvisioner.replicationFor(2)).isEqualTo((short) 2);
    assertThat(TopicProvisioner.replicationFor(3)).isEqualTo((short) 3);
    assertThat(TopicProvisioner.replicationFor(9)).isEqualTo((short) 3);

    Map<String, NewTopic> three = byName(TopicProvisioner.plan(catalog, 6, (short) 3));
    assertThat(three.values())
        .allSatisfy(t -> assertThat(t.configs()).containsEntry("min.insync.replicas", "2"));
    assertThat(three.get(Topics.SUBSCRIPTIONS).configs())
        .containsEntry("cleanup.policy", "compact");
    for (short fewer : new short[] {1, 2, -1}) {
      assertThat(TopicProvisioner.plan(catalog, 6, fewer))
          .allSatisfy(t -> assertThat(t.configs()).doesNotContainKey("min.insync.replicas"));
    }
  }

  @Test
  void nonsensicalSizesAreRefused() {
    assertThatThrownBy(() -> TopicProvisioner.plan(catalog, 0, (short) 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
    assertThatThrownBy(() -> TopicProvisioner.plan(catalog, 6, (short) 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicationFactor");
  }

  private static Map<String, NewTopic> byName(List<NewTopic> topics) {
    return topics.stream().collect(Collectors.toMap(NewTopic::name, Function.identity()));
  }
}
