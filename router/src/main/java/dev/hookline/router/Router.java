package dev.hookline.router;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.EventCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router role: runs {@link RouterTopology} on Kafka Streams, exactly-once.
 *
 * <p>The topics {@code hookline.subscriptions}, {@code hookline.deliveries} and {@code
 * hookline.invalid-events} must exist before {@link #start()}; {@code events.*} topics are picked
 * up as they appear (within {@link #TOPIC_DISCOVERY_INTERVAL_MS}).
 */
public final class Router implements AutoCloseable {
  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** How soon a new {@code events.<domain>} topic is noticed by the pattern subscription. */
  static final int TOPIC_DISCOVERY_INTERVAL_MS = 30_000;

  private static final Logger log = LoggerFactory.getLogger(Router.class);
  private static final Duration BROKER_COUNT_TIMEOUT = Duration.ofSeconds(15);
  static final int SESSION_TIMEOUT_MS = 10_000;

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;

  public Router(RouterConfig config, EventCatalog catalog, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(catalog, "catalog");
    Properties properties = streamsProperties(config, internalReplication(config));
    RouterTopology routerTopology =
        new RouterTopology(
            catalog::contains, registry, maxRequestSize(properties), config.deduplicationWindow());
    Topology topology = routerTopology.build();
    routerTopology.putErrorHandling(properties);
    this.streams = new KafkaStreams(topology, properties);
    this.streams.setUncaughtExceptionHandler(
        e -> {
          log.error("Router stream thread failed; replacing it", e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.streams.setStateListener(
        (newState, oldState) -> log.info("Router state {} -> {}", oldState, newState));
    this.metrics = new KafkaStreamsMetrics(streams);
    this.metrics.bindTo(registry);
  }

  static Properties streamsProperties(RouterConfig config) {
    return streamsProperties(config, config.replicationFactor());
  }

  /**
   * @param replicationFactor of the internal topics, resolved ({@link RouterConfig#FROM_CLUSTER}
   *     counted): from 3 replicas on they get {@code min.insync.replicas} 2, like Hookline's
   *     topics, so losing one broker of three stops neither routing nor an acknowledged write
   */
  static Properties streamsProperties(RouterConfig config, int replicationFactor) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(
        StreamsConfig.REPLICATION_FACTOR_CONFIG,
        replicationFactor == RouterConfig.FROM_CLUSTER ? -1 : replicationFactor);
    if (replicationFactor >= 3)
      p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), "2");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // A stream task reads partition N of every events.* topic, most of them empty. With Kafka's
    // default (0) it checks each empty partition's lag before every record, formatting a log line
    // per partition even when nothing is logged: 6 % of the stream thread (docs/benchmarks.md,
    // stop 27). That wait orders the records of joined topics by time; routing joins nothing, and
    // the copies deduplication compares come on one partition, in its order.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // the producer writes delivery tasks: tuned like every writer of them
    DeliveryTaskWriter.TUNING.forEach(
        (key, value) -> p.put(StreamsConfig.producerPrefix(key), value));
    // The pattern subscription notices new events.<domain> topics on metadata refresh.
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
        TOPIC_DISCOVERY_INTERVAL_MS);
    // A new router starts at the oldest event still on the topics, not only at new ones.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A stream thread that dies (a record the broker refuses: RouterErrorHandler) is replaced at
    // once, but its consumer stays in the group (Streams never leaves on a thread's close), and
    // the group waits for its session to time out before it gives the partitions to anyone: with
    // Kafka's 45 s, every refused record stopped all routing for 45 s. 10 s (Kafka's default
    // before 3.0) with the 3 s heartbeat. Unprefixed, so that an override of the same key wins.
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    // Static membership: a router restarted after a crash (kill -9, OOM) rejoins as the member it
    // was and gets its partitions back at once; a new dynamic member would wait for the dead one to
    // miss its session timeout. Streams appends "-<thread>" per stream thread. Only the main
    // consumer is in the group; the restore and global consumers must not carry the id.
    if (config.instanceId() != null) {
      p.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
          config.instanceId());
    }
    p.putAll(config.kafkaOverrides());
    return p;
  }

  /**
   * The configured replication factor, or with {@link RouterConfig#FROM_CLUSTER} min(3, brokers):
   * else a three-broker cluster whose brokers keep Kafka's {@code default.replication.factor} 1
   * would put the deduplication store's changelog on one broker, and losing it would stop routing.
   * A cluster that cannot be counted within the timeout leaves it to the broker's default.
   */
  static int internalReplication(RouterConfig config) {
    if (config.replicationFactor() != RouterConfig.FROM_CLUSTER) return config.replicationFactor();
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    config.kafkaOverrides().forEach(admin::put); // security settings, when there are
    try (Admin client = Admin.create(admin)) {
      int brokers =
          client
              .describeCluster()
              .nodes()
              .get(BROKER_COUNT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .size();
      return Math.max(1, Math.min(3, brokers));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RouterConfig.FROM_CLUSTER;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn(
          "Could not count the Kafka brokers ({}): the router's internal topics get the broker's"
              + " default replication factor",
          e.toString());
      return RouterConfig.FROM_CLUSTER;
    }
  }

  /** The {@code max.request.size} of the router's producer, as configured or Kafka's default. */
  static int maxRequestSize(Properties properties) {
    Object size =
        properties.getOrDefault(
            StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            properties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    return size == null
        ? RouterTopology.DEFAULT_MAX_RECORD_BYTES
        : Integer.parseInt(size.toString().trim());
  }

  /** Starts the router; it keeps running (replacing failed threads) until {@link #close()}. */
  public void start() {
    log.info("Starting router");
    streams.start();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** For /health: true while running or rebalancing (also while first loading the routes). */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /**
   * @return true if the router stopped within the timeout
   */
  public boolean close(Duration timeout) {
    // Leave the group at once: otherwise a restarted or remaining router waits out the session
    // timeout (45 s) before it gets the partitions, and routing stalls that long.
    boolean closed =
        streams.close(
            CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    metrics.close();
    if (!closed) log.warn("Router did not stop within {}", timeout);
    return closed;
  }

  /**
   * For tests: stops the way a killed process looks to the group coordinator, still a member until
   * its session times out (a real kill -9 cannot be done in-process).
   */
  void closeAsIfKilled(Duration timeout) {
    streams.close(
        CloseOptions.timeout(timeout)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    metrics.close();
  }

  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }
}
