package dev.hookline.worker;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.CircuitBreakerLog;
import dev.hookline.store.Database;
import dev.hookline.store.RateBudgets;
import dev.hookline.store.RetryTimers;
import dev.hookline.store.WebhookHealth;
import dev.hookline.store.WebhookLookup;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Builds a {@link DispatcherWorker} from its configuration: every part, once, wired explicitly. A
 * task's way through them: {@link ConsumeLoop} → {@link TaskRunner} → {@link HttpDeliverer} →
 * {@link AttemptPolicy} → {@link BatchSettler} (or {@link LateAttempts}) → the store.
 */
public final class WorkerAssembly {
  static final String EVENT_SOURCE = "urn:hookline:dispatcher-worker";

  /** A share fetch's bytes at most, over all its partitions ({@link #consumerProperties}). */
  static final int SHARE_FETCH_MAX_BYTES = 4 * 1024 * 1024;

  /** The store interfaces the worker uses. */
  record Stores(
      WebhookLookup webhooks,
      AttemptRecorder attempts,
      RetryTimers timers,
      WebhookHealth health,
      CircuitBreakerLog breakerLog,
      RateBudgets rateBudgets) {
    static Stores of(Database db) {
      return new Stores(
          db.webhooks(),
          db.attempts(),
          db.retryTimers(),
          db.webhookHealth(),
          db.circuitBreakers(),
          db.rateBudgets());
    }
  }

  /**
   * What the worker talks to besides the store: Kafka, the receivers, the time (fakes in tests).
   *
   * @param producer for retries, dead letters and Hookline's own events; the worker closes it
   * @param http the worker closes it
   */
  record Clients(
      Supplier<ShareConsumer<byte[], byte[]>> consumers,
      Producer<String, byte[]> producer,
      Deliverer http,
      Clock clock) {
    /** Real Kafka clients and HTTP. */
    static Clients of(WorkerConfig config) {
      Clock clock = Clock.systemUTC();
      return new Clients(
          () -> newConsumer(config),
          new KafkaProducer<>(producerProperties(config)),
          new HttpDeliverer(config.maxInFlight(), userAgent(), clock, config.addressPolicy()),
          clock);
    }
  }

  private WorkerAssembly() {}

  /** A worker on the given database, not started yet. */
  public static DispatcherWorker assemble(WorkerConfig config, Database db, MeterRegistry meters) {
    return assemble(config, Stores.of(db), meters, Clients.of(config));
  }

  static DispatcherWorker assemble(
      WorkerConfig config, Stores stores, MeterRegistry meters, Clients clients) {
    WorkerMetrics metrics = new WorkerMetrics(meters);
    Isolation isolation = config.isolation();
    EventPublisher publisher =
        EventPublisher.wrap(
            clients.producer(),
            EventCatalog.load(),
            PublisherConfig.builder(config.bootstrapServers()).source(EVENT_SOURCE).build());
    BreakerJournal journal =
        new BreakerJournal(stores.breakerLog(), config.workerId(), clients.clock());
    CircuitBreakers breakers =
        new CircuitBreakers(
            isolation.breakerFailures(),
            isolation.breakerCooldown(),
            isolation.breakerMaxCooldown(),
            (webhook, to, openUntil) -> {
              metrics.circuitTransition(to);
              journal.moved(webhook, to, openUntil);
            });
    metrics.circuitsOpen(breakers::openCount);
    WebhookDirectory directory = new WebhookDirectory(stores.webhooks(), config.webhookCacheTtl());
    WebhookDisabler disabler = new WebhookDisabler(stores.health(), publisher, directory, metrics);
    FollowUps followUps = new FollowUps(stores.health(), disabler);
    DeliveryTaskWriter writer = DeliveryTaskWriter.over(clients.producer());
    // the consumers' batches that settle together share a transaction
    AttemptRecorder recorder = new GroupCommitRecorder(stores.attempts());
    GiveUp giveUp =
        new GiveUp(
            ShareGroupLimit.of(config.bootstrapServers(), config.consumerProperties()),
            writer::deadLetterAll,
            recorder,
            metrics,
            clients.clock());
    LateAttempts late = new LateAttempts(recorder, followUps, metrics, giveUp);
    BatchSettler settler =
        new BatchSettler(
            new BatchSettler.Stores(recorder, stores.timers(), giveUp),
            followUps,
            late,
            metrics,
            clients.clock(),
            isolation.handoffAfter());
    TaskRunner runner =
        new TaskRunner(
            new TaskRunner.Gates(
                directory,
                breakers,
                new WebhookLimits(isolation.maxInFlightPerWebhook(), isolation.handoffAfter()),
                config.maxInFlight(),
                new RateLimiter(stores.rateBudgets(), clients.clock())),
            clients.http(),
            new AttemptPolicy(RetrySchedule.of(config.retrySchedule()), config.workerId()),
            late,
            metrics,
            clients.clock());
    StoreGate gate = new StoreGate(recorder);
    List<ConsumeLoop> loops = new ArrayList<>();
    for (int i = 0; i < config.consumers(); i++) {
      loops.add(new ConsumeLoop(clients.consumers(), config.pollTimeout(), runner, settler, gate));
    }
    RetryScheduler scheduler =
        new RetryScheduler(
            config.scheduling(), stores.timers(), disabler, writer, metrics, clients.clock());
    return new DispatcherWorker(
        config,
        new DispatcherWorker.Parts(
            List.copyOf(loops),
            settler,
            late,
            scheduler,
            journal,
            List.of(runner, followUps, journal, publisher, clients.http())));
  }

  private static ShareConsumer<byte[], byte[]> newConsumer(WorkerConfig config) {
    return new KafkaShareConsumer<>(
        consumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * A share consumer's settings; the deployment's client properties come last and win.
   *
   * <p>{@code fetch.max.bytes} is {@link #SHARE_FETCH_MAX_BYTES}, not Kafka's 50 MiB: to acquire a
   * share fetch's records the broker walks every batch header of the log slice it read, one {@code
   * pread} each, however few records it hands out, so behind a backlog a 50 MiB fetch was half of
   * its request handlers' time (docs/benchmarks.md, stop 33) for the {@code max.poll.records} a
   * poll takes. The broker splits the bytes evenly over the fetch's partitions, and a partition's
   * share must still hold its largest batch (a task of {@code Event.MAX_DATA_BYTES}, 256 KiB of
   * data): 4 MiB keeps that up to 15 partitions. Beyond, a larger batch still comes whole when its
   * partition is the first read of a fetch (the broker rotates that), later than the rest.
   */
  static Properties consumerProperties(WorkerConfig config) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.DISPATCHER_SHARE_GROUP);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "hookline-worker-" + config.workerId());
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(SHARE_FETCH_MAX_BYTES));
    props.putAll(config.consumerProperties());
    return props;
  }

  /**
   * Retries, dead letters and operational events: the delivery task writer's settings, with the
   * deployment's client properties (security) shared with the consumer.
   */
  static Properties producerProperties(WorkerConfig config) {
    return DeliveryTaskWriter.producerProperties(
        config.bootstrapServers(),
        "hookline-worker-" + config.workerId() + "-producer",
        config.consumerProperties());
  }

  static String userAgent() {
    Properties props = new Properties();
    try (InputStream in = WorkerAssembly.class.getResourceAsStream("/hookline-worker.properties")) {
      if (in != null) props.load(in);
    } catch (IOException e) {
      // fall through to the unknown version
    }
    String version = props.getProperty("version", "");
    return "Hookline/" + (version.isBlank() || version.startsWith("$") ? "dev" : version);
  }
}
