package dev.hookline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the CPU went during a scenario, in cores (CPU seconds per wall second), per part of the
 * co-located stack: the broker, the router and the publisher share the bench JVM and are told apart
 * by thread ("bench-jvm" is its GC, JIT and VM time, which no thread shows); the workers, the
 * receiver and PostgreSQL are processes of their own. "other" is the rest of the machine's busy
 * time: other people's work on a shared machine.
 */
final class CpuMeter {
  /** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every common kernel. */
  private static final double TICKS_PER_SECOND = 100.0;

  record Snapshot(
      long wallNanos,
      Map<Long, Long> processNanos,
      Map<String, Long> threadNanos,
      long machineBusyTicks,
      Map<String, Long> jitAndGcTicks) {}

  private final Supplier<Map<Long, String>> processes; // pid -> role, asked at each snapshot

  CpuMeter(Supplier<Map<Long, String>> processes) {
    this.processes = processes;
  }

  Snapshot snapshot() {
    Map<Long, Long> byPid = new HashMap<>();
    for (Map.Entry<Long, String> p : processes.get().entrySet()) {
      ProcessHandle.of(p.getKey()).ifPresent(h -> byPid.put(p.getKey(), cpu(h)));
      if (p.getValue().equals("postgres")) {
        ProcessHandle.of(p.getKey())
            .ifPresent(h -> h.descendants().forEach(d -> byPid.put(d.pid(), cpu(d))));
      }
    }
    Map<Long, String> jvms = new HashMap<>(processes.get());
    jvms.values().removeIf("postgres"::equals);
    return new Snapshot(
        System.nanoTime(), byPid, threads(), machineBusyTicks(), JvmCompilerAndGc.ticks(jvms));
  }

  /** Cores used by each part between two snapshots, largest first, and the machine's total. */
  Map<String, Double> cores(Snapshot before, Snapshot after) {
    double wall = Math.max(1, after.wallNanos() - before.wallNanos());
    Map<Long, String> roles = processes.get();
    Map<String, Double> result = new LinkedHashMap<>();
    long benchJvm = ProcessHandle.current().pid();
    double ours = 0;
    for (Map.Entry<Long, Long> p : after.processNanos().entrySet()) {
      if (p.getKey() == benchJvm) continue;
      // a process started meanwhile (a router JVM, a worker) used all of its CPU in the interval
      long was = before.processNanos().getOrDefault(p.getKey(), 0L);
      String role = roles.getOrDefault(p.getKey(), "postgres"); // the postmaster's children
      double cores = (p.getValue() - was) / wall;
      result.merge(role, cores, Double::sum);
      ours += cores;
    }
    Long jvmBefore = before.processNanos().get(benchJvm);
    Long jvmAfter = after.processNanos().get(benchJvm);
    if (jvmBefore != null && jvmAfter != null) {
      double jvm = (jvmAfter - jvmBefore) / wall;
      Map<String, Double> parts = new HashMap<>();
      for (Map.Entry<String, Long> t : after.threadNanos().entrySet()) {
        parts.put(
            t.getKey(), (t.getValue() - before.threadNanos().getOrDefault(t.getKey(), 0L)) / wall);
      }
      double named = 0;
      for (String part : List.of("router", "publisher", "broker", "raw-client")) {
        double v = Math.max(0, parts.getOrDefault(part, 0.0));
        // merged: a router JVM of its own (the fan-out over tenants) is counted as the router too
        if (v > 0 || !part.equals("raw-client")) result.merge(part, v, Double::sum);
        named += v;
      }
      // what no Java thread accounts for: GC, JIT compilers, the VM itself
      result.put("bench-jvm", Math.max(0, jvm - named));
      ours += jvm;
    }
    double machine =
        (after.machineBusyTicks() - before.machineBusyTicks()) / TICKS_PER_SECOND / (wall / 1e9);
    if (machine > 0) {
      result.put("other", Math.max(0, machine - ours));
      result.put("machine", machine);
    }
    Map<String, Double> rounded = new LinkedHashMap<>();
    result.entrySet().stream()
        .sorted(
            (a, b) ->
                a.getKey().equals("machine")
                    ? 1
                    : b.getKey().equals("machine")
                        ? -1
                        : Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> rounded.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
    return rounded;
  }

  /**
   * Cores our JVMs' JIT compilers and garbage collectors used between two snapshots ("jit", "gc",
   * then each role's by thread kind, see {@link JvmCompilerAndGc#ticks}): already inside the parts
   * of {@link #cores}, shown apart to tell warming up from working. Three decimals: a role's
   * compiler at 0.004 cores is still 1 µs per delivery at 4,000 deliveries/s.
   */
  static Map<String, Double> jitAndGcCores(Snapshot before, Snapshot after) {
    double seconds = Math.max(1, after.wallNanos() - before.wallNanos()) / 1e9;
    Map<String, Double> cores = new LinkedHashMap<>();
    for (Map.Entry<String, Long> kind : after.jitAndGcTicks().entrySet()) {
      long ticks = kind.getValue() - before.jitAndGcTicks().getOrDefault(kind.getKey(), 0L);
      cores.put(
          kind.getKey(),
          Math.round(Math.max(0, ticks) / TICKS_PER_SECOND / seconds * 1000) / 1000.0);
    }
    return cores;
  }

  static String format(Map<String, Double> cores) {
    StringBuilder s = new StringBuilder();
    cores.forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
    return s.toString();
  }

  private static long cpu(ProcessHandle h) {
    return h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** CPU of the bench JVM's threads by part (threads that ended meanwhile are lost: small). */
  private static Map<String, Long> threads() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> parts = new HashMap<>();
    long[] ids = mx.getAllThreadIds();
    ThreadInfo[] infos = mx.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) continue;
      long cpu = mx.getThreadCpuTime(ids[i]);
      if (cpu < 0) continue;
      parts.merge(partOf(infos[i].getThreadName()), cpu, Long::sum);
    }
    parts.merge("raw-client", ENDED_CLIENT_NANOS.sum(), Long::sum);
    return parts;
  }

  /**
   * CPU of the load generator's threads that ended (the ingest scenario's client threads end with
   * their run): a thread's own CPU is gone from {@link ThreadMXBean} once it ends.
   */
  static final java.util.concurrent.atomic.LongAdder ENDED_CLIENT_NANOS =
      new java.util.concurrent.atomic.LongAdder();

  /** Names the bench's load-generating platform threads start with (counted as raw-client). */
  static final String CLIENT_THREAD_PREFIX = "bench-http-client-";

  static String partOf(String thread) {
    if (thread.contains("StreamThread"))
      return "router"; // stream threads and their producers/consumers
    if (thread.contains("hookline-producer") || thread.startsWith("bench-driver"))
      return "publisher";
    // carriers of virtual threads: in the bench JVM only the raw-ceiling client uses them
    if (thread.startsWith("ForkJoinPool-") || thread.startsWith(CLIENT_THREAD_PREFIX))
      return "raw-client";
    return "broker"; // the broker's threads, and the few small ones of the bench (relay, admin
    // client)
  }

  private static long machineBusyTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      // user nice system idle iowait irq softirq steal
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7])
          + (f.length > 8 ? Long.parseLong(f[8]) : 0);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
