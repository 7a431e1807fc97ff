package dev.hookline.app;

import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import dev.hookline.store.Database;
import dev.hookline.worker.DispatcherWorker;
import dev.hookline.worker.WorkerAssembly;
import dev.hookline.worker.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * How Hookline's parts are put together, in one place for every process that runs them: {@code
 * hookline up} and each role (through {@link Roles}), and the benchmark, which must measure the
 * stack as shipped rather than a copy of its wiring.
 */
public final class Assembly {
  /** How often each worker reads the share group's lag for {@link ShareGroupLag#METRIC}. */
  static final Duration SHARE_GROUP_LAG_INTERVAL = Duration.ofSeconds(15);

  private Assembly() {}

  /**
   * The embedded infrastructure of {@code up}: a PostgreSQL and a Kafka broker on a data dir, with
   * the topics provisioned. Neither stops by itself when the JVM exits: {@link #close()} stops
   * Kafka, then PostgreSQL, after whatever used them.
   */
  public record Embedded(EmbeddedPostgresServer postgres, EmbeddedKafka kafka)
      implements AutoCloseable {
    /**
     * Starts both side by side (PostgreSQL runs in processes of its own) and provisions the topics.
     *
     * @param kafkaPort the broker's port, its controller on the next one; 0 for free ones
     * @param dbPort 0 for a free one
     */
    public static Embedded start(Path dataDir, int kafkaPort, int dbPort, int partitions) {
      CompletableFuture<EmbeddedPostgresServer> postgres =
          CompletableFuture.supplyAsync(
              () -> EmbeddedPostgresServer.start(dataDir.resolve("postgres"), dbPort, false));
      EmbeddedKafka kafka = null;
      EmbeddedPostgresServer started = null;
      try {
        kafka =
            EmbeddedKafka.start(
                dataDir.resolve("kafka"), kafkaPort, kafkaPort == 0 ? 0 : kafkaPort + 1);
        started = join(postgres);
        TopicProvisioner.provision(kafka.bootstrapServers(), partitions, (short) 1);
        return new Embedded(started, kafka);
      } catch (RuntimeException e) {
        if (kafka != null) kafka.close();
        if (started != null) started.close();
        else postgres.thenAccept(EmbeddedPostgresServer::close).exceptionally(x -> null).join();
        throw e;
      }
    }

    public String bootstrapServers() {
      return kafka.bootstrapServers();
    }

    @Override
    public void close() {
      try {
        kafka.close();
      } finally {
        postgres.close();
      }
    }

    private static <T> T join(CompletableFuture<T> future) {
      try {
        return future.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
  }

  /**
   * The outbox relay as admin-api runs it: woken by PostgreSQL's notifications, reconciled against
   * the subscription snapshots. Closing stops the relay, then its signal and its producer.
   *
   * @param clientProperties a deployment's Kafka client settings (TLS, SASL); empty for none
   */
  public static AutoCloseable relay(
      Database db, String bootstrapServers, Map<String, String> clientProperties) {
    Running running = new Running();
    try {
      KafkaProducer<String, String> producer =
          running.add(
              new KafkaProducer<>(
                  OutboxRelay.producerProperties(bootstrapServers, clientProperties)));
      // the signal is added before the relay so that it is closed after it (reverse order)
      running.add(
          OutboxRelay.builder(db.outbox(), producer)
              .reconciledBy(db.subscriptionSnapshots())
              .wokenBy(running.add(db.outboxSignal()))
              .start());
      return running;
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  /**
   * The router, not started yet.
   *
   * @param instanceId static group membership; null for dynamic
   * @param deduplicationWindow how long an event's (source, id) is remembered; zero for never
   * @param replicationFactor of the router's internal topics; {@link RouterConfig#FROM_CLUSTER} for
   *     min(3, brokers)
   * @param clientProperties a deployment's Kafka client settings (TLS, SASL), given to every client
   *     of its Kafka Streams; empty for none
   */
  public static Router router(
      String bootstrapServers,
      Map<String, String> clientProperties,
      Path stateDir,
      String instanceId,
      Duration deduplicationWindow,
      int replicationFactor,
      EventCatalog catalog,
      MeterRegistry metrics) {
    return new Router(
        RouterConfig.builder(bootstrapServers, stateDir)
            .kafkaOverrides(clientProperties)
            .instanceId(instanceId)
            .deduplicationWindow(deduplicationWindow)
            .replicationFactor(replicationFactor)
            .build(),
        catalog,
        metrics);
  }

  /**
   * A worker's configuration as {@code hookline worker} has it: {@code concurrency} deliveries in
   * flight, the allow-listed networks, everything else at its default.
   */
  public static WorkerConfig.Builder workerConfig(
      String bootstrapServers, String workerId, int concurrency, List<String> allowedNetworks) {
    return WorkerConfig.builder(bootstrapServers, workerId)
        .maxInFlight(concurrency)
        .allowedNetworks(allowedNetworks);
  }

  /** A dispatcher worker, started, with its share group lag gauge; closing stops both. */
  public static Worker worker(WorkerConfig config, Database db, MeterRegistry metrics) {
    DispatcherWorker worker = WorkerAssembly.assemble(config, db, metrics);
    worker.start();
    try {
      ShareGroupLag lag =
          new ShareGroupLag(
                  config.bootstrapServers(),
                  config.consumerProperties(),
                  Topics.DISPATCHER_SHARE_GROUP,
                  Topics.DELIVERIES,
                  SHARE_GROUP_LAG_INTERVAL,
                  metrics)
              .start();
      return new Worker(worker, lag);
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  /** A running dispatcher worker and its lag gauge. */
  public static final class Worker implements AutoCloseable {
    private final DispatcherWorker worker;
    private final ShareGroupLag lag;

    private Worker(DispatcherWorker worker, ShareGroupLag lag) {
      this.worker = worker;
      this.lag = lag;
    }

    /** Whether every consume loop is alive (for health checks). */
    public boolean isRunning() {
      return worker.isRunning();
    }

    @Override
    public void close() {
      lag.close();
      worker.close();
    }
  }

  /**
   * The dispatchers' share group as {@code hookline status} reads it.
   *
   * @param members its consumers (each worker has several)
   * @param lag records of {@code hookline.deliveries} not yet delivered and acknowledged
   */
  public record ShareGroup(int members, long lag) {}

  /** Reads the dispatchers' share group, within {@code timeout}. */
  public static ShareGroup shareGroup(Admin admin, Duration timeout) throws Exception {
    KafkaStatus.Dispatchers d =
        KafkaStatus.dispatchers(
            admin,
            Topics.DISPATCHER_SHARE_GROUP,
            Topics.DELIVERIES,
            KafkaStatus.Deadline.in(timeout));
    return new ShareGroup(d.members(), d.lag());
  }
}
