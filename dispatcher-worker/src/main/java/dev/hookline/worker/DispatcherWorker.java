package dev.hookline.worker;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: takes delivery tasks from {@code hookline.deliveries} as a member of the
 * share group {@code hookline-dispatchers}, posts them, records the attempts in PostgreSQL, and
 * only then acknowledges them (at-least-once). A few consume loops, each on a thread of its own
 * ({@link ConsumeLoop}); the HTTP attempts run on virtual threads ({@link TaskRunner}); one more
 * thread runs the retry timer ({@link RetryScheduler}: due retries, dead letters, failing
 * webhooks). {@link WorkerAssembly} builds one.
 *
 * <pre>{@code
 * var worker = WorkerAssembly.assemble(WorkerConfig.defaults(bootstrap, "worker-1"), database, registry);
 * worker.start();
 * ...
 * worker.close(); // stops polling, lets running deliveries finish within the grace period
 * }</pre>
 */
public final class DispatcherWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatcherWorker.class);

  /**
   * What a worker runs and stops.
   *
   * @param resources closed last, in this order
   */
  record Parts(
      List<ConsumeLoop> loops,
      BatchSettler settler,
      LateAttempts late,
      RetryScheduler scheduler,
      BreakerJournal journal,
      List<AutoCloseable> resources) {}

  private final WorkerConfig config;
  private final Parts parts;
  private boolean started;
  private boolean closed;

  DispatcherWorker(WorkerConfig config, Parts parts) {
    this.config = config;
    this.parts = parts;
  }

  /** Joins the share group and starts delivering, on threads of its own. Returns at once. */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("worker is closed");
    if (started) return;
    started = true;
    for (int i = 0; i < parts.loops().size(); i++) {
      parts.loops().get(i).start("hookline-dispatcher-" + config.workerId() + "-" + i);
    }
    parts.scheduler().start(config.workerId());
    parts.journal().start();
    log.info(
        "dispatcher worker {} started ({} consumers, max {} in flight, {} per webhook)",
        config.workerId(),
        config.consumers(),
        config.maxInFlight(),
        config.isolation().maxInFlightPerWebhook());
  }

  /** Whether every consume loop is alive (for health checks). */
  public boolean isRunning() {
    return parts.loops().stream().allMatch(ConsumeLoop::isAlive);
  }

  /**
   * Stops polling, lets running deliveries finish within the grace period, records them, hands the
   * rest to the retry timer (or releases them to other workers when the store is down) and leaves
   * the group. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    long start = System.nanoTime();
    parts.settler().abortAfter(config.shutdownGrace());
    parts.loops().forEach(ConsumeLoop::stop);
    // grace for the deliveries, then time for the store write, the acks and leaving the group
    long joinUntil = start + config.shutdownGrace().plusSeconds(30).toNanos();
    for (ConsumeLoop loop : parts.loops()) {
      try {
        loop.join((joinUntil - System.nanoTime()) / 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    parts.scheduler().close();
    try {
      Duration left = config.shutdownGrace().minusNanos(System.nanoTime() - start);
      if (!parts.late().await(left.isNegative() ? Duration.ZERO : left)) {
        log.info("attempts still running after the grace period; the retry timer makes them again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    parts.late().abandonAll();
    for (AutoCloseable resource : parts.resources()) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("stopping the worker: {}", e.toString());
      }
    }
    log.info("dispatcher worker {} stopped", config.workerId());
  }
}
