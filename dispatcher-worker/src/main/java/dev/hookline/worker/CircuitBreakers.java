package dev.hookline.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One circuit breaker per webhook, in this worker's memory. Closed: every task goes out; after
 * {@code failures} consecutive failed attempts it opens. Open: tasks are deferred to the end of the
 * cool-down without spending an attempt. Then one task goes out as a probe (half-open): a success
 * closes the circuit, a failure opens it again for twice as long (up to the maximum); the tasks
 * that come while the probe is out wait one base cool-down at most. A probe whose outcome never
 * comes back (handed off, released) frees the way after the cool-down, so a circuit cannot stay
 * half-open forever.
 */
final class CircuitBreakers {
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int threshold;
  private final Duration cooldown;
  private final Backoff cooldowns;
  private final Listener transitions;
  private final Map<UUID, Breaker> breakers = new ConcurrentHashMap<>();

  /** Told of every state change, under the breaker's lock: must return at once. */
  @FunctionalInterface
  interface Listener {
    /**
     * @param openUntil when the next probe may go, for {@code OPEN}; null otherwise
     */
    void moved(UUID webhook, State to, Instant openUntil);
  }

  /**
   * @param transitions told of every state change (for metrics)
   */
  CircuitBreakers(
      int threshold, Duration cooldown, Duration maxCooldown, Consumer<State> transitions) {
    this(threshold, cooldown, maxCooldown, (webhook, to, until) -> transitions.accept(to));
  }

  CircuitBreakers(int threshold, Duration cooldown, Duration maxCooldown, Listener transitions) {
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.cooldowns = new Backoff(cooldown, maxCooldown);
    this.transitions = transitions;
  }

  /** Empty: go ahead (maybe as the probe). Else: defer the task to the returned instant. */
  Optional<Instant> admit(UUID webhook, Instant now) {
    Breaker b = breakers.get(webhook);
    if (b == null) return Optional.empty();
    synchronized (b) {
      switch (b.state) {
        case CLOSED -> {
          return Optional.empty();
        }
        case OPEN -> {
          if (now.isBefore(b.openUntil)) return Optional.of(b.openUntil);
          move(b, State.HALF_OPEN);
          b.probeUntil = now.plus(b.currentCooldown);
          return Optional.empty();
        }
        default -> {
          // Tasks behind the probe wait one base cool-down, not the current (doubled, up to the
          // maximum) one: the probe ends within its timeout, and once it closes the circuit the
          // backlog must follow soon, not after minutes more (seen after a 2-minute outage:
          // ReceiverDownIT).
          if (now.isBefore(b.probeUntil))
            return Optional.of(earliest(b.probeUntil, now.plus(cooldown)));
          b.probeUntil = now.plus(b.currentCooldown); // the last probe got lost: send another
          return Optional.empty();
        }
      }
    }
  }

  void onSuccess(UUID webhook) {
    Breaker b = breakers.get(webhook);
    if (b == null) return;
    synchronized (b) {
      if (b.state != State.CLOSED) move(b, State.CLOSED);
      b.failures = 0;
      b.currentCooldown = cooldown;
      breakers.remove(webhook, b); // healthy webhooks cost no memory
    }
  }

  void onFailure(UUID webhook, Instant now) {
    Breaker b = breakers.computeIfAbsent(webhook, id -> new Breaker(id, cooldown));
    synchronized (b) {
      switch (b.state) {
        case CLOSED -> {
          if (++b.failures >= threshold) open(b, now);
        }
        case HALF_OPEN -> {
          b.currentCooldown = cooldowns.next(b.currentCooldown);
          open(b, now);
        }
        case OPEN -> {} // an attempt admitted before the circuit opened
      }
      if (breakers.get(webhook) != b)
        breakers.putIfAbsent(webhook, b); // raced with a success's removal
    }
  }

  State state(UUID webhook) {
    Breaker b = breakers.get(webhook);
    if (b == null) return State.CLOSED;
    synchronized (b) {
      return b.state;
    }
  }

  long openCount() {
    return breakers.values().stream()
        .filter(
            b -> {
              synchronized (b) {
                return b.state != State.CLOSED;
              }
            })
        .count();
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void open(Breaker b, Instant now) {
    b.openUntil = now.plus(b.currentCooldown);
    move(b, State.OPEN);
  }

  private void move(Breaker b, State to) {
    b.state = to;
    transitions.moved(b.webhook, to, to == State.OPEN ? b.openUntil : null);
  }

  private static final class Breaker {
    final UUID webhook;
    State state = State.CLOSED;
    int failures;
    Duration currentCooldown;
    Instant openUntil = Instant.MIN;
    Instant probeUntil = Instant.MIN;

    Breaker(UUID webhook, Duration cooldown) {
      this.webhook = webhook;
      this.currentCooldown = cooldown;
    }
  }
}
