package dev.hookline.worker;

import dev.hookline.store.AttemptRecorder;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this worker takes tasks: not while PostgreSQL is down. Shared by the worker's consume
 * loops, so that with PostgreSQL gone every one of them stops until it answers again: taking and
 * releasing tasks at every poll of an outage would spend their share group delivery count (the
 * broker archives a task handed out too often) and send each one more time to its endpoint.
 */
final class StoreGate {
  private static final Logger log = LoggerFactory.getLogger(StoreGate.class);

  /** How often a paused loop asks PostgreSQL whether it is back. */
  static final Backoff PROBES = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));

  private final AttemptRecorder store;
  private volatile boolean down;

  StoreGate(AttemptRecorder store) {
    this.store = store;
  }

  boolean isDown() {
    return down;
  }

  /**
   * After a batch could not be recorded: closes the gate when PostgreSQL does not answer either (a
   * failed write while it answers is a conflict or a bug, which backs off one loop only).
   */
  void closeUnlessAnswering() {
    if (!answers()) down = true;
  }

  /** Opens the gate again when PostgreSQL answers. */
  void probe() {
    if (answers()) {
      if (down) log.info("PostgreSQL answers again: taking tasks");
      down = false;
    }
  }

  private boolean answers() {
    try {
      store.ping();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
