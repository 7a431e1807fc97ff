package dev.hookline.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook endpoint on a loopback port that answers from a script: queued answers first, then a
 * default one. An answer may carry headers and a delay (a hanging endpoint). Records each request
 * with the time it arrived.
 */
final class ScriptedReceiver implements AutoCloseable {
  record Answer(int status, Map<String, String> headers, Duration delay) {
    static Answer status(int status) {
      return new Answer(status, Map.of(), Duration.ZERO);
    }

    Answer header(String name, String value) {
      return new Answer(status, Map.of(name, value), delay);
    }

    Answer after(Duration wait) {
      return new Answer(status, headers, wait);
    }
  }

  record Request(String path, Map<String, List<String>> headers, String body, long arrivedNanos) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Answer otherwise = Answer.status(200);

  ScriptedReceiver() {
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
                  body,
                  System.nanoTime()));
          Answer answer = script.poll();
          if (answer == null) answer = otherwise;
          try {
            if (!answer.delay().isZero())
              closing.await(answer.delay().toMillis(), TimeUnit.MILLISECONDS);
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = ("answer " + answer.status()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  /** Answers the next requests with these, in order. */
  ScriptedReceiver then(Answer... answers) {
    script.addAll(List.of(answers));
    return this;
  }

  /** Answers every request beyond the script with this. */
  ScriptedReceiver otherwise(Answer answer) {
    otherwise = answer;
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
