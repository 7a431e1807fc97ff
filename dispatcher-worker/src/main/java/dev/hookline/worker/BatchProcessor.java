package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.RetryTimers;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll's worth of work, without Kafka: decode every record, deliver concurrently, record the
 * attempts with one store call, and only then acknowledge. Every record handed in is acknowledged
 * exactly once before {@link #process} returns (explicit mode requires it before the next poll).
 *
 * <p>A slow endpoint must not hold up the next poll, so a batch waits at most {@code handoffAfter}.
 * What is not finished by then goes to the retry timer in PostgreSQL (a {@link RetryTimers#defer
 * deferral} that keeps the attempt number) and is acknowledged with the rest: tasks still waiting
 * for their webhook's concurrency cap are cancelled; attempts already on the wire run on and record
 * themselves when they end, and the timer's lease only fires (re-sending the same attempt number)
 * should this worker die first. Tasks of a webhook whose circuit is open are deferred to its end.
 */
final class BatchProcessor {
  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);
  private static final long WAIT_SLICE_MS = 50;

  /** Beyond an attempt's own timeout, how long its late result has to get recorded. */
  static final Duration LATE_MARGIN = Duration.ofSeconds(30);

  /**
   * How long a task that could not start (webhook at its cap) waits, when its webhook is unknown.
   */
  private static final Duration DEFAULT_CAP_WAIT = Duration.ofSeconds(5);

  /** Where acknowledgements go: the share consumer in production. */
  @FunctionalInterface
  interface Acknowledger {
    void acknowledge(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type);
  }

  /**
   * What a batch came to.
   *
   * @param deferred acknowledged after handing the task to the retry timer (no attempt, or one
   *     still running)
   * @param storeFailed attempts or deferrals could not be written (their tasks were released): back
   *     off
   */
  record BatchResult(int accepted, int released, int rejected, int deferred, boolean storeFailed) {}

  /** What became of one task, when it ended before its batch's deadline. */
  private sealed interface TaskResult {
    record Attempted(AttemptRecord record, boolean gone) implements TaskResult {}

    /** Unknown, deleted or non-routable webhook: nothing to do, and nothing to keep. */
    record Skipped() implements TaskResult {}

    /** The webhook could not be looked up (store down): hand the task back. */
    record Unavailable() implements TaskResult {}

    /** The webhook's circuit is open: try when it may close, without spending an attempt. */
    record Deferred(Instant until) implements TaskResult {}
  }

  /**
   * One task of a batch. Its state moves by compare-and-set, so the task and its batch's deadline
   * never both settle it.
   */
  private static final class Run {
    static final int WAITING = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int HANDED_OFF = 3;

    final ConsumerRecord<byte[], byte[]> record;
    final DeliveryTask task;
    final AtomicInteger state = new AtomicInteger(WAITING);
    volatile WebhookDirectory.Target target;
    volatile Instant startedAt;

    /**
     * Its deferral could not be written either: the record was released, the result is not wanted.
     */
    volatile boolean abandoned;

    Future<TaskResult> future;

    Run(ConsumerRecord<byte[], byte[]> record, DeliveryTask task) {
      this.record = record;
      this.task = task;
    }
  }

  private final WebhookDirectory directory;
  private final Deliverer deliverer;
  private final AttemptRecorder store;
  private final RetryTimers timers;
  private final RetrySchedule schedule;
  private final String workerId;
  private final Clock clock;
  private final ExecutorService executor;
  private final Semaphore inFlight;
  private final WebhookLimits limits;
  private final CircuitBreakers breakers;
  private final FollowUps followUps;
  private final Duration handoffAfter;
  private final WorkerMetrics metrics;
  private final Set<Run> background = ConcurrentHashMap.newKeySet();
  private volatile long abortAtNanos = Long.MAX_VALUE;
  private volatile boolean aborting;
  private volatile boolean abandonAll;

  BatchProcessor(
      WebhookDirectory directory,
      Deliverer deliverer,
      AttemptRecorder store,
      RetryTimers timers,
      RetrySchedule schedule,
      String workerId,
      Clock clock,
      ExecutorService executor,
      int maxInFlight,
      WebhookLimits limits,
      CircuitBreakers breakers,
      FollowUps followUps,
      Duration handoffAfter,
      WorkerMetrics metrics) {
    this.directory = directory;
    this.deliverer = deliverer;
    this.store = store;
    this.timers = timers;
    this.schedule = schedule;
    this.workerId = workerId;
    this.clock = clock;
    this.executor = executor;
    this.inFlight = new Semaphore(maxInFlight);
    this.limits = limits;
    this.breakers = breakers;
    this.followUps = followUps;
    this.handoffAfter = handoffAfter;
    this.metrics = metrics;
  }

  /** Shutdown: the current batch settles within {@code grace} (or its own deadline, if sooner). */
  void abortAfter(Duration grace) {
    abortAtNanos = System.nanoTime() + grace.toNanos();
    aborting = true;
  }

  /**
   * Shutdown, after {@link #awaitBackground}: attempts still running are about to be interrupted;
   * what they come to is not recorded (their deferral's lease makes them again, elsewhere).
   */
  void abandonBackground() {
    abandonAll = true;
  }

  /**
   * Waits up to {@code timeout} for attempts handed off by earlier batches to end and record
   * themselves.
   */
  boolean awaitBackground(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!background.isEmpty()) {
      if (System.nanoTime() - end >= 0) return false;
      Thread.sleep(WAIT_SLICE_MS); // a shutdown wait on other threads' work, not a test wait
    }
    return true;
  }

  BatchResult process(List<ConsumerRecord<byte[], byte[]>> records, Acknowledger ack) {
    long deadline = System.nanoTime() + handoffAfter.toNanos();
    List<Run> runs = new ArrayList<>(records.size());
    int rejected = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Optional<DeliveryTask> task = decode(record);
      if (task.isEmpty()) {
        ack.acknowledge(record, AcknowledgeType.REJECT);
        metrics.count("rejected");
        rejected++;
        continue;
      }
      Run run = new Run(record, task.get());
      run.future = executor.submit(() -> execute(run));
      runs.add(run);
    }
    awaitUntil(runs, deadline);

    Instant now = clock.instant();
    List<TaskResult.Attempted> attempted = new ArrayList<>();
    List<Run> attemptedRuns = new ArrayList<>();
    List<RetryTimers.Deferral> deferrals = new ArrayList<>();
    List<Run> deferredRuns = new ArrayList<>();
    int accepted = 0;
    int released = 0;
    for (Run run : runs) {
      if (run.state.compareAndSet(Run.WAITING, Run.HANDED_OFF)) {
        run.future.cancel(true); // it never started: stop it waiting for a permit
        deferrals.add(new RetryTimers.Deferral(run.task, now.plus(capWait(run))));
        deferredRuns.add(run);
        continue;
      }
      background.add(run); // before the hand-off, so the run's own removal cannot come first
      if (run.state.compareAndSet(Run.RUNNING, Run.HANDED_OFF)) {
        Duration timeout = HttpDeliverer.timeoutOf(run.target.webhook());
        deferrals.add(
            new RetryTimers.Deferral(run.task, run.startedAt.plus(timeout).plus(LATE_MARGIN)));
        deferredRuns.add(run);
        continue;
      }
      background.remove(run);
      switch (resultOf(run)) {
        case TaskResult.Attempted a -> {
          attempted.add(a);
          attemptedRuns.add(run);
        }
        case TaskResult.Deferred d -> {
          deferrals.add(new RetryTimers.Deferral(run.task, d.until()));
          deferredRuns.add(run);
        }
        case TaskResult.Skipped s -> {
          ack.acknowledge(run.record, AcknowledgeType.ACCEPT);
          metrics.count("skipped");
          accepted++;
        }
        case null, default -> { // unavailable, or failed unexpectedly
          ack.acknowledge(run.record, AcknowledgeType.RELEASE);
          metrics.count("released");
          released++;
        }
      }
    }

    boolean storeFailed = false;
    if (!attempted.isEmpty()) {
      List<AttemptRecord> attempts = attempted.stream().map(TaskResult.Attempted::record).toList();
      boolean recorded = tryStore(() -> store.recordAll(attempts), attempts.size() + " attempts");
      AcknowledgeType type = recorded ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
      for (Run run : attemptedRuns) ack.acknowledge(run.record, type);
      if (recorded) {
        accepted += attempts.size();
        attempts.forEach(a -> metrics.count(a.newStatus().dbName()));
        followUps.afterRecorded(attempts, gone(attempted));
      } else {
        released += attempts.size();
        attempts.forEach(a -> metrics.count("released"));
        storeFailed = true;
      }
    }
    int deferred = 0;
    if (!deferrals.isEmpty()) {
      boolean written = tryStore(() -> timers.defer(deferrals), deferrals.size() + " deferrals");
      for (Run run : deferredRuns) {
        if (!written && run.state.get() == Run.HANDED_OFF) {
          run.abandoned = true;
          run.future.cancel(true);
          background.remove(run);
        }
        ack.acknowledge(run.record, written ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
        metrics.count(written ? "deferred" : "released");
      }
      if (written) deferred = deferrals.size();
      else released += deferrals.size();
      storeFailed |= !written;
    }
    return new BatchResult(accepted, released, rejected, deferred, storeFailed);
  }

  /**
   * Not written means not done: Kafka hands the tasks out again (receivers may see a request
   * twice).
   */
  private static boolean tryStore(Runnable write, String what) {
    try {
      write.run();
      return true;
    } catch (RuntimeException e) {
      log.warn("could not record {}, releasing them: {}", what, e.toString());
      return false;
    }
  }

  private static Set<UUID> gone(List<TaskResult.Attempted> attempted) {
    Set<UUID> gone = new LinkedHashSet<>();
    for (TaskResult.Attempted a : attempted) if (a.gone()) gone.add(a.record().task().webhookId());
    return gone;
  }

  /**
   * A task that could not start waits for its webhook's running attempts to end, at most their
   * timeout.
   */
  private static Duration capWait(Run run) {
    WebhookDirectory.Target t = run.target;
    return t == null ? DEFAULT_CAP_WAIT : HttpDeliverer.timeoutOf(t.webhook());
  }

  /** The result of a run that is DONE: its thread is returning it, so this wait is short. */
  private static TaskResult resultOf(Run run) {
    try {
      return run.future.get();
    } catch (ExecutionException e) {
      log.error("delivery task failed unexpectedly, releasing it", e.getCause());
      return null;
    } catch (CancellationException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Waits on the futures until all are done, the batch deadline passes, or shutdown's grace ends.
   */
  private void awaitUntil(List<Run> runs, long deadlineNanos) {
    boolean interrupted = false;
    for (Run run : runs) {
      while (!run.future.isDone()) {
        long end = aborting ? Math.min(deadlineNanos, abortAtNanos) : deadlineNanos;
        long left = end - System.nanoTime();
        if (left <= 0) {
          if (interrupted) Thread.currentThread().interrupt();
          return;
        }
        try {
          run.future.get(
              Math.min(left, TimeUnit.MILLISECONDS.toNanos(WAIT_SLICE_MS)), TimeUnit.NANOSECONDS);
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
      log.error(
          "rejecting record {}-{}@{}: no value",
          record.topic(),
          record.partition(),
          record.offset());
      return Optional.empty();
    }
    try {
      return Optional.of(Json.fromBytes(record.value(), DeliveryTask.class));
    } catch (RuntimeException e) {
      log.error(
          "rejecting undecodable delivery task {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Runs on a virtual thread. Returns null when the batch settled the task already. */
  private TaskResult execute(Run run) throws InterruptedException {
    DeliveryTask task = run.task;
    Optional<WebhookDirectory.Target> target;
    try {
      target = directory.find(task.webhookId(), task.webhookVersion());
    } catch (RuntimeException e) {
      log.warn(
          "webhook {} lookup failed, releasing delivery {}: {}",
          task.webhookId(),
          task.deliveryId(),
          e.toString());
      return settle(run, new TaskResult.Unavailable());
    }
    if (target.isEmpty()) {
      log.info(
          "skipping delivery {}: webhook {} unknown or deleted",
          task.deliveryId(),
          task.webhookId());
      return settle(run, new TaskResult.Skipped());
    }
    WebhookDirectory.Target t = target.get();
    run.target = t;
    boolean explicit = task.trigger() == Trigger.TEST || task.trigger() == Trigger.MANUAL;
    if (!t.webhook().routable() && !explicit) {
      // routed before it was deactivated or disabled; an admin's own test or retry still goes out
      log.info(
          "skipping delivery {}: webhook {} is inactive or disabled",
          task.deliveryId(),
          task.webhookId());
      return settle(run, new TaskResult.Skipped());
    }
    if (!explicit) { // an admin's test or retry is what tells whether the endpoint is back
      Optional<Instant> openUntil = breakers.admit(task.webhookId(), clock.instant());
      if (openUntil.isPresent()) return settle(run, new TaskResult.Deferred(openUntil.get()));
    }
    if (limits.enter(t.webhook().id(), run) == WebhookLimits.Admission.STALLED) {
      // its running attempts will not end before this batch's deadline: wait for them elsewhere
      return settle(run, new TaskResult.Deferred(clock.instant().plus(capWait(run))));
    }
    AttemptOutcome outcome = deliver(run, t);
    if (outcome == null) return null;
    if (outcome instanceof AttemptOutcome.Delivered) breakers.onSuccess(task.webhookId());
    else breakers.onFailure(task.webhookId(), clock.instant());
    TaskResult.Attempted result =
        new TaskResult.Attempted(
            toRecord(task, t, outcome),
            outcome instanceof AttemptOutcome.Failed f && f.disableWebhook());
    if (run.state.compareAndSet(Run.RUNNING, Run.DONE)) return result;
    recordLate(run, result);
    return null;
  }

  /** Null when the batch handed the task to the retry timer before a permit came. */
  private AttemptOutcome deliver(Run run, WebhookDirectory.Target t) throws InterruptedException {
    UUID webhook = t.webhook().id();
    try {
      inFlight.acquire();
      try {
        if (!run.state.compareAndSet(Run.WAITING, Run.RUNNING)) return null;
        run.startedAt = clock.instant();
        metrics.started();
        try {
          return deliverer.deliver(t.webhook(), t.secrets(), run.task.event());
        } catch (RuntimeException e) { // a bug, not the receiver: still an attempt, so it settles
          log.error("delivery {} failed unexpectedly", run.task.deliveryId(), e);
          return new AttemptOutcome.Retry(
              run.startedAt, 0, null, null, "internal", String.valueOf(e));
        } finally {
          metrics.finished();
        }
      } finally {
        inFlight.release();
      }
    } finally {
      limits.leave(webhook, run);
    }
  }

  private static TaskResult settle(Run run, TaskResult result) {
    return run.state.compareAndSet(Run.WAITING, Run.DONE) ? result : null;
  }

  /** An attempt that outlived its batch records itself; its deferral covers a failure here. */
  private void recordLate(Run run, TaskResult.Attempted result) {
    try {
      if (run.abandoned || abandonAll) return;
      AttemptRecord a = result.record();
      try {
        store.recordAll(List.of(a));
        metrics.count(a.newStatus().dbName());
        followUps.afterRecorded(
            List.of(a), result.gone() ? Set.of(a.task().webhookId()) : Set.of());
      } catch (RuntimeException e) {
        log.warn(
            "could not record late attempt {} of delivery {}; the retry timer makes it again: {}",
            a.task().attempt(),
            a.task().deliveryId(),
            e.toString());
      }
    } finally {
      background.remove(run);
    }
  }

  private AttemptRecord toRecord(
      DeliveryTask task, WebhookDirectory.Target target, AttemptOutcome outcome) {
    Instant now = clock.instant();
    DeliveryStatus status;
    Instant next = null;
    switch (outcome) {
      case AttemptOutcome.Delivered d -> status = DeliveryStatus.SUCCEEDED;
      case AttemptOutcome.Failed f -> status = DeliveryStatus.FAILED;
      case AttemptOutcome.Retry r -> {
        next =
            schedule
                .nextAttemptAt(
                    task.attempt(),
                    task.trigger(),
                    target.webhook().retrySchedule(),
                    now,
                    r.retryAfter())
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
