package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.store.RetryTimers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry timer loop every worker runs on a thread of its own: due retries back onto {@code
 * hookline.deliveries}, deliveries that failed for good onto {@code hookline.dead-letter}, a gauge
 * of the timers, and now and then the webhooks failing for days get disabled. Workers share the
 * work through {@code FOR UPDATE SKIP LOCKED}; a row is marked only after Kafka acknowledged it.
 */
final class RetryScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  /** The value of a {@code hookline.dead-letter} record. */
  record DeadLetterValue(DeliveryTask task, LastError lastError) {}

  record LastError(Integer statusCode, String errorClass, String message, Instant failedAt) {}

  private final Scheduling config;
  private final RetryTimers timers;
  private final WebhookDisabler disabler;
  private final Producer<String, byte[]> producer;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final CountDownLatch stop = new CountDownLatch(1);
  private Thread thread;
  private Instant nextHealthCheck = Instant.MIN;

  /**
   * @param disabler disables the webhooks failing for too long
   */
  RetryScheduler(
      Scheduling config,
      RetryTimers timers,
      WebhookDisabler disabler,
      Producer<String, byte[]> producer,
      WorkerMetrics metrics,
      Clock clock) {
    this.config = config;
    this.timers = timers;
    this.disabler = disabler;
    this.producer = producer;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Runs the timer on a daemon thread named after the worker. */
  synchronized void start(String workerId) {
    thread = new Thread(this::run, "hookline-retry-timer-" + workerId);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    stop.countDown();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) return;
    try {
      t.join(SEND_TIMEOUT.plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      do {
        try {
          tick();
        } catch (RuntimeException e) {
          log.warn(
              "retry timer pass failed, trying again in {}: {}", config.interval(), e.toString());
        }
      } while (!stop.await(config.interval().toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One pass; package-private for tests. */
  void tick() {
    try {
      int n;
      do {
        n = timers.publishDue(config.batchSize(), config.lease(), this::publishTasks);
        if (n > 0) metrics.retriesPublished(n);
      } while (n == config.batchSize() && stop.getCount() > 0);
      do {
        n = timers.publishDeadLetters(config.batchSize(), this::publishDeadLetters);
        if (n > 0) metrics.deadLettered(n);
      } while (n == config.batchSize() && stop.getCount() > 0);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not publish to Kafka: " + e.getMessage(), e);
    }
    RetryTimers.Counts counts = timers.counts();
    metrics.retryTimers(counts.due(), counts.scheduled());
    Instant now = clock.instant();
    if (!now.isBefore(nextHealthCheck)) {
      nextHealthCheck = now.plus(config.healthCheckInterval());
      disableFailingWebhooks(now);
    }
  }

  private void disableFailingWebhooks(Instant now) {
    disabler.disableFailingSince(
        now.minus(config.disableAfterFailingFor()),
        config.batchSize(),
        reason(config.disableAfterFailingFor()));
  }

  /** {@code failing_for_5_days} for the default. */
  static String reason(Duration d) {
    if (d.toDays() >= 1 && d.equals(Duration.ofDays(d.toDays())))
      return "failing_for_" + d.toDays() + "_days";
    return "failing_for_" + d.toSeconds() + "_seconds";
  }

  private void publishTasks(List<DeliveryTask> tasks) throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>(tasks.size());
    for (DeliveryTask t : tasks) {
      sent.add(
          producer.send(
              new ProducerRecord<>(Topics.DELIVERIES, t.webhookId().toString(), Json.toBytes(t))));
    }
    awaitAll(sent);
  }

  private void publishDeadLetters(List<RetryTimers.DeadLetter> letters) throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
    for (RetryTimers.DeadLetter l : letters) {
      DeadLetterValue value =
          new DeadLetterValue(
              l.task(),
              new LastError(l.lastStatusCode(), l.lastErrorClass(), l.lastError(), l.failedAt()));
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  Topics.DEAD_LETTER, l.task().webhookId().toString(), Json.toBytes(value))));
    }
    awaitAll(sent);
  }

  /**
   * Returns once Kafka acknowledged every record; the first failure aborts the pass (nothing is
   * marked).
   */
  private void awaitAll(List<Future<RecordMetadata>> sent) throws Exception {
    producer.flush();
    long end = System.nanoTime() + SEND_TIMEOUT.toNanos();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }
}
