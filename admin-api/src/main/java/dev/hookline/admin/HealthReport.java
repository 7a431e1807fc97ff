package dev.hookline.admin;

import java.util.Map;

/**
 * What {@code GET /health} answers: 200 when {@code up}, 503 otherwise.
 *
 * @param checks per component state, e.g. {@code postgres -> up}, {@code kafka -> down: timeout}
 */
public record HealthReport(boolean up, Map<String, String> checks) {
  public HealthReport {
    checks = checks == null ? Map.of() : Map.copyOf(checks);
  }

  public static HealthReport up(Map<String, String> checks) {
    return new HealthReport(true, checks);
  }

  public static HealthReport down(Map<String, String> checks) {
    return new HealthReport(false, checks);
  }
}
