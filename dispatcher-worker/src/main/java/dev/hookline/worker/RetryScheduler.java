package dev.hookline.worker;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.store.RetryTimers;
import dev.hookline.store.WebhookHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  private final WorkerConfig.Scheduling config;
  private final RetryTimers timers;
  private final WebhookHealth health;
  private final WebhookDisabler disabler;
  private final DeliveryTaskWriter writer;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private Instant nextHealthCheck = Instant.MIN;

  RetryScheduler(
      WorkerConfig.Scheduling config,
      RetryTimers timers,
      WebhookHealth health,
      WebhookDisabler disabler,
      DeliveryTaskWriter writer,
      Clock clock,
      WorkerMetrics metrics,
      String workerId) {
    this.config = config;
    this.timers = timers;
    this.health = health;
    this.disabler = disabler;
    this.writer = writer;
    this.clock = clock;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "hookline-retry-timer-" + workerId);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(Duration.ofSeconds(35).toMillis()); // a pass waits for Kafka up to 30 s
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
        n = timers.publishDue(config.batchSize(), config.lease(), writer::writeAll);
        if (n > 0) metrics.retriesPublished(n);
      } while (n == config.batchSize() && stop.getCount() > 0);
      do {
        n = timers.publishDeadLetters(config.batchSize(), writer::deadLetterAll);
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
    String reason = reason(config.disableAfterFailingFor());
    for (UUID id :
        health.failingSince(now.minus(config.disableAfterFailingFor()), config.batchSize())) {
      disabler.disable(id, reason);
    }
  }

  /** {@code failing_for_5_days} for the default. */
  static String reason(Duration d) {
    if (d.toDays() >= 1 && d.equals(Duration.ofDays(d.toDays())))
      return "failing_for_" + d.toDays() + "_days";
    return "failing_for_" + d.toSeconds() + "_seconds";
  }
}
