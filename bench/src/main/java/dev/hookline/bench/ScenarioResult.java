package dev.hookline.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scenario came to.
 *
 * @param name short id, e.g. {@code throughput-1}
 * @param headline the figure that matters, as a phrase, e.g. "8,120 deliveries/s sustained"
 * @param target the target, or null where there is none
 * @param figures every measured figure, by name (numbers, or strings)
 * @param cpuCores cores used per part of the stack while it ran ({@link CpuMeter})
 * @param bound what limited the figure, as far as the bench can tell
 */
record ScenarioResult(
    String name,
    String title,
    String headline,
    String target,
    Verdict verdict,
    Map<String, Object> figures,
    Map<String, Double> cpuCores,
    String bound) {

  enum Verdict {
    PASS,
    FAIL,
    INFO,
    ERROR
  }

  ScenarioResult {
    figures = new LinkedHashMap<>(figures);
    cpuCores = cpuCores == null ? Map.of() : new LinkedHashMap<>(cpuCores);
  }

  static ScenarioResult error(String name, String title, Exception e) {
    return new ScenarioResult(
        name,
        title,
        "error: " + e.getMessage(),
        null,
        Verdict.ERROR,
        Map.of("error", String.valueOf(e)),
        Map.of(),
        "");
  }

  /** The one line printed per scenario. */
  String summaryLine() {
    return String.format(
        "%-14s %-6s %s%s",
        name, verdict, headline, target == null ? "" : "  (target " + target + ")");
  }
}
