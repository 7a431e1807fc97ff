package dev.hookline.store;

import java.time.Duration;

/**
 * Wakes the outbox relay when a transaction that wrote outbox rows commits (PostgreSQL
 * LISTEN/NOTIFY, fired by a trigger on the outbox), so a webhook change reaches Kafka within
 * milliseconds instead of at the next poll. Polling stays the fallback: a missed or lost
 * notification only costs latency. Used by one thread.
 */
public interface OutboxSignal extends AutoCloseable {
  /**
   * Waits up to {@code timeout} for outbox rows committed since the previous call. Returns true as
   * soon as there are some, false on timeout. Never throws: when the listening connection fails it
   * waits out the timeout and listens again on the next call.
   */
  boolean await(Duration timeout);

  @Override
  void close();
}
