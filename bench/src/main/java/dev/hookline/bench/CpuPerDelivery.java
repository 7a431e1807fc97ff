package dev.hookline.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU per delivery, in microseconds: cores busy × 10⁶ ÷ deliveries per second. On a shared machine
 * it is steadier than a rate (issue 20 judges the pipeline by it): a run slowed by other people's
 * work delivers fewer per second, but each delivery costs about the same.
 */
final class CpuPerDelivery {
  private CpuPerDelivery() {}

  /**
   * Microseconds of CPU per delivery for each part of {@link CpuMeter#cores} (workers, postgres,
   * ..., other, machine), in the same order, and {@code hookline}: the machine less {@code other}
   * (what the stack itself spent). Empty when nothing was delivered or the machine was not read.
   */
  static Map<String, Long> micros(Map<String, Double> cores, double deliveriesPerSecond) {
    Map<String, Long> micros = new LinkedHashMap<>();
    if (!(deliveriesPerSecond > 0) || !cores.containsKey("machine")) return micros;
    cores.forEach((part, c) -> micros.put(part, Math.round(c * 1e6 / deliveriesPerSecond)));
    double ours = cores.get("machine") - cores.getOrDefault("other", 0.0);
    micros.put("hookline", Math.round(Math.max(0, ours) * 1e6 / deliveriesPerSecond));
    return micros;
  }

  /** Microseconds per delivery of each entry of {@code cores} as it is (no totals added). */
  static Map<String, Long> each(Map<String, Double> cores, double deliveriesPerSecond) {
    Map<String, Long> micros = new LinkedHashMap<>();
    if (!(deliveriesPerSecond > 0)) return micros;
    cores.forEach((part, c) -> micros.put(part, Math.round(c * 1e6 / deliveriesPerSecond)));
    return micros;
  }

  /** The machine's figure, or -1 when there is none. */
  static long machine(Map<String, Long> micros) {
    return micros.getOrDefault("machine", -1L);
  }

  /** "1,009 µs of machine CPU per delivery (workers 345)", or "" when there is no figure. */
  static String phrase(Map<String, Long> micros) {
    if (!micros.containsKey("machine")) return "";
    String workers =
        micros.containsKey("workers") ? String.format(" (workers %,d)", micros.get("workers")) : "";
    return String.format("%,d µs of machine CPU per delivery%s", micros.get("machine"), workers);
  }
}
