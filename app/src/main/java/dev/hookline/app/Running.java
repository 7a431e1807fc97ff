package dev.hookline.app;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a process started, closed in reverse order of start. */
final class Running implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Running.class);
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  <T extends AutoCloseable> T add(T component) {
    started.push(component);
    return component;
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", component.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
