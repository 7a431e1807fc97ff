package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the attempt batches that a worker's consumers settle at the same moment with one store
 * call: one PostgreSQL transaction and one commit instead of one each (group commit).
 *
 * <p>At a trickle a share fetch brings two or three tasks, and every batch paid its own
 * transaction: PostgreSQL used as much CPU at 1,000 deliveries/s as at 4,500/s (docs/benchmarks.md,
 * stop 30). A call that finds no write in progress writes at once, so nothing waits to be grouped;
 * calls that arrive while a write is in progress queue, and the next of them to get the turn writes
 * all that queued. Each caller gets back exactly what it would have got alone: its own refused
 * attempts, or the write's failure (a failure of the store call writes nothing of any of them,
 * {@link AttemptRecorder#recordAll}).
 */
final class GroupCommitRecorder implements AttemptRecorder {
  /** Attempts in one store call at most; a larger queue is written in several calls. */
  static final int MAX_ATTEMPTS_PER_WRITE = 1_000;

  private final AttemptRecorder store;
  private final int maxAttemptsPerWrite;
  private final ReentrantLock turn = new ReentrantLock();
  private final ConcurrentLinkedQueue<Call> queued = new ConcurrentLinkedQueue<>();

  GroupCommitRecorder(AttemptRecorder store) {
    this(store, MAX_ATTEMPTS_PER_WRITE);
  }

  GroupCommitRecorder(AttemptRecorder store, int maxAttemptsPerWrite) {
    if (maxAttemptsPerWrite < 1) throw new IllegalArgumentException("maxAttemptsPerWrite < 1");
    this.store = store;
    this.maxAttemptsPerWrite = maxAttemptsPerWrite;
  }

  /** One caller's batch; its outcome is written and read under {@link #turn}. */
  private static final class Call {
    final List<AttemptRecord> attempts;
    final List<Refused> refused = new ArrayList<>();
    RuntimeException failure;
    boolean done;

    Call(List<AttemptRecord> attempts) {
      this.attempts = attempts;
    }
  }

  @Override
  public List<Refused> recordAll(List<AttemptRecord> attempts) {
    if (attempts.isEmpty()) return List.of();
    Call mine = new Call(attempts);
    queued.add(mine);
    turn.lock();
    try {
      while (!mine.done) writeQueued();
      if (mine.failure != null) throw mine.failure;
      return List.copyOf(mine.refused);
    } finally {
      turn.unlock();
    }
  }

  /** Batches waiting for their turn (for tests). */
  int queued() {
    return queued.size();
  }

  /** Writes what queued, up to the cap, with one store call; the caller holds {@link #turn}. */
  private void writeQueued() {
    List<Call> group = new ArrayList<>();
    List<AttemptRecord> all = new ArrayList<>();
    for (Call next = queued.peek(); next != null; next = queued.peek()) {
      if (!group.isEmpty() && all.size() + next.attempts.size() > maxAttemptsPerWrite) break;
      queued.poll();
      group.add(next);
      all.addAll(next.attempts);
    }
    try {
      List<Refused> refused = store.recordAll(all);
      Map<AttemptRecord, Call> owners = new IdentityHashMap<>();
      for (Call c : group) c.attempts.forEach(a -> owners.put(a, c));
      for (Refused r : refused) {
        Call owner = owners.get(r.attempt());
        // a refusal no caller can be told of would drop its task: fail them all instead
        if (owner == null) throw new IllegalStateException("refused an attempt not asked for");
        owner.refused.add(r);
      }
    } catch (RuntimeException e) {
      group.forEach(c -> c.failure = e);
    } catch (Error e) {
      group.forEach(c -> c.failure = new IllegalStateException("recording failed: " + e, e));
      throw e;
    } finally {
      group.forEach(c -> c.done = true);
    }
  }

  @Override
  public void ping() {
    store.ping();
  }
}
