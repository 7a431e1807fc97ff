package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory, GC and CPU figures a child JVM of the bench ({@link WorkerMain}, {@link RouterMain})
 * reports.
 */
final class JvmFigures {
  private JvmFigures() {}

  /** Heap, resident memory, threads, uptime, CPU and GC counts of this JVM, now. */
  static ObjectNode now() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("heapUsedMb", mb(heap.getUsed()));
    json.put("heapCommittedMb", mb(heap.getCommitted()));
    json.put("heapMaxMb", mb(heap.getMax()));
    json.put("rssMb", procStatusKb("VmRSS") / 1024);
    // the kernel's own high-water mark of the resident set, since the JVM started
    json.put("rssHighWaterMb", procStatusKb("VmHWM") / 1024);
    json.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    json.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      json.put("cpuMs", os.getProcessCpuTime() / 1_000_000);
    }
    ArrayNode gcs = json.putArray("gc");
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs.addObject()
          .put("name", gc.getName())
          .put("count", gc.getCollectionCount())
          .put("timeMs", gc.getCollectionTime());
    }
    return json;
  }

  /** Runs {@code sample} every {@code everyMs} on a daemon thread, for the life of the JVM. */
  static void sampleEvery(String name, long everyMs, Runnable sample) {
    Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              while (true) {
                sample.run();
                try {
                  Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long mb(long bytes) {
    return bytes / (1024 * 1024);
  }

  /** A {@code kB} field of /proc/self/status (0 where there is none, e.g. not Linux). */
  static long procStatusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }
}
