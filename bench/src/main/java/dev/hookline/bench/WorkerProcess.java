package dev.hookline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The bench's handle on one worker JVM ({@link WorkerMain}). */
final class WorkerProcess implements AutoCloseable {
  private final ChildJvm jvm;
  private final String id;

  private WorkerProcess(ChildJvm jvm, String id) {
    this.jvm = jvm;
    this.id = id;
  }

  /** Starts a worker and waits until it has started its consumer (joining the group follows). */
  static WorkerProcess start(
      String id,
      Stack stack,
      int maxInFlight,
      int consumers,
      Map<String, String> consumerProperties,
      String heap,
      List<String> extraJvmOptions,
      Path logDir) {
    List<String> options = new ArrayList<>(ChildJvm.roleOptions(System.getenv()));
    if (heap != null && !heap.isBlank()) options.add("-Xmx" + heap);
    options.addAll(extraJvmOptions);
    List<String> args =
        new ArrayList<>(
            List.of(
                stack.bootstrapServers(),
                stack.jdbcUrl(),
                stack.dbUser(),
                id,
                Integer.toString(maxInFlight),
                Integer.toString(consumers)));
    consumerProperties.forEach((key, value) -> args.add(key + "=" + value));
    ChildJvm jvm =
        ChildJvm.start(
            id,
            WorkerMain.class,
            options,
            args,
            Map.of(
                "HOOKLINE_SECRET_KEY",
                stack.secretKey(),
                "HOOKLINE_DB_PASSWORD",
                stack.dbPassword()),
            logDir.resolve(id + ".log"));
    try {
      jvm.awaitLine("READY", Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      jvm.stop(Duration.ofSeconds(1));
      throw e;
    }
    return new WorkerProcess(jvm, id);
  }

  String id() {
    return id;
  }

  long pid() {
    return jvm.pid();
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  WorkerStats stats() {
    jvm.send("stats");
    return WorkerStats.parse(jvm.awaitLine("STATS", Duration.ofSeconds(30)));
  }

  /**
   * Stops the worker (it finishes or releases what it holds) and returns its last figures, or null.
   */
  WorkerStats stop() {
    if (!jvm.isAlive()) return null;
    jvm.closeInput(); // the worker then stops by itself: 2 s grace for deliveries, then leaves the
    // group
    WorkerStats last = null;
    try {
      last = WorkerStats.parse(jvm.awaitLine("STATS", Duration.ofSeconds(60)));
    } catch (RuntimeException e) {
      // it died or hung; killed below
    }
    jvm.stop(Duration.ofSeconds(10));
    return last;
  }

  @Override
  public void close() {
    stop();
  }
}
