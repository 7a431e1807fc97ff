package dev.hookline.worker;

import dev.hookline.store.RateBudgets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-webhook rate limits, held for all workers together through the shared budget in PostgreSQL
 * ({@link RateBudgets}, a virtual schedule: one token every 1/limit seconds). A task of a
 * rate-limited webhook takes a token before it takes any place (its webhook's cap, an in-flight
 * place), and waits for its token's time outside them. Tokens are leased in chunks: the tasks of a
 * webhook waiting in this worker at once cost one round trip, and an unlimited webhook costs none.
 *
 * <p>A task whose token would come after its batch's deadline is parked instead: deferred to the
 * retry timer (no attempt, nothing counted against the share group's delivery limit) at its place
 * in the webhook's shared parked queue, a little early ({@link #PARK_LEAD}) so that a token never
 * goes unused for want of a task that wants it.
 *
 * <p>A 429 or 503 with {@code Retry-After} pauses the whole webhook ({@link #pause}): in this
 * worker at once, and for a rate-limited webhook in every worker (its next free token moves to the
 * end of the pause).
 */
final class RateLimiter {
  /** How far ahead one lease takes tokens: what another worker may still send into a pause. */
  static final Duration HORIZON = Duration.ofMillis(250);

  /** A token is only taken when its time comes this much before the batch's deadline. */
  static final Duration MARGIN = Duration.ofMillis(50);

  /** How much earlier than its place in the queue a parked task comes back. */
  static final Duration PARK_LEAD = Duration.ofSeconds(2);

  /** The longest pause a {@code Retry-After} can cause. */
  static final Duration MAX_PAUSE = Duration.ofHours(1);

  /** Leased tokens older than this are dropped rather than sent at once. */
  private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Whether a task may go on. */
  sealed interface Admission {
    /** Its token's time came (or the webhook is unlimited): go on to the attempt. */
    record Go() implements Admission {}

    /** No token before its batch's deadline: defer it to {@code until}. */
    record Park(Instant until) implements Admission {}
  }

  private static final Admission GO = new Admission.Go();

  private static final class Budget {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final ArrayDeque<Long> tokens = new ArrayDeque<>(); // System.nanoTime() of each token held
    final ArrayDeque<Long> parks = new ArrayDeque<>(); // places in the parked queue
    int waiting;
    boolean leasing;
    long nextFreeNanos = Long.MIN_VALUE; // no token free before this, per the last lease
  }

  private final RateBudgets store;
  private final Clock clock;
  private final Map<UUID, Budget> budgets = new ConcurrentHashMap<>();
  private final Map<UUID, Long> pausedUntil = new ConcurrentHashMap<>();

  RateLimiter(RateBudgets store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** For tests that use no rate limits: any lease fails. */
  static RateLimiter unlimited(Clock clock) {
    return new RateLimiter(
        new RateBudgets() {
          @Override
          public Lease lease(
              UUID webhookId, int limit, int want, Duration horizon, Duration parkAfter) {
            throw new IllegalStateException("no rate budgets in this test");
          }

          @Override
          public void pause(UUID webhookId, Duration pause) {}
        },
        clock);
  }

  /**
   * Waits for the task's turn (interruptibly) or tells it to park. Store failures propagate.
   *
   * @param limit the webhook's rate limit; null for unlimited (no store call)
   * @param deadlineNanos its batch's deadline ({@link System#nanoTime()})
   */
  Admission admit(UUID webhook, Integer limit, long deadlineNanos) throws InterruptedException {
    long usable = deadlineNanos - MARGIN.toNanos();
    Long paused = pausedUntil.get(webhook);
    if (paused != null) {
      long now = System.nanoTime();
      if (paused - now <= 0) pausedUntil.remove(webhook, paused);
      else if (paused - usable >= 0) return park(paused, now, Duration.ZERO);
      else sleepUntil(paused);
    }
    if (limit == null) return GO;
    Budget b = budgets.computeIfAbsent(webhook, id -> new Budget());
    b.lock.lock();
    b.waiting++;
    try {
      while (true) {
        long now = System.nanoTime();
        while (!b.tokens.isEmpty() && now - b.tokens.peekFirst() > STALE_NANOS)
          b.tokens.pollFirst();
        Long at = b.tokens.peekFirst();
        if (at != null && at - usable < 0) {
          b.tokens.pollFirst();
          b.lock.unlock();
          try {
            sleepUntil(at);
          } finally {
            b.lock.lock();
          }
          return GO;
        }
        if (!b.parks.isEmpty()) return park(b.parks.pollFirst(), now, PARK_LEAD);
        if (b.leasing) {
          b.changed.await(MARGIN.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        long free = b.nextFreeNanos;
        if (at == null && free - now > 0 && free - usable < 0) {
          // another worker holds the tokens until then: lease again when they are due
          b.changed.await(free - now, TimeUnit.NANOSECONDS);
          continue;
        }
        // no usable token here: lease for every task waiting without one, parking what the
        // lease cannot give before this task's deadline
        int want = at == null ? Math.max(1, b.waiting - b.tokens.size()) : 1;
        Duration left = Duration.ofNanos(Math.max(0, usable - now));
        Lease mine =
            at == null
                ? lease(b, webhook, limit, want, min(HORIZON, left), left)
                // a token is held, but comes too late for this task: park it
                : lease(b, webhook, limit, want, Duration.ZERO, Duration.ZERO);
        while (!mine.done) b.changed.await();
        if (mine.error != null) throw mine.error;
      }
    } finally {
      b.waiting--;
      b.lock.unlock();
    }
  }

  /** One lease in flight; guarded by its budget's lock. */
  private static final class Lease {
    boolean done;
    RuntimeException error;
  }

  /**
   * Starts a lease on a thread of its own, so that a task handed off (interrupted) in the middle
   * cannot break the database connection; its tokens still reach the budget. Lock held.
   */
  private Lease lease(
      Budget b, UUID webhook, int limit, int want, Duration horizon, Duration parkAfter) {
    Lease pending = new Lease();
    b.leasing = true;
    Thread.ofVirtual()
        .name("hookline-rate-lease")
        .start(
            () -> {
              long asked = System.nanoTime();
              RateBudgets.Lease lease = null;
              RuntimeException error = null;
              try {
                lease = store.lease(webhook, limit, want, horizon, parkAfter);
              } catch (RuntimeException e) {
                error = e;
              }
              b.lock.lock();
              try {
                if (lease != null) add(b, lease, asked, limit);
                pending.error = error;
                pending.done = true;
                b.leasing = false;
                b.changed.signalAll();
              } finally {
                b.lock.unlock();
              }
            });
    return pending;
  }

  private static void add(Budget b, RateBudgets.Lease lease, long asked, int limit) {
    long step = TimeUnit.SECONDS.toNanos(1) / limit;
    long first = asked + millisToNanos(lease.firstMs());
    for (int i = 0; i < lease.granted(); i++) b.tokens.addLast(first + i * step);
    long park = asked + millisToNanos(lease.parkMs());
    for (int i = 0; i < lease.parked(); i++) b.parks.addLast(park + i * step);
    b.nextFreeNanos = asked + millisToNanos(lease.nextMs());
  }

  /**
   * The receiver asked for a pause ({@code Retry-After} of a 429 or 503): no task of the webhook
   * starts in this worker until it ends, nor in any worker when the webhook is rate-limited.
   */
  void pause(UUID webhook, Integer limit, Duration retryAfter) {
    Duration pause = min(retryAfter, MAX_PAUSE);
    if (pause.isZero() || pause.isNegative()) return;
    long until = System.nanoTime() + pause.toNanos();
    pausedUntil.merge(webhook, until, (a, c) -> a - c >= 0 ? a : c);
    Budget b = budgets.get(webhook);
    if (b != null) {
      b.lock.lock();
      try {
        b.tokens.clear(); // their times fall into the pause
        b.nextFreeNanos = until;
      } finally {
        b.lock.unlock();
      }
    }
    if (limit != null) store.pause(webhook, pause);
  }

  private Admission park(long atNanos, long nowNanos, Duration lead) {
    long wait = Math.max(0, atNanos - nowNanos - lead.toNanos());
    return new Admission.Park(clock.instant().plusNanos(wait));
  }

  private static void sleepUntil(long atNanos) throws InterruptedException {
    long wait = atNanos - System.nanoTime();
    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
  }

  private static long millisToNanos(double ms) {
    return Math.round(ms * 1_000_000d);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
