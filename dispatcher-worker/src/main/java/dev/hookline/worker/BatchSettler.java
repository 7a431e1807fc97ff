package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.RetryTimers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a batch: waits for its tasks until the batch's deadline, records the attempts with one store
 * call, and only then acknowledges. Every task handed in is acknowledged exactly once before {@link
 * #settle} returns (explicit mode requires it before the next poll).
 *
 * <p>A slow endpoint must not hold up the next poll, so a batch waits at most {@code handoffAfter}.
 * What is not finished by then goes to the retry timer in PostgreSQL (a {@link RetryTimers#defer
 * deferral} that keeps the attempt number) and is acknowledged with the rest: tasks still waiting
 * for a place never start; attempts already on the wire run on and record themselves when they end
 * ({@link LateAttempts}). Tasks of a webhook whose circuit is open are deferred to its end.
 */
final class BatchSettler {
  private static final Logger log = LoggerFactory.getLogger(BatchSettler.class);
  private static final long WAIT_SLICE_MS = 50;

  /** Beyond an attempt's own timeout, how long its late result has to get recorded. */
  static final Duration LATE_MARGIN = Duration.ofSeconds(30);

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

  /** The two tables a batch writes to. */
  record Stores(AttemptRecorder attempts, RetryTimers timers) {}

  private final AttemptRecorder store;
  private final RetryTimers timers;
  private final FollowUps followUps;
  private final LateAttempts late;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final long handoffAfterNanos;
  private volatile long abortAtNanos = Long.MAX_VALUE;
  private volatile boolean aborting;

  /**
   * @param late where attempts handed off go on
   * @param handoffAfter how long a batch waits for its tasks
   */
  BatchSettler(
      Stores stores,
      FollowUps followUps,
      LateAttempts late,
      WorkerMetrics metrics,
      Clock clock,
      Duration handoffAfter) {
    this.store = stores.attempts();
    this.timers = stores.timers();
    this.followUps = followUps;
    this.late = late;
    this.metrics = metrics;
    this.clock = clock;
    this.handoffAfterNanos = handoffAfter.toNanos();
  }

  /** The deadline of a batch taken now, in {@link System#nanoTime()}. */
  long deadlineFromNow() {
    return System.nanoTime() + handoffAfterNanos;
  }

  /**
   * Settles a batch's tasks: the results of those that ended, deferrals for the rest.
   *
   * @param rejected records of the batch already rejected (undecodable), for the result
   */
  BatchResult settle(List<TaskRun> runs, int rejected, long deadlineNanos, Acknowledger ack) {
    awaitUntil(runs, deadlineNanos);
    Instant now = clock.instant();
    List<TaskRun> attempted = new ArrayList<>(runs.size());
    List<AttemptRecord> attempts = new ArrayList<>(runs.size());
    Set<UUID> gone = new LinkedHashSet<>();
    List<TaskRun> deferredRuns = new ArrayList<>();
    List<RetryTimers.Deferral> deferrals = new ArrayList<>();
    int accepted = 0;
    int released = 0;
    for (TaskRun run : runs) {
      if (run.move(TaskState.WAITING, TaskState.HANDED_OFF)) {
        run.future.cancel(true); // it never started: stop it waiting for a place
        deferrals.add(new RetryTimers.Deferral(run.task, now.plus(run.capWait())));
        deferredRuns.add(run);
        continue;
      }
      late.expect(run);
      if (run.move(TaskState.RUNNING, TaskState.HANDED_OFF)) {
        Duration timeout = HttpDeliverer.timeoutOf(run.target.webhook());
        deferrals.add(
            new RetryTimers.Deferral(run.task, run.startedAt.plus(timeout).plus(LATE_MARGIN)));
        deferredRuns.add(run);
        continue;
      }
      late.forget(run);
      switch (resultOf(run)) {
        case TaskResult.Attempted a -> {
          attempted.add(run);
          attempts.add(a.record());
          if (a.gone()) gone.add(a.record().task().webhookId());
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
    boolean recorded = attempts.isEmpty() || recordAttempts(attempted, attempts, gone, ack);
    if (recorded) accepted += attempts.size();
    else released += attempts.size();
    boolean written = deferrals.isEmpty() || writeDeferrals(deferredRuns, deferrals, ack);
    if (!written) released += deferrals.size();
    return new BatchResult(
        accepted, released, rejected, written ? deferrals.size() : 0, !recorded || !written);
  }

  /** One store call for the batch's attempts, then their acknowledgements. */
  private boolean recordAttempts(
      List<TaskRun> runs, List<AttemptRecord> attempts, Set<UUID> gone, Acknowledger ack) {
    boolean recorded = tryStore(() -> store.recordAll(attempts), attempts.size() + " attempts");
    AcknowledgeType type = recorded ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
    for (TaskRun run : runs) ack.acknowledge(run.record, type);
    if (recorded) {
      attempts.forEach(a -> metrics.count(a.newStatus().dbName()));
      followUps.afterRecorded(attempts, gone);
    } else {
      attempts.forEach(a -> metrics.count("released"));
    }
    return recorded;
  }

  /** One store call for the batch's deferrals, then their acknowledgements. */
  private boolean writeDeferrals(
      List<TaskRun> runs, List<RetryTimers.Deferral> deferrals, Acknowledger ack) {
    boolean written = tryStore(() -> timers.defer(deferrals), deferrals.size() + " deferrals");
    for (TaskRun run : runs) {
      if (!written && run.state() == TaskState.HANDED_OFF) {
        run.abandoned = true;
        run.future.cancel(true);
        late.forget(run);
      }
      ack.acknowledge(run.record, written ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
      metrics.count(written ? "deferred" : "released");
    }
    return written;
  }

  /** Shutdown: the current batch settles within {@code grace} (or its own deadline, if sooner). */
  void abortAfter(Duration grace) {
    abortAtNanos = System.nanoTime() + grace.toNanos();
    aborting = true;
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

  /** The result of a task that is DONE: its thread is returning it, so this wait is short. */
  private static TaskResult resultOf(TaskRun run) {
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

  /** Waits until every task is done, the batch's deadline passes, or shutdown's grace ends. */
  private void awaitUntil(List<TaskRun> runs, long deadlineNanos) {
    boolean interrupted = false;
    for (TaskRun run : runs) {
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
}
