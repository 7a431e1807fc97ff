package dev.hookline.app.embedded;

import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Hookline topics (docs/design.md, "Kafka") and the dispatcher share group's config.
 * Idempotent: topics that already exist are left as they are, so it runs on every start.
 */
public final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  /**
   * Partitions of the high-volume topics (deliveries and every events topic) unless told otherwise.
   */
  public static final int DEFAULT_PARTITIONS = 6;

  private static final int TIMEOUT_SECONDS = 30;

  private TopicProvisioner() {}

  /**
   * {@link #provision(String, int, short)} with the embedded defaults: 6 partitions, replication
   * factor 1.
   */
  public static List<String> provision(String bootstrapServers) {
    return provision(bootstrapServers, DEFAULT_PARTITIONS, (short) 1);
  }

  /**
   * Creates any missing Hookline topic, then configures the share group {@value
   * Topics#DISPATCHER_SHARE_GROUP}: {@code share.auto.offset.reset=earliest}, {@code
   * share.record.lock.duration.ms=60000} and {@code share.delivery.count.limit=10}.
   *
   * @param partitions partitions of {@code hookline.deliveries} and of every {@code events.*}
   *     topic; the low-volume topics (subscriptions, dead letter, invalid events) get one
   * @param replicationFactor of the topics created now; {@link #FROM_CLUSTER} for {@link
   *     #replicationFor(int) min(3, brokers)}, -1 for the broker's {@code
   *     default.replication.factor}
   * @return the names of all Hookline topics, created now or before
   * @throws IllegalStateException if Kafka refuses or does not answer within 30 s
   */
  public static List<String> provision(
      String bootstrapServers, int partitions, short replicationFactor) {
    return provision(bootstrapServers, Map.of(), partitions, replicationFactor);
  }

  /**
   * {@link #provision(String, int, short)} with a deployment's Kafka client settings (TLS, SASL).
   */
  public static List<String> provision(
      String bootstrapServers,
      Map<String, String> clientProperties,
      int partitions,
      short replicationFactor) {
    Map<String, Object> props = new java.util.HashMap<>(clientProperties);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      short replication =
          replicationFactor == FROM_CLUSTER ? replicationFor(brokers(admin)) : replicationFactor;
      List<NewTopic> topics = plan(EventCatalog.load(), partitions, replication);
      createMissing(admin, topics);
      configureDispatcherGroup(admin);
      return topics.stream().map(NewTopic::name).toList();
    }
  }

  /** {@link #provision}'s replication factor meaning "from the cluster's size". */
  public static final short FROM_CLUSTER = 0;

  /**
   * Three replicas where there are three brokers or more (one broker may fail, or be restarted,
   * without losing a record or refusing a write), as many as there are brokers below that.
   */
  static short replicationFor(int brokers) {
    return (short) Math.max(1, Math.min(3, brokers));
  }

  /**
   * {@code min.insync.replicas} for a replication factor: 2 from 3 replicas on (with the producers'
   * {@code acks=all}, a write acknowledged is on two brokers), else the broker's default.
   */
  static Map<String, String> minInsyncFor(short replicationFactor) {
    return replicationFactor >= 3 ? Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2") : Map.of();
  }

  /** The topics Hookline needs for this catalog. */
  static List<NewTopic> plan(EventCatalog catalog, int partitions, short replicationFactor) {
    if (partitions < 1)
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    if (replicationFactor < 1 && replicationFactor != -1) {
      throw new IllegalArgumentException(
          "replicationFactor must be >= 1 (or -1 for the broker default), was "
              + replicationFactor);
    }
    Map<String, String> isr = minInsyncFor(replicationFactor);
    Map<String, NewTopic> byName = new LinkedHashMap<>();
    // The subscriptions topic is the router's GlobalKTable source and changelog: keep it compacted.
    Map<String, String> compacted = new LinkedHashMap<>(isr);
    compacted.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    byName.put(
        Topics.SUBSCRIPTIONS,
        new NewTopic(Topics.SUBSCRIPTIONS, 1, replicationFactor).configs(compacted));
    byName.put(Topics.DELIVERIES, topic(Topics.DELIVERIES, partitions, replicationFactor, isr));
    byName.put(Topics.DEAD_LETTER, topic(Topics.DEAD_LETTER, 1, replicationFactor, isr));
    byName.put(Topics.INVALID_EVENTS, topic(Topics.INVALID_EVENTS, 1, replicationFactor, isr));
    byName.put(
        Topics.HOOKLINE_EVENTS, topic(Topics.HOOKLINE_EVENTS, partitions, replicationFactor, isr));
    for (EventType type : catalog.types()) {
      byName.putIfAbsent(type.topic(), topic(type.topic(), partitions, replicationFactor, isr));
    }
    return List.copyOf(byName.values());
  }

  private static NewTopic topic(
      String name, int partitions, short replicationFactor, Map<String, String> configs) {
    return new NewTopic(name, partitions, replicationFactor).configs(configs);
  }

  private static int brokers(Admin admin) {
    try {
      return admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot count the Kafka brokers: " + e.getMessage(), e);
    }
  }

  private static void createMissing(Admin admin, Collection<NewTopic> topics) {
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> result :
        admin.createTopics(topics).values().entrySet()) {
      try {
        await(result.getValue());
        created.add(result.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e);
        }
      }
    }
    if (!created.isEmpty()) LOG.info("Created Kafka topics {}", created);
  }

  /**
   * The dispatchers' share group settings (group configs, so every worker gets the same ones):
   *
   * <ul>
   *   <li>auto offset reset {@code earliest}: a new share group starts at the latest offset, so
   *       records published before the first dispatcher joined would never be delivered;
   *   <li>record lock 60 s (broker default 30 s, allowed 15-60 s): a worker acknowledges a polled
   *       batch once its slowest delivery is done, up to the 30 s webhook timeout, so a 30 s lock
   *       could expire first and hand the same task to another worker;
   *   <li>delivery count limit 10 (broker default 5, allowed 2-10): each RELEASE (e.g. while the
   *       database is down and results cannot be recorded) counts as a delivery, and a record past
   *       the limit is archived, never delivered; the retry schedule itself lives in PostgreSQL.
   * </ul>
   */
  private static void configureDispatcherGroup(Admin admin) {
    ConfigResource group =
        new ConfigResource(ConfigResource.Type.GROUP, Topics.DISPATCHER_SHARE_GROUP);
    AlterConfigOp earliest =
        new AlterConfigOp(
            new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET);
    AlterConfigOp lockDuration =
        new AlterConfigOp(
            new ConfigEntry("share.record.lock.duration.ms", "60000"), AlterConfigOp.OpType.SET);
    AlterConfigOp deliveryLimit =
        new AlterConfigOp(
            new ConfigEntry("share.delivery.count.limit", "10"), AlterConfigOp.OpType.SET);
    try {
      await(
          admin
              .incrementalAlterConfigs(
                  Map.of(group, List.of(earliest, lockDuration, deliveryLimit)))
              .all());
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot configure share group "
              + Topics.DISPATCHER_SHARE_GROUP
              + ": "
              + e.getCause().getMessage(),
          e);
    }
  }

  private static void await(KafkaFuture<Void> future) throws ExecutionException {
    try {
      future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning Kafka", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s", e);
    }
  }
}
