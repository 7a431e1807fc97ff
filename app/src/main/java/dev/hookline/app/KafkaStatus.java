package dev.hookline.app;

import dev.hookline.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * What {@code hookline status} shows from Kafka: the cluster, the dispatchers' share group and the
 * invalid events. Every call is bounded by the deadline; a part that fails says why without hiding
 * the others.
 *
 * @param dispatchers the share group {@code hookline-dispatchers} on {@code hookline.deliveries}
 * @param invalidEvents the offset span of {@code hookline.invalid-events}
 */
record KafkaStatus(
    String clusterId, int brokers, Probe<Dispatchers> dispatchers, Probe<Long> invalidEvents) {

  /**
   * @param lag records not yet delivered (acknowledged) by the group, over all partitions
   */
  /** Workers are told apart by client id: a worker's consumers share one. */
  record Dispatchers(int workers, int members, String state, long lag) {}

  /** Connects, reads everything it can until the deadline, closes. */
  static Probe<KafkaStatus> read(
      String bootstrapServers, Map<String, String> clientProperties, Deadline deadline) {
    Properties props = new Properties();
    props.putAll(clientProperties); // security settings, when there are
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    int timeout = (int) Math.max(500, deadline.remaining().toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeout));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeout));
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "3000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (RuntimeException e) {
      return Probe.failed(e);
    }
    try {
      var cluster = admin.describeCluster();
      String clusterId = deadline.await(cluster.clusterId());
      int brokers = deadline.await(cluster.nodes()).size();
      return new Probe.Ok<>(
          new KafkaStatus(
              clusterId,
              brokers,
              Probe.of(
                  () ->
                      dispatchers(
                          admin, Topics.DISPATCHER_SHARE_GROUP, Topics.DELIVERIES, deadline)),
              Probe.of(() -> offsetSpan(admin, Topics.INVALID_EVENTS, deadline))));
    } catch (Exception e) {
      return Probe.failed(e);
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  /**
   * Lag per partition: Kafka's own figure when the broker gives one, else end offset minus the
   * share-partition start offset; a partition the group has no state for yet counts in full (the
   * group starts at the earliest offset, docs/operations.md).
   */
  static Dispatchers dispatchers(Admin admin, String group, String topic, Deadline deadline)
      throws Exception {
    List<TopicPartition> partitions = partitions(admin, topic, deadline);
    Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest(), deadline);
    Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest(), deadline);
    ShareGroupDescription description;
    Map<TopicPartition, SharePartitionOffsetInfo> shared;
    try {
      description =
          deadline.await(admin.describeShareGroups(List.of(group)).describedGroups().get(group));
      shared =
          deadline.await(
              admin
                  .listShareGroupOffsets(
                      Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
                  .partitionsToOffsetInfo(group));
    } catch (GroupIdNotFoundException e) {
      description = null; // no worker has joined yet
      shared = Map.of();
    }
    long lag = 0;
    for (TopicPartition tp : partitions) {
      SharePartitionOffsetInfo info = shared.get(tp);
      long partitionLag =
          info == null
              ? end.get(tp) - start.get(tp)
              : info.lag().orElse(end.get(tp) - Math.max(info.startOffset(), start.get(tp)));
      lag += Math.max(0, partitionLag);
    }
    return description == null
        ? new Dispatchers(0, 0, "not created yet", lag)
        : new Dispatchers(
            (int) description.members().stream().map(m -> m.clientId()).distinct().count(),
            description.members().size(),
            description.groupState().toString(),
            lag);
  }

  /**
   * End minus beginning offsets: the records kept, plus the commit markers of the router's
   * transactions (an upper bound of the record count).
   */
  private static long offsetSpan(Admin admin, String topic, Deadline deadline) throws Exception {
    List<TopicPartition> partitions = partitions(admin, topic, deadline);
    Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest(), deadline);
    Map<TopicPartition, Long> start = offsets(admin, partitions, OffsetSpec.earliest(), deadline);
    return partitions.stream().mapToLong(tp -> end.get(tp) - start.get(tp)).sum();
  }

  private static List<TopicPartition> partitions(Admin admin, String topic, Deadline deadline)
      throws Exception {
    return deadline
        .await(admin.describeTopics(List.of(topic)).allTopicNames())
        .get(topic)
        .partitions()
        .stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec, Deadline deadline)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request =
        partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec));
    return deadline.await(admin.listOffsets(request).all()).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** A point in time every check of one status run must finish by. */
  record Deadline(long nanos) {
    static Deadline in(Duration budget) {
      return new Deadline(System.nanoTime() + budget.toNanos());
    }

    Duration remaining() {
      return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
    }

    <T> T await(KafkaFuture<T> future) throws Exception {
      try {
        return future.get(remaining().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } catch (TimeoutException e) {
        throw new TimeoutException("no answer in time");
      }
    }
  }
}
