package dev.hookline.worker;

import dev.hookline.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One share consumer on a thread of its own: poll, start the batch's tasks ({@link TaskRunner}),
 * settle the batch ({@link BatchSettler}), commit its acknowledgements, poll again. A share
 * consumer must acknowledge all of one poll before its next, so a worker runs a few of these: one
 * alone would leave the HTTP side idle while its batch is recorded.
 *
 * <p>A Kafka error, or a batch PostgreSQL refused while it still answers, backs this loop off (1 s,
 * doubling up to 30 s); PostgreSQL down pauses every loop of the worker ({@link StoreGate}).
 */
final class ConsumeLoop {
  private static final Logger log = LoggerFactory.getLogger(ConsumeLoop.class);
  static final Backoff ERRORS = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final Supplier<ShareConsumer<byte[], byte[]>> consumers;
  private final Duration pollTimeout;
  private final TaskRunner runner;
  private final BatchSettler settler;
  private final StoreGate store;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile ShareConsumer<byte[], byte[]> consumer;
  private volatile boolean stopping;
  private volatile boolean alive;
  private Thread thread;

  ConsumeLoop(
      Supplier<ShareConsumer<byte[], byte[]>> consumers,
      Duration pollTimeout,
      TaskRunner runner,
      BatchSettler settler,
      StoreGate store) {
    this.consumers = consumers;
    this.pollTimeout = pollTimeout;
    this.runner = runner;
    this.settler = settler;
    this.store = store;
  }

  /**
   * One batch, without Kafka: every record is acknowledged once before this returns, through {@code
   * ack}.
   */
  static BatchSettler.BatchResult process(
      TaskRunner runner,
      BatchSettler settler,
      Iterable<ConsumerRecord<byte[], byte[]>> records,
      BatchSettler.Acknowledger ack) {
    long deadline = settler.deadlineFromNow();
    Phaser ended = BatchSettler.batch();
    List<TaskRun> runs = new ArrayList<>();
    int rejected = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TaskRun run = runner.start(record, deadline, ended);
      if (run != null) {
        runs.add(run);
      } else {
        ack.acknowledge(record, AcknowledgeType.REJECT);
        rejected++;
      }
    }
    return settler.settle(runs, rejected, deadline, ended, ack);
  }

  synchronized void start(String threadName) {
    alive = true;
    thread = new Thread(this::run, threadName);
    thread.start();
  }

  /** Whether the loop runs (for health checks). */
  boolean isAlive() {
    return alive;
  }

  /** Ends the loop after its current batch; returns at once. */
  void stop() {
    stopping = true;
    stopSignal.countDown();
    ShareConsumer<byte[], byte[]> c = consumer;
    if (c != null) c.wakeup();
  }

  /** Waits up to {@code millis} for the loop's end; false when it still runs. */
  synchronized boolean join(long millis) throws InterruptedException {
    if (thread == null || !thread.isAlive()) return true;
    thread.join(Math.max(1, millis));
    if (thread.isAlive()) log.warn("{} did not stop in time", thread.getName());
    return !thread.isAlive();
  }

  private void run() {
    ShareConsumer<byte[], byte[]> c;
    try {
      c = consumers.get();
    } catch (RuntimeException e) {
      log.error("cannot create the share consumer", e);
      alive = false;
      return;
    }
    consumer = c;
    if (stopping) c.wakeup(); // stop() came before this consumer was there to wake
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
        if (store.isDown()) {
          awaitStore();
          continue;
        }
        try {
          boolean storeFailed = pollOnce(c);
          if (storeFailed) store.closeUnlessAnswering();
          backoff = storeFailed && !store.isDown() ? ERRORS.next(backoff) : Duration.ZERO;
        } catch (WakeupException e) {
          // stop() woke us up; the loop condition ends it
        } catch (KafkaException | IllegalStateException e) {
          log.error("share consumer error, backing off", e);
          backoff = ERRORS.next(backoff);
        }
        if (!backoff.isZero() && !stopping) waitFor(backoff);
      }
    } finally {
      try {
        c.close(); // sends any acknowledgement not yet committed, then leaves the group
      } catch (RuntimeException e) {
        log.warn("closing the share consumer failed: {}", e.toString());
      }
      alive = false;
    }
  }

  /** One poll; true when the store could not record it (its tasks were released). */
  private boolean pollOnce(ShareConsumer<byte[], byte[]> c) {
    ConsumerRecords<byte[], byte[]> records = c.poll(pollTimeout);
    if (records.isEmpty()) return false;
    BatchSettler.BatchResult result = process(runner, settler, records, c::acknowledge);
    // the outcomes are durable already: the acknowledgements need not hold up the next poll (a
    // lost one only means a redelivery, which at-least-once allows); failures reach the callback
    c.commitAsync();
    log.debug("batch: {}", result);
    return result.storeFailed();
  }

  /**
   * Takes no task until PostgreSQL answers again (the batch that could not be recorded was
   * released).
   */
  private void awaitStore() {
    Duration wait = Duration.ZERO;
    while (!stopping && store.isDown()) {
      wait = StoreGate.PROBES.next(wait);
      waitFor(wait);
      if (stopping) return;
      store.probe();
    }
  }

  private void waitFor(Duration wait) {
    try {
      stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
