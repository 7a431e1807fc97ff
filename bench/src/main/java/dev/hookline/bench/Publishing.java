package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.producer.EventPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/** Publishes the bench's events through a real {@link EventPublisher} (validation on). */
final class Publishing {
  /** One kind of event to publish: a catalog type and its data. */
  record Kind(String type, JsonNode data) {}

  /**
   * @param published events handed to the publisher
   * @param failed events Kafka did not acknowledge (or the publisher refused)
   * @param elapsedNanos from the first publish to the last acknowledgement
   * @param firstError the first failure, or null
   */
  record Result(long published, long failed, long elapsedNanos, String firstError) {
    double perSecond() {
      return elapsedNanos == 0 ? 0 : published * 1e9 / elapsedNanos;
    }
  }

  private Publishing() {}

  /** {@code n} events as fast as the publisher takes them; returns once Kafka acknowledged all. */
  static Result backlog(EventPublisher publisher, List<Kind> kinds, long n, String keyPrefix) {
    return backlog(
        publisher,
        n,
        i -> {
          Kind kind = kinds.get((int) (i % kinds.size()));
          return publisher.publish(kind.type(), kind.data(), keyPrefix + i);
        });
  }

  /** {@code n} events, event {@code i} published by {@code publishOne}; as {@link #backlog}. */
  static Result backlog(
      EventPublisher publisher, long n, LongFunction<CompletableFuture<?>> publishOne) {
    Tracker tracker = new Tracker();
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) tracker.track(publishOne.apply(i));
    publisher.flush();
    return tracker.result(n, System.nanoTime() - start);
  }

  /**
   * Events at a steady rate for a while: event {@code i} is sent at {@code start + i / rate}, and a
   * publisher that fell behind catches up at once (so the rate holds on average).
   */
  static Result paced(
      EventPublisher publisher, Kind kind, double perSecond, Duration duration, String keyPrefix) {
    Tracker tracker = new Tracker();
    long n = Math.round(perSecond * duration.toNanos() / 1e9);
    double interval = 1e9 / perSecond;
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) {
      long due = start + (long) (i * interval);
      long wait = due - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      tracker.track(publisher.publish(kind.type(), kind.data(), keyPrefix + i));
    }
    publisher.flush();
    return tracker.result(n, System.nanoTime() - start);
  }

  private static final class Tracker {
    final AtomicLong failed = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>();

    void track(CompletableFuture<?> future) {
      var unused =
          future.whenComplete(
              (ok, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                  firstError.compareAndSet(null, String.valueOf(error.getMessage()));
                }
              });
    }

    Result result(long n, long elapsed) {
      return new Result(n, failed.get(), elapsed, firstError.get());
    }
  }
}
