package dev.hookline.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU ticks of our JVMs' JIT compiler threads and garbage collector threads, from {@code
 * /proc/<pid>/task}: how much of a figure was the JVMs warming up or collecting rather than the
 * pipeline's own work. Inside the per-part figures already (not added to them).
 *
 * <p>Besides the totals ({@code jit}, {@code gc}) each JVM's role gets its own figures by thread
 * kind ({@code "workers c2"}, {@code "bench c1"}, ...): "the compilers are busy" said nothing about
 * whose compilers, nor whether C1 or C2. {@code vm} is HotSpot's VM Thread: safepoint operations,
 * and the whole collection under the serial collector, whose pauses run there.
 */
final class JvmCompilerAndGc {
  static final String JIT = "jit";
  static final String GC = "gc";
  static final String C1 = "c1";
  static final String C2 = "c2";
  static final String VM = "vm";

  /** The order of each role's figures. */
  static final List<String> KINDS = List.of(C1, C2, GC, VM);

  private JvmCompilerAndGc() {}

  /**
   * Ticks (1/100 s): {@code jit} and {@code gc} summed over the given JVM processes, then, per
   * role, {@code "<role> <kind>"} for each of {@link #KINDS}.
   */
  static Map<String, Long> ticks(Map<Long, String> jvmRoles) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    ticks.put(JIT, 0L);
    ticks.put(GC, 0L);
    for (Map.Entry<Long, String> jvm : jvmRoles.entrySet()) {
      String role = jvm.getValue();
      for (String kind : KINDS) ticks.putIfAbsent(role + " " + kind, 0L);
      try (DirectoryStream<Path> tasks =
          Files.newDirectoryStream(Path.of("/proc/" + jvm.getKey() + "/task"))) {
        for (Path task : tasks) {
          String kind = kindOf(read(task.resolve("comm")).strip());
          if (kind == null) continue;
          long t = cpuTicks(read(task.resolve("stat")));
          ticks.merge(role + " " + kind, t, Long::sum);
          if (kind.equals(C1) || kind.equals(C2)) ticks.merge(JIT, t, Long::sum);
          if (kind.equals(GC)) ticks.merge(GC, t, Long::sum);
        }
      } catch (IOException | RuntimeException e) {
        // the process or thread ended meanwhile: its ticks are lost, a small error
      }
    }
    return ticks;
  }

  /** HotSpot's thread names, as Linux keeps them (15 characters). */
  static String kindOf(String comm) {
    if (comm.startsWith("C1 CompilerThre")) return C1;
    if (comm.startsWith("C2 CompilerThre")) return C2;
    if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) return GC;
    if (comm.equals("VM Thread")) return VM;
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
