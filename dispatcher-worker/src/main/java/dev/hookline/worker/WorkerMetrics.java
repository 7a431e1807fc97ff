package dev.hookline.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The worker's meters: tasks by outcome, attempt latency, deliveries in flight, retry timers,
 * circuit breakers, dead letters and disabled webhooks.
 */
final class WorkerMetrics {
  static final String DELIVERIES = "hookline.deliveries";
  static final String ATTEMPT_DURATION = "hookline.delivery.attempt.duration";
  static final String IN_FLIGHT = "hookline.deliveries.in.flight";
  static final String RETRIES_DUE = "hookline.retries.due";
  static final String RETRIES_SCHEDULED = "hookline.retries.scheduled";
  static final String RETRIES_PUBLISHED = "hookline.retries.published";
  static final String DEAD_LETTERS = "hookline.dead.letters";
  static final String CIRCUIT_TRANSITIONS = "hookline.circuit.transitions";
  static final String CIRCUITS_OPEN = "hookline.circuits.open";
  static final String WEBHOOKS_DISABLED = "hookline.webhooks.disabled";

  private final MeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong retriesDue = new AtomicLong();
  private final AtomicLong retriesScheduled = new AtomicLong();

  WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
        .description("HTTP deliveries running now")
        .register(registry);
    Gauge.builder(RETRIES_DUE, retriesDue, AtomicLong::get)
        .description("retry timers due now (all workers)")
        .register(registry);
    Gauge.builder(RETRIES_SCHEDULED, retriesScheduled, AtomicLong::get)
        .description("retry timers set (all workers)")
        .register(registry);
  }

  /**
   * Counts a task by what became of it: {@code succeeded}, {@code retrying}, {@code failed} (after
   * an attempt), {@code skipped} (webhook unknown or not routable), {@code rejected} (undecodable),
   * {@code released} (handed back to Kafka: store down), {@code deferred} (to the retry timer
   * without an attempt: circuit open, webhook at its cap, still running at the batch deadline).
   */
  void count(String outcome) {
    Counter.builder(DELIVERIES).tag("outcome", outcome).register(registry).increment();
  }

  void attempt(String outcome, Duration duration) {
    Timer.builder(ATTEMPT_DURATION)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished() {
    inFlight.decrementAndGet();
  }

  void retryTimers(long due, long scheduled) {
    retriesDue.set(due);
    retriesScheduled.set(scheduled);
  }

  void retriesPublished(int n) {
    Counter.builder(RETRIES_PUBLISHED).register(registry).increment(n);
  }

  void deadLettered(int n) {
    Counter.builder(DEAD_LETTERS).register(registry).increment(n);
  }

  void circuitTransition(CircuitBreakers.State to) {
    Counter.builder(CIRCUIT_TRANSITIONS)
        .tag("to", to.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry)
        .increment();
  }

  void circuitsOpen(Supplier<Number> open) {
    Gauge.builder(CIRCUITS_OPEN, open)
        .description("webhooks whose circuit is open or half-open in this worker")
        .register(registry);
  }

  void webhookDisabled(String reason) {
    Counter.builder(WEBHOOKS_DISABLED).tag("reason", reason).register(registry).increment();
  }
}
