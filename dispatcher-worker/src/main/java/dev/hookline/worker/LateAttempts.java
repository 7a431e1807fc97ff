package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attempts still on the wire when their batch was settled: the batch deferred them to the retry
 * timer (whose lease re-sends the same attempt only should this worker die first) and acknowledged
 * them; each records itself here when it ends. Shutdown waits for them within its grace.
 */
final class LateAttempts {
  private static final Logger log = LoggerFactory.getLogger(LateAttempts.class);
  private static final long WAIT_SLICE_MS = 50;

  private final AttemptRecorder store;
  private final FollowUps followUps;
  private final WorkerMetrics metrics;
  private final GiveUp giveUp;
  private final Set<TaskRun> running = ConcurrentHashMap.newKeySet();
  private volatile boolean abandonAll;

  /**
   * @param giveUp where an attempt PostgreSQL refuses for good goes
   */
  LateAttempts(AttemptRecorder store, FollowUps followUps, WorkerMetrics metrics, GiveUp giveUp) {
    this.store = store;
    this.followUps = followUps;
    this.metrics = metrics;
    this.giveUp = giveUp;
  }

  /**
   * Before the batch tries to hand the task off, so that the task's own removal cannot come first.
   */
  void expect(TaskRun run) {
    running.add(run);
  }

  /** The task ended before its batch could hand it off, or its deferral failed. */
  void forget(TaskRun run) {
    running.remove(run);
  }

  /**
   * Records an attempt that outlived its batch; its deferral covers a failure here. A failure to
   * write it, an {@link Error} too, is logged: rethrown, it would only fail the task's future,
   * which no one reads once its batch is settled. Counting it and its follow-ups are best effort.
   */
  void record(TaskRun run, TaskResult.Attempted result) {
    try {
      if (run.abandoned || abandonAll) return;
      AttemptRecord a = result.record();
      try {
        List<AttemptRecorder.Refused> refused = store.recordAll(List.of(a));
        if (!refused.isEmpty()) {
          // its deferral stays as the retry timer's: if Kafka refuses this too, it comes again
          giveUp.deadLetter(List.of(GiveUp.letter(a, refused.get(0).reason())));
          return;
        }
      } catch (RuntimeException | Error e) {
        log.warn(
            "could not record late attempt {} of delivery {}; the retry timer makes it again: {}",
            a.task().attempt(),
            a.task().deliveryId(),
            e.toString());
        return;
      }
      BatchSettler.afterRecorded(
          List.of(a), result.gone() ? Set.of(a.task().webhookId()) : Set.of(), metrics, followUps);
    } finally {
      running.remove(run);
    }
  }

  /** Shutdown: waits up to {@code timeout} for the late attempts to end and record themselves. */
  boolean await(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!running.isEmpty()) {
      if (System.nanoTime() - end >= 0) return false;
      Thread.sleep(WAIT_SLICE_MS); // a shutdown wait on other threads' work, not a test wait
    }
    return true;
  }

  /**
   * Shutdown, after {@link #await}: attempts still running are about to be interrupted; what they
   * come to is not recorded (their deferral's lease makes them again, elsewhere).
   */
  void abandonAll() {
    abandonAll = true;
  }
}
