package dev.hookline.app;

import com.sun.net.httpserver.HttpServer;
import dev.hookline.schemas.EventIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A webhook endpoint on a loopback port that records what it receives and answers a set status. */
final class Receiver implements AutoCloseable {
  record Request(String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);

  Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Request(
                  exchange.getRequestURI().getPath(),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          byte[] answer = "thanks".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> received() {
    return List.copyOf(received);
  }

  /**
   * The requests that carried an event of this id (its id begins their webhook-id), in arrival
   * order.
   */
  List<Request> receivedFor(String eventId) {
    return received.stream()
        .filter(r -> EventIdentity.isWebhookIdOf(r.header("webhook-id"), eventId))
        .toList();
  }

  void answer(int statusCode) {
    status.set(statusCode);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
