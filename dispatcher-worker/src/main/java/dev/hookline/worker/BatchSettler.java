package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.RetryTimers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Phaser;
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
   * @param storeFailed attempts or deferrals could not be written, or a webhook lookup failed
   *     (their tasks were released, or dead-lettered at their last delivery): back off
   */
  record BatchResult(int accepted, int released, int rejected, int deferred, boolean storeFailed) {}

  /**
   * The two tables a batch writes to, and what becomes of a task that cannot be written (the
   * dead-letter topic, at its last delivery).
   */
  record Stores(AttemptRecorder attempts, RetryTimers timers, GiveUp giveUp) {}

  private final AttemptRecorder store;
  private final RetryTimers timers;
  private final GiveUp giveUp;
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
    this.giveUp = stores.giveUp();
    this.followUps = followUps;
    this.late = late;
    this.metrics = metrics;
    this.clock = clock;
    this.handoffAfterNanos = handoffAfter.toNanos();
  }

  /**
   * What a batch's tasks arrive at as they end ({@link TaskRunner#start}): its one party is the
   * consumer thread, which arrives in {@link #settle} once every task of the batch is started.
   */
  static Phaser batch() {
    return new Phaser(1);
  }

  /** The deadline of a batch taken now, in {@link System#nanoTime()}. */
  long deadlineFromNow() {
    return System.nanoTime() + handoffAfterNanos;
  }

  /**
   * Settles a batch's tasks: the results of those that ended, deferrals for the rest.
   *
   * @param rejected records of the batch already rejected (undecodable), for the result
   * @param ended the {@link #batch} every one of {@code runs} was started with
   */
  BatchResult settle(
      List<TaskRun> runs, int rejected, long deadlineNanos, Phaser ended, Acknowledger ack) {
    awaitUntil(ended, deadlineNanos);
    Instant now = clock.instant();
    List<TaskRun> attempted = new ArrayList<>(runs.size());
    List<AttemptRecord> attempts = new ArrayList<>(runs.size());
    Set<UUID> gone = new LinkedHashSet<>();
    List<TaskRun> deferredRuns = new ArrayList<>();
    List<RetryTimers.Deferral> deferrals = new ArrayList<>();
    int accepted = 0;
    int released = 0;
    boolean lookupFailed = false;
    List<TaskRun> unavailable = new ArrayList<>();
    List<GiveUp.Letter> lastLetters = new ArrayList<>();
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
          accepted++; // counted after the loop: a failing count must not stop it
        }
        case TaskResult.Unavailable u -> {
          lookupFailed = true; // back off like a failed write: the store may be going down
          unavailable.add(run);
          lastLetters.add(new GiveUp.Letter(run.task, null, "webhook_lookup", u.reason()));
        }
        case null, default -> { // failed unexpectedly
          unavailable.add(run);
          lastLetters.add(new GiveUp.Letter(run.task, null, "internal", "failed unexpectedly"));
        }
      }
    }
    count(metrics, "skipped", accepted);
    Acks unavailableAcks = releaseOrDeadLetter(unavailable, lastLetters, ack);
    Acks recorded = attempts.isEmpty() ? Acks.NONE : recordAttempts(attempted, attempts, gone, ack);
    Acks written = deferrals.isEmpty() ? Acks.NONE : writeDeferrals(deferredRuns, deferrals, ack);
    return new BatchResult(
        accepted
            + unavailableAcks.accepted()
            + recorded.accepted()
            + (written.failed() ? written.accepted() : 0),
        released + unavailableAcks.released() + recorded.released() + written.released(),
        rejected,
        written.failed() ? 0 : written.accepted(),
        recorded.failed() || written.failed() || lookupFailed);
  }

  /** How a group of a batch's tasks was acknowledged, and whether its store write failed. */
  private record Acks(int accepted, int released, boolean failed) {
    static final Acks NONE = new Acks(0, 0, false);
  }

  /**
   * Tasks that came to nothing this time: released, for another worker or poll to try again; at
   * their last delivery dead-lettered with their reason and accepted instead.
   *
   * @param letters the dead letter of each run, in the same order
   */
  private Acks releaseOrDeadLetter(
      List<TaskRun> runs, List<GiveUp.Letter> letters, Acknowledger ack) {
    List<TaskRun> last = new ArrayList<>();
    List<GiveUp.Letter> lastLetters = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      TaskRun run = runs.get(i);
      if (giveUp.atLastDelivery(run.record)) {
        last.add(run);
        GiveUp.Letter l = letters.get(i);
        lastLetters.add(
            new GiveUp.Letter(
                l.task(),
                l.statusCode(),
                l.errorClass(),
                l.reason() + ", at " + giveUp.deliveryOf(run.record)));
      } else {
        ack.acknowledge(run.record, AcknowledgeType.RELEASE);
      }
    }
    boolean sent = giveUp.deadLetter(lastLetters);
    for (TaskRun run : last)
      ack.acknowledge(run.record, sent ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
    int accepted = sent ? last.size() : 0;
    count(metrics, "released", runs.size() - accepted);
    return new Acks(accepted, runs.size() - accepted, false);
  }

  /**
   * One store call for the batch's attempts, then their acknowledgements. An attempt PostgreSQL
   * refused for good is dead-lettered (and accepted); a batch it could not write is released, but
   * its tasks at their last delivery are recorded as failed or dead-lettered ({@link GiveUp}).
   */
  private Acks recordAttempts(
      List<TaskRun> runs, List<AttemptRecord> attempts, Set<UUID> gone, Acknowledger ack) {
    List<AttemptRecorder.Refused> refused;
    try {
      refused = store.recordAll(attempts);
    } catch (RuntimeException e) {
      log.warn("could not record {} attempts, releasing them: {}", attempts.size(), e.toString());
      return notRecorded(runs, attempts, e, ack);
    }
    Map<AttemptRecord, AttemptRecorder.Refused> apart = new IdentityHashMap<>();
    refused.forEach(r -> apart.put(r.attempt(), r));
    List<GiveUp.Letter> letters =
        refused.stream().map(r -> GiveUp.letter(r.attempt(), r.reason())).toList();
    boolean sent = giveUp.deadLetter(letters);
    int released = 0;
    List<AttemptRecord> stored = new ArrayList<>(attempts.size());
    for (int i = 0; i < runs.size(); i++) {
      AttemptRecord a = attempts.get(i);
      boolean release = apart.containsKey(a) && !sent;
      ack.acknowledge(
          runs.get(i).record, release ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
      if (release) released++;
      if (!apart.containsKey(a)) stored.add(a);
    }
    afterRecorded(stored, gone, metrics, followUps);
    return new Acks(attempts.size() - released, released, false);
  }

  /**
   * What follows attempts once recorded (and, in a batch, acknowledged): counting them, and their
   * {@link FollowUps}. Best effort: a failure, an {@link Error} too, is logged once with what it
   * skipped. Rethrown, it would end {@link #settle} before the batch's deferrals are written and
   * acknowledged (or, for a late attempt, go unseen in its task's future).
   */
  static void afterRecorded(
      List<AttemptRecord> stored, Set<UUID> gone, WorkerMetrics metrics, FollowUps followUps) {
    try {
      for (AttemptRecord a : stored) metrics.count(a.newStatus().dbName());
    } catch (RuntimeException | Error e) {
      skipped("counting " + stored.size() + " recorded attempts", e);
    }
    try {
      followUps.afterRecorded(stored, gone);
    } catch (RuntimeException | Error e) {
      skipped(
          "the follow-ups of "
              + stored.size()
              + " recorded attempts (webhook health, disabling the webhooks gone: "
              + gone
              + ")",
          e);
    }
  }

  /**
   * Counts {@code n} tasks by outcome once they are acknowledged (or dead-lettered). Best effort: a
   * failing meter registry must not keep the rest of a batch from being settled.
   */
  static void count(WorkerMetrics metrics, String outcome, int n) {
    if (n == 0) return;
    try {
      for (int i = 0; i < n; i++) metrics.count(outcome);
    } catch (RuntimeException | Error e) {
      skipped("counting " + n + " tasks as " + outcome, e);
    }
  }

  /** A best-effort step failed: logged once, with what it skipped; the tasks are settled anyway. */
  private static void skipped(String what, Throwable e) {
    log.error("{} failed and was skipped; the tasks are settled all the same", what, e);
  }

  /** The batch's attempts could not be written: released, except at their last delivery. */
  private Acks notRecorded(
      List<TaskRun> runs, List<AttemptRecord> attempts, RuntimeException e, Acknowledger ack) {
    List<TaskRun> last = new ArrayList<>();
    List<AttemptRecord> lastAttempts = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      TaskRun run = runs.get(i);
      if (giveUp.atLastDelivery(run.record)) {
        last.add(run);
        lastAttempts.add(attempts.get(i));
      } else {
        ack.acknowledge(run.record, AcknowledgeType.RELEASE);
      }
    }
    count(metrics, "released", runs.size() - last.size());
    boolean settled =
        last.isEmpty()
            || giveUp.recordFailedOrDeadLetter(
                lastAttempts,
                "could not be recorded at " + giveUp.deliveryOf(last.get(0).record) + ": " + e);
    for (TaskRun run : last) {
      ack.acknowledge(run.record, settled ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE);
    }
    int accepted = settled ? last.size() : 0;
    return new Acks(accepted, runs.size() - accepted, true);
  }

  /**
   * One store call for the batch's deferrals, then their acknowledgements.
   *
   * @return accepted: the tasks deferred, or dead-lettered at their last delivery
   */
  private Acks writeDeferrals(
      List<TaskRun> runs, List<RetryTimers.Deferral> deferrals, Acknowledger ack) {
    List<RetryTimers.Deferral> refused;
    try {
      refused = timers.defer(deferrals);
    } catch (RuntimeException e) {
      log.warn("could not record {} deferrals, releasing them: {}", deferrals.size(), e.toString());
      refused = null;
    }
    if (refused != null) {
      // a deferral PostgreSQL refuses for good (its event cannot be stored): dead-letter it
      Set<RetryTimers.Deferral> apart = Collections.newSetFromMap(new IdentityHashMap<>());
      apart.addAll(refused);
      boolean sent =
          giveUp.deadLetter(
              refused.stream()
                  .map(
                      d ->
                          new GiveUp.Letter(
                              d.task(), null, "unstorable", "its deferral could not be stored"))
                  .toList());
      int released = 0;
      for (int i = 0; i < runs.size(); i++) {
        boolean release = !sent && apart.contains(deferrals.get(i));
        if (release && runs.get(i).state() == TaskState.HANDED_OFF) abandon(runs.get(i));
        ack.acknowledge(
            runs.get(i).record, release ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
        if (release) released++;
      }
      count(metrics, "released", released);
      count(metrics, "deferred", deferrals.size() - released);
      return new Acks(deferrals.size() - released, released, false);
    }
    List<GiveUp.Letter> letters = new ArrayList<>(runs.size());
    for (TaskRun run : runs) {
      if (run.state() == TaskState.HANDED_OFF) abandon(run);
      letters.add(
          new GiveUp.Letter(run.task, null, "unrecorded", "its deferral could not be written"));
    }
    Acks acks = releaseOrDeadLetter(runs, letters, ack);
    return new Acks(acks.accepted(), acks.released(), true);
  }

  /** Shutdown: the current batch settles within {@code grace} (or its own deadline, if sooner). */
  void abortAfter(Duration grace) {
    abortAtNanos = System.nanoTime() + grace.toNanos();
    aborting = true;
  }

  /**
   * Its deferral is not written: its late result is not wanted (Kafka hands the task out again).
   */
  private void abandon(TaskRun run) {
    run.abandoned = true;
    run.future.cancel(true);
    late.forget(run);
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

  /**
   * Waits until every task is done, the batch's deadline passes, or shutdown's grace ends. The
   * batch's last task to end wakes this thread, once (not each task, one after the other).
   */
  private void awaitUntil(Phaser ended, long deadlineNanos) {
    int phase = ended.arrive(); // every task is started: the batch ends with its last
    boolean interrupted = false;
    while (ended.getPhase() == phase) {
      long end = aborting ? Math.min(deadlineNanos, abortAtNanos) : deadlineNanos;
      long left = end - System.nanoTime();
      if (left <= 0) break;
      try {
        ended.awaitAdvanceInterruptibly(
            phase,
            Math.min(left, TimeUnit.MILLISECONDS.toNanos(WAIT_SLICE_MS)),
            TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // the loop condition decides, with the abort's deadline as it is now
      } catch (InterruptedException e) {
        interrupted = true;
        abortAfter(Duration.ZERO); // an interrupted consumer thread means: stop now
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }
}
