package dev.hookline.worker;

import dev.hookline.schemas.Topics;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.WebhookStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: takes delivery tasks from {@code hookline.deliveries} as a member of the
 * share group {@code hookline-dispatchers}, posts them, records the attempts in Postgres, and only
 * then acknowledges them (at-least-once). One consumer thread; the HTTP calls run on virtual threads.
 *
 * <pre>{@code
 * var worker = new DispatcherWorker(WorkerConfig.defaults(bootstrap, "worker-1"), webhooks, deliveries, registry);
 * worker.start();
 * ...
 * worker.close(); // stops polling, lets running deliveries finish within the grace period
 * }</pre>
 */
public final class DispatcherWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherWorker.class);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final WorkerConfig config;
  private final Supplier<ShareConsumer<byte[], byte[]>> consumerFactory;
  private final HttpDeliverer httpDeliverer; // null when a test passes its own deliverer
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final BatchProcessor processor;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final Thread thread;
  private volatile ShareConsumer<byte[], byte[]> consumer;
  private volatile boolean stopping;
  private volatile boolean running;
  private boolean started;
  private boolean closed;

  public DispatcherWorker(WorkerConfig config, WebhookStore webhooks, DeliveryStore deliveries, MeterRegistry meters) {
    this(config, webhooks, deliveries, meters, null, () -> newConsumer(config), Clock.systemUTC());
  }

  /** For tests: a fake consumer and, when not null, a fake deliverer. */
  DispatcherWorker(
      WorkerConfig config,
      WebhookStore webhooks,
      DeliveryStore deliveries,
      MeterRegistry meters,
      Deliverer deliverer,
      Supplier<ShareConsumer<byte[], byte[]>> consumerFactory,
      Clock clock) {
    this.config = config;
    this.consumerFactory = consumerFactory;
    this.httpDeliverer = deliverer == null ? new HttpDeliverer(config.maxInFlight(), userAgent(), clock) : null;
    this.processor =
        new BatchProcessor(
            new WebhookDirectory(webhooks, config.webhookCacheTtl()),
            deliverer == null ? httpDeliverer : deliverer,
            deliveries,
            RetrySchedule.of(config.retrySchedule()),
            config.workerId(),
            clock,
            executor,
            config.maxInFlight(),
            new WorkerMetrics(meters));
    this.thread = new Thread(this::run, "hookline-dispatcher-" + config.workerId());
  }

  /** Joins the share group and starts delivering, on a thread of its own. Returns at once. */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("worker is closed");
    if (started) return;
    started = true;
    running = true;
    thread.start();
    log.info("dispatcher worker {} started (max {} in flight)", config.workerId(), config.maxInFlight());
  }

  /** Whether the consume loop is alive (for health checks). */
  public boolean isRunning() {
    return running;
  }

  /**
   * Stops polling, lets running deliveries finish within the grace period, records them, releases
   * the rest to other workers and leaves the group. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    stopping = true;
    processor.abortAfter(config.shutdownGrace());
    stopSignal.countDown();
    ShareConsumer<byte[], byte[]> c = consumer;
    if (c != null) c.wakeup();
    if (thread.isAlive()) {
      try {
        // grace for the deliveries, then time for the store write, the acks and leaving the group
        thread.join(config.shutdownGrace().plusSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) log.warn("dispatcher thread did not stop in time");
    }
    executor.shutdownNow();
    if (httpDeliverer != null) httpDeliverer.close();
    log.info("dispatcher worker {} stopped", config.workerId());
  }

  private void run() {
    ShareConsumer<byte[], byte[]> c;
    try {
      c = consumerFactory.get();
    } catch (RuntimeException e) {
      log.error("cannot create the share consumer", e);
      running = false;
      return;
    }
    consumer = c;
    try {
      c.subscribe(List.of(Topics.DELIVERIES));
      Duration backoff = Duration.ZERO;
      while (!stopping) {
        try {
          boolean storeFailed = pollOnce(c);
          backoff = storeFailed ? nextBackoff(backoff) : Duration.ZERO;
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
      running = false;
    }
  }

  /** One poll; true when the store could not record it (its tasks were released). */
  private boolean pollOnce(ShareConsumer<byte[], byte[]> c) {
    ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
    if (records.isEmpty()) return false;
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    BatchProcessor.BatchResult result = processor.process(batch, c::acknowledge);
    Map<TopicIdPartition, Optional<KafkaException>> commits = c.commitSync();
    commits.forEach((partition, error) -> error.ifPresent(e ->
        // e.g. the acquisition lock ran out: the broker already gave these records to someone else
        log.warn("acknowledgement for {} failed: {}", partition, e.toString())));
    log.debug("batch: {}", result);
    return result.storeFailed();
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
    return new KafkaShareConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static String userAgent() {
    Properties props = new Properties();
    try (InputStream in = DispatcherWorker.class.getResourceAsStream("/hookline-worker.properties")) {
      if (in != null) props.load(in);
    } catch (IOException e) {
      // fall through to the unknown version
    }
    String version = props.getProperty("version", "");
    return "Hookline/" + (version.isBlank() || version.startsWith("$") ? "dev" : version);
  }
}
