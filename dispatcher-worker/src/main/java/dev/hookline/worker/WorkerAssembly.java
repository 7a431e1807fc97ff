package dev.hookline.worker;

import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import dev.hookline.store.CircuitBreakerLog;
import dev.hookline.store.Database;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.RetryTimers;
import dev.hookline.store.WebhookHealth;
import dev.hookline.store.WebhookStore;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds a {@link DispatcherWorker} from its configuration: every part, once, wired explicitly. A
 * task's way through them: {@link ConsumeLoop} → {@link TaskRunner} → {@link HttpDeliverer} →
 * {@link AttemptPolicy} → {@link BatchSettler} (or {@link LateAttempts}) → the store.
 */
public final class WorkerAssembly {
  static final String EVENT_SOURCE = "urn:hookline:dispatcher-worker";

  /** The store interfaces the worker uses. */
  record Stores(
      WebhookStore webhooks,
      DeliveryStore deliveries,
      RetryTimers timers,
      WebhookHealth health,
      CircuitBreakerLog breakerLog) {
    static Stores of(Database db) {
      return new Stores(
          db.webhooks(),
          db.deliveries(),
          db.retryTimers(),
          db.webhookHealth(),
          db.circuitBreakers());
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
            PublisherConfig.defaults(config.bootstrapServers()).withSource(EVENT_SOURCE));
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
    LateAttempts late = new LateAttempts(stores.deliveries(), followUps, metrics);
    BatchSettler settler =
        new BatchSettler(
            new BatchSettler.Stores(stores.deliveries(), stores.timers()),
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
                config.maxInFlight()),
            clients.http(),
            new AttemptPolicy(RetrySchedule.of(config.retrySchedule()), config.workerId()),
            late,
            metrics,
            clients.clock());
    StoreGate gate = new StoreGate(stores.deliveries());
    List<ConsumeLoop> loops = new ArrayList<>();
    for (int i = 0; i < config.consumers(); i++) {
      loops.add(new ConsumeLoop(clients.consumers(), config.pollTimeout(), runner, settler, gate));
    }
    RetryScheduler scheduler =
        new RetryScheduler(
            config.scheduling(),
            stores.timers(),
            disabler,
            clients.producer(),
            metrics,
            clients.clock());
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
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.DISPATCHER_SHARE_GROUP);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "hookline-worker-" + config.workerId());
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
    props.putAll(config.consumerProperties());
    return new KafkaShareConsumer<>(
        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Retries, dead letters and operational events: idempotent, acknowledged by every in-sync
   * replica.
   */
  static Properties producerProperties(WorkerConfig config) {
    Properties props = new Properties();
    props.putAll(config.consumerProperties()); // security settings apply to both clients
    props
        .keySet()
        .removeIf(
            k ->
                ConsumerConfig.configNames().contains(k)
                    && !ProducerConfig.configNames().contains(k));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(
        ProducerConfig.CLIENT_ID_CONFIG, "hookline-worker-" + config.workerId() + "-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
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
