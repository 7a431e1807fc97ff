package dev.hookline.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where workers publish the state of their in-memory circuit breakers, for {@code hookline status}.
 * Written on state changes only; a closed circuit has no row.
 */
public interface CircuitBreakerLog {
  /** The states a worker reports; {@code CLOSED} removes the worker's row for that webhook. */
  enum State {
    OPEN,
    HALF_OPEN,
    CLOSED
  }

  /**
   * One state change.
   *
   * @param openUntil when an open circuit lets its next probe through; null unless {@code OPEN}
   */
  record Change(UUID webhookId, State state, Instant openUntil, Instant at) {}

  /** An open or half-open circuit of one worker, with the webhook's name (null when unknown). */
  record OpenCircuit(
      UUID webhookId,
      String webhookName,
      String workerId,
      State state,
      Instant openUntil,
      Instant changedAt) {}

  /** Applies a worker's changes in order, in one transaction. */
  void record(String workerId, List<Change> changes);

  /**
   * Deletes the worker's rows (at its start and clean stop), and any row not changed for a day
   * (workers that died).
   */
  void forget(String workerId);

  /** Open and half-open circuits changed within {@code freshness}, newest first. */
  List<OpenCircuit> open(Duration freshness, int limit);
}
