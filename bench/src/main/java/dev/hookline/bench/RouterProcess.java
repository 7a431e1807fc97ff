package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The bench's handle on a router JVM ({@link RouterMain}). */
final class RouterProcess implements AutoCloseable {
  private final ChildJvm jvm;
  private final long launchedAtMs;

  private RouterProcess(ChildJvm jvm, long launchedAtMs) {
    this.jvm = jvm;
    this.launchedAtMs = launchedAtMs;
  }

  /**
   * Starts a router on {@code stateDir} and returns once Kafka Streams was started (the routes load
   * after that: see {@link Stats#runningAtMs}).
   *
   * @param heap its -Xmx, or null for the JVM's default (a quarter of the machine's memory), as
   *     {@code hookline router} runs without HOOKLINE_JAVA_OPTS
   */
  static RouterProcess start(
      String name, Stack stack, Path stateDir, String heap, List<String> extra, Path logDir) {
    List<String> options = new ArrayList<>(ChildJvm.roleOptions(System.getenv()));
    if (heap != null && !heap.isBlank()) options.add("-Xmx" + heap);
    options.addAll(extra);
    long launched = System.currentTimeMillis();
    ChildJvm jvm =
        ChildJvm.start(
            name,
            RouterMain.class,
            options,
            List.of(stack.bootstrapServers(), stateDir.toString()),
            Map.of(),
            logDir.resolve(name + ".log"));
    try {
      jvm.awaitLine("READY", Duration.ofMinutes(10));
    } catch (RuntimeException e) {
      jvm.stop(Duration.ofSeconds(1));
      throw e;
    }
    return new RouterProcess(jvm, launched);
  }

  long pid() {
    return jvm.pid();
  }

  /** When the bench started the JVM (epoch ms). */
  long launchedAtMs() {
    return launchedAtMs;
  }

  Stats stats() {
    jvm.send("stats");
    return Stats.parse(jvm.awaitLine("STATS", Duration.ofSeconds(30)));
  }

  /** The figures after a full collection: the heap it keeps live. */
  Stats statsAfterGc() {
    jvm.send("gc");
    return Stats.parse(jvm.awaitLine("STATS", Duration.ofSeconds(60)));
  }

  @Override
  public void close() {
    jvm.stop(Duration.ofSeconds(60));
  }

  /** What {@link RouterMain} prints. Times are epoch ms, 0 for not yet. */
  record Stats(
      double events,
      double tasks,
      String state,
      long runningAtMs,
      long firstRoutedAtMs,
      long heapUsedMb,
      long heapUsedPeakMb,
      long heapCommittedMb,
      long heapMaxMb,
      long rssMb,
      long rssHighWaterMb,
      long cpuMs) {
    static Stats parse(String json) {
      JsonNode n = Json.fromBytes(json.getBytes(StandardCharsets.UTF_8), JsonNode.class);
      return new Stats(
          n.get("events").asDouble(),
          n.get("tasks").asDouble(),
          n.get("state").asText(),
          n.get("runningAtMs").asLong(),
          n.get("firstRoutedAtMs").asLong(),
          n.get("heapUsedMb").asLong(),
          n.get("heapUsedPeakMb").asLong(),
          n.get("heapCommittedMb").asLong(),
          n.get("heapMaxMb").asLong(),
          n.get("rssMb").asLong(),
          n.get("rssHighWaterMb").asLong(),
          n.path("cpuMs").asLong());
    }
  }
}
