package dev.hookline.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process started, closed in reverse order of start: what serves requests first, what the
 * rest relies on (Kafka, PostgreSQL) last.
 */
final class Running implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Running.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private boolean closed;

  /** Once closed (the process is stopping while it starts), a component is closed at once. */
  synchronized <T extends AutoCloseable> T add(T component) {
    if (closed) {
      close(component);
    } else {
      started.push(component);
    }
    return component;
  }

  @Override
  public synchronized void close() {
    closed = true;
    while (!started.isEmpty()) close(started.pop());
  }

  private static void close(AutoCloseable component) {
    try {
      component.close();
    } catch (Exception e) {
      LOG.warn("error while stopping {}: {}", component.getClass().getSimpleName(), e.toString());
    }
  }
}
