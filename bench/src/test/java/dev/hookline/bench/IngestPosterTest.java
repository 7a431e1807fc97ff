package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IngestPosterTest {
  private static IngestPoster.Answer read(String wire) throws IOException {
    return IngestPoster.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void readsAnAnswerWithAContentLengthAndLeavesTheNextOneOnTheStream() throws IOException {
    var in =
        new ByteArrayInputStream(
            ("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                    + "{\"id\":1}"
                    + "HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\nno")
                .getBytes(StandardCharsets.US_ASCII));
    IngestPoster.Answer first = IngestPoster.read(in);
    assertThat(first.status()).isEqualTo(202);
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
    assertThat(first.close()).isFalse();
    IngestPoster.Answer second = IngestPoster.read(in);
    assertThat(second.status()).isEqualTo(400);
    assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("no");
  }

  @Test
  void readsAChunkedAnswerAndAConnectionClose() throws IOException {
    IngestPoster.Answer a =
        read(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\n{\"acc\r\n9;x=y\r\nepted\":3}\r\n0\r\n\r\n");
    assertThat(a.status()).isEqualTo(200);
    assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("{\"accepted\":3}");
    assertThat(a.close()).isTrue();
  }

  @Test
  void refusesWhatIsNotAnHttpAnswer() {
    assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n\r\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void postsOverKeepAliveConnectionsAndCountsOnlyTheExpectedAnswers() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger seen = new AtomicInteger();
    Set<Object> connections = ConcurrentHashMap.newKeySet();
    server.createContext(
        "/api/v1/events",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          connections.add(exchange.getRemoteAddress());
          boolean ok =
              "Bearer t0k".equals(exchange.getRequestHeaders().getFirst("Authorization"))
                  && "{\"type\":\"x\"}".equals(new String(body, StandardCharsets.UTF_8));
          // every fifth request refused, to see it counted as failed
          int n = seen.incrementAndGet();
          byte[] answer = (ok && n % 5 != 0 ? "{\"id\":\"a\"}" : "{\"title\":\"no\"}").getBytes();
          exchange.sendResponseHeaders(ok && n % 5 != 0 ? 202 : 400, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/events");
      IngestPoster.Result r =
          IngestPoster.post(
              uri,
              "t0k",
              "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8),
              false,
              100,
              4,
              60_000_000_000L);
      assertThat(r.requests()).isEqualTo(100);
      assertThat(r.events()).isEqualTo(80);
      assertThat(r.failedRequests()).isEqualTo(20);
      assertThat(r.firstError()).startsWith("400 ");
      assertThat(seen.get()).isEqualTo(100);
      assertThat(connections).hasSizeLessThanOrEqualTo(4); // kept alive, not one per request
    } finally {
      server.stop(0);
    }
  }
}
