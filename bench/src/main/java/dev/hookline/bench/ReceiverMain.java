package dev.hookline.bench;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's webhook receiver, run in a JVM of its own (the bench starts it with the same java
 * and class path) so that its CPU is accounted apart from the pipeline's. Loopback only.
 *
 * <p>Every {@code POST /<group>/<anything>} is counted in its group and answered 200, at once or
 * after the group's configured latency (or hang). The delay from the event's time (the body's
 * {@code timestamp}, which is the CloudEvents {@code ce_time}) to its arrival goes into the group's
 * HdrHistogram. The bench drives it over a small control API:
 *
 * <ul>
 *   <li>{@code POST /_bench/config?group=g&latencyMs=n&hangMs=n}: how group {@code g} answers
 *   <li>{@code POST /_bench/reset?sinceMs=t}: forget every count; from now on requests whose event
 *       time is before {@code t} (stragglers of earlier runs, routing probes) are ignored
 *   <li>{@code GET /_bench/stats?group=g}: the group's figures as JSON ({@link ReceiverStats})
 *   <li>{@code GET /_bench/count?group=g}: just the group's count
 * </ul>
 *
 * Prints {@code PORT <n>} on stdout once listening; ends when stdin closes (its parent is gone).
 * The HTTP server is {@link MiniHttpServer}: the JDK's own cost more CPU than the pipeline's parts
 * it was measuring.
 */
public final class ReceiverMain {
  private static final String CONTROL = "/_bench/";

  private final Map<String, GroupStats> groups = new ConcurrentHashMap<>();
  private final Map<String, long[]> behaviour =
      new ConcurrentHashMap<>(); // group -> {latencyMs, hangMs}
  private volatile long sinceMs;
  private volatile long epochSecond = System.currentTimeMillis() / 1000;

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    ReceiverMain receiver = new ReceiverMain();
    try (MiniHttpServer server = MiniHttpServer.start(port, receiver::handle)) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // nothing to read: the parent only closes stdin, when it is done or gone
      }
    }
    System.exit(0);
  }

  MiniHttpServer.Answer handle(String method, String target, byte[] body)
      throws InterruptedException {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    if (path.startsWith(CONTROL))
      return control(path.substring(CONTROL.length()), q < 0 ? null : target.substring(q + 1));
    long arrivedMs = System.currentTimeMillis();
    String group = groupOf(path);
    long eventMs = Timestamps.eventTimeMillis(body);
    if (eventMs < 0 || eventMs >= sinceMs) {
      groups
          .computeIfAbsent(group, g -> new GroupStats())
          .record(path, eventMs, arrivedMs, epochSecond);
    }
    long[] how = behaviour.get(group);
    if (how != null) {
      long delay = how[1] > 0 ? how[1] : how[0];
      if (delay > 0) Thread.sleep(delay);
    }
    return MiniHttpServer.Answer.OK;
  }

  private MiniHttpServer.Answer control(String command, String rawQuery) {
    Map<String, String> query = query(rawQuery);
    String answer;
    switch (command) {
      case "config" -> {
        behaviour.put(
            query.getOrDefault("group", ""),
            new long[] {
              Long.parseLong(query.getOrDefault("latencyMs", "0")),
              Long.parseLong(query.getOrDefault("hangMs", "0"))
            });
        answer = "{}";
      }
      case "reset" -> {
        groups.clear();
        sinceMs = Long.parseLong(query.getOrDefault("sinceMs", "0"));
        epochSecond = System.currentTimeMillis() / 1000;
        answer = "{}";
      }
      case "count" -> {
        GroupStats stats = groups.get(query.getOrDefault("group", ""));
        answer = Long.toString(stats == null ? 0 : stats.count());
      }
      case "stats" -> {
        GroupStats stats = groups.get(query.getOrDefault("group", ""));
        answer =
            (stats == null ? new GroupStats() : stats)
                .toJson(query.getOrDefault("group", ""), epochSecond);
      }
      default -> {
        return new MiniHttpServer.Answer(404, new byte[0]);
      }
    }
    return new MiniHttpServer.Answer(200, answer.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code /tp1/0} -> {@code tp1}. */
  static String groupOf(String path) {
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.indexOf('/', start);
    return end < 0 ? path.substring(start) : path.substring(start, end);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> result = new HashMap<>();
    if (raw == null) return result;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0)
        result.put(
            pair.substring(0, eq),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return result;
  }
}
