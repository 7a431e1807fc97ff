package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker JVM's memory and GC figures ({@link WorkerMain} prints them). GC counts are cumulative.
 */
record WorkerStats(
    long heapUsedPeakMb,
    long heapCommittedMb,
    long heapMaxMb,
    long rssMb,
    long rssPeakMb,
    long cpuMs,
    Map<String, long[]> gc) {

  static WorkerStats parse(String json) {
    JsonNode node = Json.fromBytes(json.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    Map<String, long[]> gc = new LinkedHashMap<>();
    for (JsonNode g : node.get("gc"))
      gc.put(
          g.get("name").asText(), new long[] {g.get("count").asLong(), g.get("timeMs").asLong()});
    return new WorkerStats(
        node.get("heapUsedPeakMb").asLong(),
        node.get("heapCommittedMb").asLong(),
        node.get("heapMaxMb").asLong(),
        node.get("rssMb").asLong(),
        node.get("rssPeakMb").asLong(),
        node.path("cpuMs").asLong(),
        gc);
  }

  /**
   * Whether a collector is the stop-the-world whole-heap kind: G1's and Parallel's full GCs,
   * Serial's mark-sweep-compact. Young and concurrent collections are not.
   */
  static boolean isFull(String collector) {
    return collector.contains("Old Generation")
        || collector.contains("MarkSweep")
        || collector.contains("Full");
  }

  /** Full collections between {@code before} and this snapshot. */
  long fullGcsSince(WorkerStats before) {
    long n = 0;
    for (var e : gc.entrySet()) {
      if (isFull(e.getKey()))
        n += e.getValue()[0] - before.gc.getOrDefault(e.getKey(), new long[2])[0];
    }
    return n;
  }

  long gcCountSince(WorkerStats before) {
    long n = 0;
    for (var e : gc.entrySet())
      n += e.getValue()[0] - before.gc.getOrDefault(e.getKey(), new long[2])[0];
    return n;
  }

  long gcTimeMsSince(WorkerStats before) {
    long n = 0;
    for (var e : gc.entrySet())
      n += e.getValue()[1] - before.gc.getOrDefault(e.getKey(), new long[2])[1];
    return n;
  }

  String collectors() {
    return String.join(", ", gc.keySet());
  }
}
