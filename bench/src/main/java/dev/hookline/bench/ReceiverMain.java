package dev.hookline.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The benchmark's webhook receiver, run in a JVM of its own (the bench starts it with the same
 * java and class path) so that its CPU is accounted apart from the pipeline's. Loopback only.
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
 */
public final class ReceiverMain {
  private static final String CONTROL = "/_bench/";

  private final Map<String, GroupStats> groups = new ConcurrentHashMap<>();
  private final Map<String, long[]> behaviour = new ConcurrentHashMap<>(); // group -> {latencyMs, hangMs}
  private volatile long sinceMs;
  private volatile long epochSecond = System.currentTimeMillis() / 1000;

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    ReceiverMain receiver = new ReceiverMain();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    server.createContext("/", receiver::handle);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    System.out.println("PORT " + server.getAddress().getPort());
    System.out.flush();
    CountDownLatch parentGone = new CountDownLatch(1);
    Thread.ofPlatform().daemon().start(() -> {
      try {
        while (System.in.read() >= 0) {
          // nothing to read: the parent only closes stdin
        }
      } catch (IOException e) {
        // parent gone as well
      }
      parentGone.countDown();
    });
    parentGone.await();
    server.stop(0);
    System.exit(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith(CONTROL)) {
        control(exchange, path.substring(CONTROL.length()));
        return;
      }
      long arrivedMs = System.currentTimeMillis();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String group = groupOf(path);
      long eventMs = Timestamps.eventTimeMillis(body);
      if (eventMs < 0 || eventMs >= sinceMs) {
        groups.computeIfAbsent(group, g -> new GroupStats()).record(path, eventMs, arrivedMs, epochSecond);
      }
      long[] how = behaviour.get(group);
      if (how != null) {
        long delay = how[1] > 0 ? how[1] : how[0];
        if (delay > 0) {
          try {
            Thread.sleep(delay);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      exchange.sendResponseHeaders(200, -1);
    } catch (IOException e) {
      // the client gave up (e.g. its timeout on a hanging group): nothing to answer
    }
  }

  private void control(HttpExchange exchange, String command) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI());
    String answer;
    switch (command) {
      case "config" -> {
        behaviour.put(query.getOrDefault("group", ""), new long[] {
            Long.parseLong(query.getOrDefault("latencyMs", "0")), Long.parseLong(query.getOrDefault("hangMs", "0"))});
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
        answer = (stats == null ? new GroupStats() : stats).toJson(query.getOrDefault("group", ""), epochSecond);
      }
      default -> {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** {@code /tp1/0} -> {@code tp1}. */
  static String groupOf(String path) {
    int start = path.startsWith("/") ? 1 : 0;
    int end = path.indexOf('/', start);
    return end < 0 ? path.substring(start) : path.substring(start, end);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> result = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) return result;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) result.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return result;
  }
}
