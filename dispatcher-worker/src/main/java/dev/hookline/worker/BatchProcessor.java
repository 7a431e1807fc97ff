package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll's worth of work, without Kafka: decode every record, deliver concurrently, record all
 * attempts with one store call, and only then acknowledge. Every record handed in is acknowledged
 * exactly once before {@link #process} returns (explicit mode requires it before the next poll).
 */
final class BatchProcessor {
  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);
  private static final long WAIT_SLICE_MS = 50;

  /** Where acknowledgements go: the share consumer in production. */
  @FunctionalInterface
  interface Acknowledger {
    void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type);
  }

  /**
   * What a batch came to.
   *
   * @param storeFailed the attempts could not be recorded (they were released): back off
   * @param goneWebhooks webhooks that answered 410 Gone, to be disabled
   */
  record BatchResult(int accepted, int released, int rejected, boolean storeFailed, Set<UUID> goneWebhooks) {}

  /** What became of one task. */
  private sealed interface TaskResult {
    record Attempted(AttemptRecord record, boolean gone) implements TaskResult {}

    /** Unknown, deleted or non-routable webhook: nothing to do, and nothing to keep. */
    record Skipped() implements TaskResult {}

    /** The webhook could not be looked up (store down): hand the task back. */
    record Unavailable() implements TaskResult {}
  }

  private final WebhookDirectory directory;
  private final Deliverer deliverer;
  private final DeliveryStore store;
  private final RetrySchedule schedule;
  private final String workerId;
  private final Clock clock;
  private final ExecutorService executor;
  private final Semaphore inFlight;
  private final WorkerMetrics metrics;
  private volatile long abortAtNanos = Long.MAX_VALUE;
  private volatile boolean aborting;

  BatchProcessor(
      WebhookDirectory directory,
      Deliverer deliverer,
      DeliveryStore store,
      RetrySchedule schedule,
      String workerId,
      Clock clock,
      ExecutorService executor,
      int maxInFlight,
      WorkerMetrics metrics) {
    this.directory = directory;
    this.deliverer = deliverer;
    this.store = store;
    this.schedule = schedule;
    this.workerId = workerId;
    this.clock = clock;
    this.executor = executor;
    this.inFlight = new Semaphore(maxInFlight);
    this.metrics = metrics;
  }

  /**
   * Shutdown: deliveries still running after {@code grace} are interrupted and their records
   * released, so another worker delivers them. Deliveries that finished are still recorded.
   */
  void abortAfter(Duration grace) {
    abortAtNanos = System.nanoTime() + grace.toNanos();
    aborting = true;
  }

  BatchResult process(List<ConsumerRecord<byte[], byte[]>> records, Acknowledger ack) {
    List<ConsumerRecord<byte[], byte[]>> started = new ArrayList<>(records.size());
    List<Future<TaskResult>> futures = new ArrayList<>(records.size());
    int rejected = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Optional<DeliveryTask> task = decode(record);
      if (task.isEmpty()) {
        ack.acknowledge(record, AcknowledgeType.REJECT);
        metrics.count("rejected");
        rejected++;
        continue;
      }
      started.add(record);
      futures.add(executor.submit(() -> run(task.get())));
    }
    awaitUntilDoneOrAborted(futures);

    List<AttemptRecord> attempts = new ArrayList<>();
    List<ConsumerRecord<byte[], byte[]>> attempted = new ArrayList<>();
    Set<UUID> gone = new LinkedHashSet<>();
    int accepted = 0;
    int released = 0;
    for (int i = 0; i < futures.size(); i++) {
      Future<TaskResult> future = futures.get(i);
      ConsumerRecord<byte[], byte[]> record = started.get(i);
      TaskResult result = future.state() == Future.State.SUCCESS ? future.resultNow() : null;
      if (result == null) {
        if (future.state() == Future.State.FAILED) {
          log.error("delivery task failed unexpectedly, releasing it", future.exceptionNow());
        }
        future.cancel(true); // interrupts the virtual thread, which aborts its HTTP exchange
        ack.acknowledge(record, AcknowledgeType.RELEASE);
        metrics.count("released");
        released++;
      } else if (result instanceof TaskResult.Attempted a) {
        attempts.add(a.record());
        attempted.add(record);
        if (a.gone()) gone.add(a.record().task().webhookId());
      } else if (result instanceof TaskResult.Skipped) {
        ack.acknowledge(record, AcknowledgeType.ACCEPT);
        metrics.count("skipped");
        accepted++;
      } else {
        ack.acknowledge(record, AcknowledgeType.RELEASE);
        metrics.count("released");
        released++;
      }
    }

    boolean storeFailed = false;
    if (!attempts.isEmpty()) {
      try {
        store.recordAll(attempts);
      } catch (RuntimeException e) {
        // Not recorded means not done: Kafka hands these tasks out again. The receivers may get a
        // request twice (webhook-id lets them drop it); losing the history would be worse.
        log.warn("could not record {} attempts, releasing them: {}", attempts.size(), e.toString());
        storeFailed = true;
      }
      AcknowledgeType type = storeFailed ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT;
      for (ConsumerRecord<byte[], byte[]> record : attempted) ack.acknowledge(record, type);
      if (storeFailed) {
        released += attempted.size();
        attempted.forEach(r -> metrics.count("released"));
      } else {
        accepted += attempted.size();
        attempts.forEach(a -> metrics.count(a.newStatus().dbName()));
        gone.forEach(id -> log.warn("webhook {} answered 410 Gone; it should be disabled", id));
      }
    }
    return new BatchResult(accepted, released, rejected, storeFailed, storeFailed ? Set.of() : gone);
  }

  /** Waits on the futures themselves: a task's own last statement runs before its future is done. */
  private void awaitUntilDoneOrAborted(List<Future<TaskResult>> futures) {
    boolean interrupted = false;
    for (Future<TaskResult> future : futures) {
      while (!future.isDone()) {
        if (aborting && System.nanoTime() - abortAtNanos >= 0) {
          if (interrupted) Thread.currentThread().interrupt();
          return;
        }
        try {
          future.get(WAIT_SLICE_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
          // done or not, the loop condition decides; failures are handled by the caller
        } catch (InterruptedException e) {
          interrupted = true;
          abortAfter(Duration.ZERO); // an interrupted consumer thread means: stop now
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private static Optional<DeliveryTask> decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      log.error("rejecting record {}-{}@{}: no value", record.topic(), record.partition(), record.offset());
      return Optional.empty();
    }
    try {
      return Optional.of(Json.fromBytes(record.value(), DeliveryTask.class));
    } catch (RuntimeException e) {
      log.error("rejecting undecodable delivery task {}-{}@{}: {}",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return Optional.empty();
    }
  }

  /** Runs on a virtual thread. */
  private TaskResult run(DeliveryTask task) throws InterruptedException {
    Optional<WebhookDirectory.Target> target;
    try {
      target = directory.find(task.webhookId(), task.webhookVersion());
    } catch (RuntimeException e) {
      log.warn("webhook {} lookup failed, releasing delivery {}: {}", task.webhookId(), task.deliveryId(), e.toString());
      return new TaskResult.Unavailable();
    }
    if (target.isEmpty()) {
      log.info("skipping delivery {}: webhook {} unknown or deleted", task.deliveryId(), task.webhookId());
      return new TaskResult.Skipped();
    }
    WebhookDirectory.Target t = target.get();
    boolean explicit = task.trigger() == Trigger.TEST || task.trigger() == Trigger.MANUAL;
    if (!t.webhook().routable() && !explicit) {
      // routed before it was deactivated or disabled; an admin's own test or retry still goes out
      log.info("skipping delivery {}: webhook {} is inactive or disabled", task.deliveryId(), task.webhookId());
      return new TaskResult.Skipped();
    }
    inFlight.acquire();
    metrics.started();
    AttemptOutcome outcome;
    try {
      outcome = deliverer.deliver(t.webhook(), t.secrets(), task.event());
    } finally {
      metrics.finished();
      inFlight.release();
    }
    return new TaskResult.Attempted(toRecord(task, t, outcome), outcome instanceof AttemptOutcome.Failed f && f.disableWebhook());
  }

  private AttemptRecord toRecord(DeliveryTask task, WebhookDirectory.Target target, AttemptOutcome outcome) {
    Instant now = clock.instant();
    DeliveryStatus status;
    Instant next = null;
    switch (outcome) {
      case AttemptOutcome.Delivered d -> status = DeliveryStatus.SUCCEEDED;
      case AttemptOutcome.Failed f -> status = DeliveryStatus.FAILED;
      case AttemptOutcome.Retry r -> {
        next = schedule.nextAttemptAt(task.attempt(), task.trigger(), target.webhook().retrySchedule(), now)
            .orElse(null);
        status = next == null ? DeliveryStatus.FAILED : DeliveryStatus.RETRYING;
      }
    }
    metrics.attempt(status.dbName(), Duration.ofMillis(outcome.durationMs()));
    return new AttemptRecord(
        task,
        outcome.startedAt(),
        outcome.durationMs(),
        outcome.statusCode(),
        outcome.responseExcerpt(),
        outcome.errorClass(),
        outcome.errorMessage(),
        workerId,
        status,
        next);
  }
}
