package dev.hookline.worker;

import dev.hookline.store.CircuitBreakerLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this worker's circuit breaker changes to PostgreSQL for {@code hookline status}, on a
 * thread of its own: the breakers only drop the latest state per webhook in a map (they call under
 * their lock, on the delivery path), and this thread writes what piled up. A write that fails is
 * retried with the next one; the log is for operators, so it never holds a delivery back.
 */
final class BreakerJournal implements CircuitBreakers.Listener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BreakerJournal.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final CircuitBreakerLog store;
  private final String workerId;
  private final Clock clock;
  private final Map<UUID, CircuitBreakerLog.Change> pending = new ConcurrentHashMap<>();
  private final Semaphore signal = new Semaphore(0);
  private final Thread thread;
  private volatile boolean stopping;

  BreakerJournal(CircuitBreakerLog store, String workerId, Clock clock) {
    this.store = store;
    this.workerId = workerId;
    this.clock = clock;
    this.thread = Thread.ofVirtual().name("hookline-breaker-journal").unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  @Override
  public void moved(UUID webhook, CircuitBreakers.State to, Instant openUntil) {
    pending.put(
        webhook,
        new CircuitBreakerLog.Change(
            webhook, CircuitBreakerLog.State.valueOf(to.name()), openUntil, clock.instant()));
    signal.release();
  }

  private void run() {
    boolean forgotten = false;
    while (!stopping) {
      try {
        if (!forgotten) {
          store.forget(workerId); // rows of an earlier process with this worker id
          forgotten = true;
        }
        flush();
        signal.acquire();
        signal.drainPermits();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("cannot publish circuit breaker states, retrying: {}", e.getMessage());
        try {
          signal.tryAcquire(RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Writes what is pending; on failure puts back what no newer change replaced. */
  private void flush() {
    if (pending.isEmpty()) return;
    List<CircuitBreakerLog.Change> batch = new ArrayList<>();
    for (UUID webhook : List.copyOf(pending.keySet())) {
      CircuitBreakerLog.Change change = pending.remove(webhook);
      if (change != null) batch.add(change);
    }
    batch.sort(java.util.Comparator.comparing(CircuitBreakerLog.Change::at));
    try {
      store.record(workerId, batch);
    } catch (RuntimeException e) {
      batch.forEach(c -> pending.putIfAbsent(c.webhookId(), c));
      throw e;
    }
  }

  /** Stops the thread and removes this worker's rows: its circuits go with it. */
  @Override
  public void close() {
    stopping = true;
    signal.release();
    if (thread.getState() == Thread.State.NEW) return; // never started: nothing written
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      store.forget(workerId);
    } catch (RuntimeException e) {
      log.info("cannot remove this worker's circuit breaker states: {}", e.getMessage());
    }
  }
}
