package dev.hookline.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU ticks of our JVMs' JIT compiler threads and garbage collector threads, from {@code
 * /proc/<pid>/task}: how much of a figure was the JVMs warming up or collecting rather than the
 * pipeline's own work. Inside the per-part figures already (not added to them).
 */
final class JvmCompilerAndGc {
  static final String JIT = "jit";
  static final String GC = "gc";

  private JvmCompilerAndGc() {}

  /** Ticks (1/100 s) of "jit" and "gc" threads summed over the given JVM processes. */
  static Map<String, Long> ticks(Collection<Long> jvmPids) {
    Map<String, Long> ticks = new HashMap<>(Map.of(JIT, 0L, GC, 0L));
    for (long pid : jvmPids) {
      try (DirectoryStream<Path> tasks =
          Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
        for (Path task : tasks) {
          String kind = kindOf(read(task.resolve("comm")).strip());
          if (kind != null) ticks.merge(kind, cpuTicks(read(task.resolve("stat"))), Long::sum);
        }
      } catch (IOException | RuntimeException e) {
        // the process or thread ended meanwhile: its ticks are lost, a small error
      }
    }
    return ticks;
  }

  /** HotSpot's thread names, as Linux keeps them (15 characters). */
  static String kindOf(String comm) {
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) return JIT;
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) return GC;
    return null;
  }

  /** utime + stime of a {@code /proc/.../stat} line (fields 14 and 15, after the command). */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
