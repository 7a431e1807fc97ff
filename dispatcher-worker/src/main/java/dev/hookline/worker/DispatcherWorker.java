package dev.hookline.worker;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.CircuitBreakerLog;
import dev.hookline.store.Database;
import dev.hookline.store.RetryTimers;
import dev.hookline.store.WebhookHealth;
import dev.hookline.store.WebhookLookup;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: takes delivery tasks from {@code hookline.deliveries} as a member of the
 * share group {@code hookline-dispatchers}, posts them, records the attempts in Postgres, and only
 * then acknowledges them (at-least-once). A few consumers, each on a thread of its own (a share
 * consumer must acknowledge all of one poll before its next, so one consumer alone would leave the
 * HTTP side idle while its batch is recorded); the HTTP calls run on virtual threads; one more
 * thread runs the retry timer (due retries, dead letters, failing webhooks).
 *
 * <pre>{@code
 * var worker = new DispatcherWorker(WorkerConfig.defaults(bootstrap, "worker-1"), database, registry);
 * worker.start();
 * ...
 * worker.close(); // stops polling, lets running deliveries finish within the grace period
 * }</pre>
 */
public final class DispatcherWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherWorker.class);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration MAX_STORE_PROBE = Duration.ofSeconds(5);
  static final String EVENT_SOURCE = "urn:hookline:dispatcher-worker";

  /** The store interfaces the worker uses. */
  record Stores(
      WebhookLookup webhooks,
      AttemptRecorder attempts,
      RetryTimers timers,
      WebhookHealth health,
      CircuitBreakerLog breakerLog) {}

  private final WorkerConfig config;
  private final Supplier<ShareConsumer<byte[], byte[]>> consumerFactory;
  private final HttpDeliverer httpDeliverer; // null when a test passes its own deliverer
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final EventPublisher publisher; // owns the producer
  private final BatchProcessor processor;
  private final RetryScheduler scheduler;
  private final BreakerJournal breakerJournal;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private final List<ShareConsumer<byte[], byte[]>> consumers = new CopyOnWriteArrayList<>();
  private final AtomicInteger runningConsumers = new AtomicInteger();
  private volatile boolean stopping;
  private volatile boolean storeDown;
  private final AttemptRecorder attempts;
  private boolean started;
  private boolean closed;

  public DispatcherWorker(WorkerConfig config, Database db, MeterRegistry meters) {
    this(
        config,
        new Stores(
            db.webhooks(),
            db.attempts(),
            db.retryTimers(),
            db.webhookHealth(),
            db.circuitBreakers()),
        meters,
        null,
        () -> newConsumer(config),
        new KafkaProducer<>(producerProperties(config)),
        Clock.systemUTC());
  }

  /** For tests: a fake consumer, a mock producer and, when not null, a fake deliverer. */
  DispatcherWorker(
      WorkerConfig config,
      Stores stores,
      MeterRegistry meters,
      Deliverer deliverer,
      Supplier<ShareConsumer<byte[], byte[]>> consumerFactory,
      Producer<String, byte[]> producer,
      Clock clock) {
    this.config = config;
    this.consumerFactory = consumerFactory;
    this.httpDeliverer =
        deliverer == null
            ? new HttpDeliverer(config.maxInFlight(), userAgent(), clock, config.addressPolicy())
            : null;
    this.publisher =
        EventPublisher.wrap(
            producer,
            EventCatalog.load(),
            PublisherConfig.builder(config.bootstrapServers()).source(EVENT_SOURCE).build());
    WorkerMetrics metrics = new WorkerMetrics(meters);
    WorkerConfig.Isolation isolation = config.isolation();
    this.breakerJournal = new BreakerJournal(stores.breakerLog(), config.workerId(), clock);
    CircuitBreakers breakers =
        new CircuitBreakers(
            isolation.breakerFailures(),
            isolation.breakerCooldown(),
            isolation.breakerMaxCooldown(),
            (webhook, to, openUntil) -> {
              metrics.circuitTransition(to);
              breakerJournal.moved(webhook, to, openUntil);
            });
    metrics.circuitsOpen(breakers::openCount);
    WebhookDirectory directory = new WebhookDirectory(stores.webhooks(), config.webhookCacheTtl());
    WebhookDisabler disabler = new WebhookDisabler(stores.health(), publisher, directory, metrics);
    this.attempts = stores.attempts();
    this.processor =
        new BatchProcessor(
            directory,
            deliverer == null ? httpDeliverer : deliverer,
            stores.attempts(),
            stores.timers(),
            RetrySchedule.of(config.retrySchedule()),
            config.workerId(),
            clock,
            executor,
            config.maxInFlight(),
            new WebhookLimits(isolation.maxInFlightPerWebhook(), isolation.handoffAfter()),
            breakers,
            new FollowUps(stores.health(), disabler, executor),
            isolation.handoffAfter(),
            metrics);
    this.scheduler =
        new RetryScheduler(
            config.scheduling(),
            stores.timers(),
            stores.health(),
            disabler,
            DeliveryTaskWriter.over(producer),
            clock,
            metrics,
            config.workerId());
    for (int i = 0; i < config.consumers(); i++) {
      threads.add(new Thread(this::run, "hookline-dispatcher-" + config.workerId() + "-" + i));
    }
  }

  /** Joins the share group and starts delivering, on a thread of its own. Returns at once. */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("worker is closed");
    if (started) return;
    started = true;
    runningConsumers.set(threads.size());
    threads.forEach(Thread::start);
    scheduler.start();
    breakerJournal.start();
    log.info(
        "dispatcher worker {} started ({} consumers, max {} in flight, {} per webhook)",
        config.workerId(),
        config.consumers(),
        config.maxInFlight(),
        config.isolation().maxInFlightPerWebhook());
  }

  /** Whether every consume loop is alive (for health checks). */
  public boolean isRunning() {
    return runningConsumers.get() == threads.size();
  }

  /**
   * Stops polling, lets running deliveries finish within the grace period, records them, hands the
   * rest to the retry timer (or releases them to other workers when the store is down) and leaves
   * the group. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    long start = System.nanoTime();
    stopping = true;
    processor.abortAfter(config.shutdownGrace());
    stopSignal.countDown();
    consumers.forEach(ShareConsumer::wakeup);
    // grace for the deliveries, then time for the store write, the acks and leaving the group
    long joinUntil = System.nanoTime() + config.shutdownGrace().plusSeconds(30).toNanos();
    for (Thread thread : threads) {
      if (!thread.isAlive()) continue;
      try {
        thread.join(Math.max(1, (joinUntil - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) log.warn("{} did not stop in time", thread.getName());
    }
    scheduler.close();
    try {
      Duration left = config.shutdownGrace().minusNanos(System.nanoTime() - start);
      if (!processor.awaitBackground(left.isNegative() ? Duration.ZERO : left)) {
        log.info("attempts still running after the grace period; the retry timer makes them again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    processor.abandonBackground();
    executor.shutdownNow();
    breakerJournal.close();
    publisher.close();
    if (httpDeliverer != null) httpDeliverer.close();
    log.info("dispatcher worker {} stopped", config.workerId());
  }

  private void run() {
    ShareConsumer<byte[], byte[]> c;
    try {
      c = consumerFactory.get();
    } catch (RuntimeException e) {
      log.error("cannot create the share consumer", e);
      runningConsumers.decrementAndGet();
      return;
    }
    consumers.add(c);
    if (stopping) c.wakeup(); // close() came before this consumer was there to wake
    c.setAcknowledgementCommitCallback(
        (offsets, error) -> {
          if (error != null) {
            // e.g. the acquisition lock ran out: the broker already gave these records to someone
            // else, who delivers them again
            log.warn("acknowledgement of {} failed: {}", offsets.keySet(), error.toString());
          }
        });
    try {
      c.subscribe(List.of(Topics.DELIVERIES));
      Duration backoff = Duration.ZERO;
      while (!stopping) {
        if (storeDown) {
          awaitStore();
          continue;
        }
        try {
          boolean storeFailed = pollOnce(c);
          // with PostgreSQL gone, every consumer of this worker stops taking tasks until it is
          // back; a failed write while it still answers (a conflict, a bug) backs this one off
          if (storeFailed && !storeAnswers()) storeDown = true;
          backoff = storeFailed && !storeDown ? nextBackoff(backoff) : Duration.ZERO;
        } catch (WakeupException e) {
          // close() woke us up; the loop condition ends it
        } catch (KafkaException | IllegalStateException e) {
          log.error("share consumer error, backing off", e);
          backoff = nextBackoff(backoff);
        }
        if (!backoff.isZero() && !stopping) waitFor(backoff);
      }
    } finally {
      try {
        c.close(); // sends any acknowledgement not yet committed, then leaves the group
      } catch (RuntimeException e) {
        log.warn("closing the share consumer failed: {}", e.toString());
      }
      runningConsumers.decrementAndGet();
    }
  }

  /** One poll; true when the store could not record it (its tasks were released). */
  private boolean pollOnce(ShareConsumer<byte[], byte[]> c) {
    ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
    if (records.isEmpty()) return false;
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    BatchProcessor.BatchResult result = processor.process(batch, c::acknowledge);
    // the outcomes are durable already: the acknowledgements need not hold up the next poll (a
    // lost one only means a redelivery, which at-least-once allows); failures reach the callback
    c.commitAsync();
    log.debug("batch: {}", result);
    return result.storeFailed();
  }

  /**
   * Takes no task until PostgreSQL answers again. The batch that could not be recorded was
   * released; taking and releasing tasks again at every poll of an outage would spend their share
   * group delivery count (the broker archives a task handed out too often) and send each one more
   * time to its endpoint.
   */
  private void awaitStore() {
    Duration wait = MIN_BACKOFF;
    while (!stopping && storeDown) {
      waitFor(wait);
      if (stopping) return;
      if (storeAnswers()) {
        if (storeDown) log.info("PostgreSQL answers again: taking tasks");
        storeDown = false;
      } else {
        wait =
            wait.multipliedBy(2).compareTo(MAX_STORE_PROBE) > 0
                ? MAX_STORE_PROBE
                : wait.multipliedBy(2);
      }
    }
  }

  private boolean storeAnswers() {
    try {
      attempts.ping();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void waitFor(Duration backoff) {
    try {
      stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private static Duration nextBackoff(Duration current) {
    if (current.isZero()) return MIN_BACKOFF;
    Duration doubled = current.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
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
    try (InputStream in =
        DispatcherWorker.class.getResourceAsStream("/hookline-worker.properties")) {
      if (in != null) props.load(in);
    } catch (IOException e) {
      // fall through to the unknown version
    }
    String version = props.getProperty("version", "");
    return "Hookline/" + (version.isBlank() || version.startsWith("$") ? "dev" : version);
  }
}
