package dev.hookline.app.faults;

import com.sun.net.httpserver.HttpServer;
import dev.hookline.schemas.EventIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A well-behaved webhook endpoint on a loopback port: answers 200 at once and remembers the {@code
 * webhook-id} of every request per path. It can go down (its port closed: connections refused) and
 * come back on the same port.
 */
final class HookReceiver implements AutoCloseable {
  /** eventId: the event id at the front of the request's webhook-id. */
  record Arrival(String path, String eventId, long nanos) {}

  private final int port;
  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private HttpServer server;
  private PortHold held;

  HookReceiver() {
    this.port = FaultStack.freePort();
    up();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Listens again on the same port. */
  synchronized void up() {
    if (server != null) return;
    if (held != null) held.close();
    held = null;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + port, e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          arrivals.add(
              new Arrival(
                  exchange.getRequestURI().getPath(),
                  EventIdentity.eventIdOf(exchange.getRequestHeaders().getFirst("webhook-id")),
                  System.nanoTime()));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  /** Closes the port and every open connection: the endpoint is down. */
  synchronized void down() {
    if (server == null) return;
    server.stop(0);
    server = null;
    held = PortHold.of(port);
  }

  List<Arrival> arrivals(String path) {
    return arrivals.stream().filter(a -> a.path().equals(path)).toList();
  }

  int count() {
    return arrivals.size();
  }

  /** The distinct event ids received on this path. */
  Set<String> eventIds(String path) {
    return arrivals.stream()
        .filter(a -> a.path().equals(path))
        .map(Arrival::eventId)
        .collect(Collectors.toSet());
  }

  /** Requests on this path that repeated an event id already received there. */
  int duplicates(String path) {
    return arrivals(path).size() - eventIds(path).size();
  }

  /** The first arrival time of each event id on this path. */
  Map<String, Long> firstArrivals(String path) {
    Map<String, Long> first = new HashMap<>();
    for (Arrival a : arrivals(path)) first.merge(a.eventId(), a.nanos(), Math::min);
    return first;
  }

  @Override
  public synchronized void close() {
    down();
    if (held != null) held.close(); // down() leaves the port held
    held = null;
  }
}
