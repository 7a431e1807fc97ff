package dev.hookline.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's meters: a counter per task outcome, an attempt timer, an in-flight gauge. */
final class WorkerMetrics {
  static final String DELIVERIES = "hookline.deliveries";
  static final String ATTEMPT_DURATION = "hookline.delivery.attempt.duration";
  static final String IN_FLIGHT = "hookline.deliveries.in.flight";

  private final MeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();

  WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
        .description("HTTP deliveries running now")
        .register(registry);
  }

  /**
   * Counts a task by what became of it: {@code succeeded}, {@code retrying}, {@code failed} (after
   * an attempt), {@code skipped} (webhook unknown or not routable), {@code rejected} (undecodable),
   * {@code released} (handed back to Kafka: store down, shutdown).
   */
  void count(String outcome) {
    Counter.builder(DELIVERIES).tag("outcome", outcome).register(registry).increment();
  }

  void attempt(String outcome, Duration duration) {
    Timer.builder(ATTEMPT_DURATION).tag("outcome", outcome).register(registry).record(duration);
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished() {
    inFlight.decrementAndGet();
  }
}
