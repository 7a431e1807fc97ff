package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.worker.ssrf.AddressPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpDelivererTest {
  private static final String MESSAGE_ID = "evt_1~00000000000000000000000000000001";

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final SigningSecrets SECRETS = new SigningSecrets(Fixtures.SECRET, null, null);

  private static HttpServer server;
  private static ExecutorService serverThreads;
  private static String base;
  private static HttpDeliverer deliverer;
  private static final CountDownLatch release = new CountDownLatch(1);
  private static final AtomicReference<Headers> lastHeaders = new AtomicReference<>();
  private static final AtomicReference<byte[]> lastBody = new AtomicReference<>();
  private static final AtomicInteger redirectTargetHits = new AtomicInteger();
  private static final AtomicLong bigBodyBytesWritten = new AtomicLong();

  @BeforeAll
  static void startReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext(
        "/ok",
        ex -> {
          lastHeaders.set(ex.getRequestHeaders());
          lastBody.set(ex.getRequestBody().readAllBytes());
          respond(ex, 200, "thanks");
        });
    server.createContext("/error", ex -> respond(ex, 500, "boom"));
    server.createContext("/gone", ex -> respond(ex, 410, "go away"));
    server.createContext(
        "/busy",
        ex -> {
          ex.getResponseHeaders().add("Retry-After", "120");
          respond(ex, 429, "slow down");
        });
    server.createContext(
        "/maintenance",
        ex -> {
          ex.getResponseHeaders().add("Retry-After", "Sat, 28 Nov 2026 12:01:30 GMT");
          respond(ex, 503, "back soon");
        });
    server.createContext(
        "/error-with-retry-after",
        ex -> {
          ex.getResponseHeaders().add("Retry-After", "120");
          respond(ex, 500, "boom");
        });
    server.createContext(
        "/redirect",
        ex -> {
          ex.getResponseHeaders().add("Location", base + "/redirect-target");
          respond(ex, 301, "moved");
        });
    server.createContext(
        "/redirect-target",
        ex -> {
          redirectTargetHits.incrementAndGet();
          respond(ex, 200, "should not be reached");
        });
    server.createContext(
        "/hang",
        ex -> {
          ex.getRequestBody().readAllBytes();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.createContext(
        "/drip",
        ex -> {
          // headers at once, then a byte every 200 ms: no single read times out, the whole does
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            while (release.getCount() > 0) {
              out.write('x');
              out.flush();
              release.await(200, TimeUnit.MILLISECONDS);
            }
          } catch (IOException | InterruptedException e) {
            // the client went away
          }
        });
    server.createContext(
        "/chunked",
        ex -> {
          // no length announced: the excerpt buffer has to grow
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            out.write("b".repeat(5_000).getBytes(StandardCharsets.UTF_8));
          }
        });
    server.createContext(
        "/exactly-the-limit",
        ex -> {
          ex.getRequestBody().readAllBytes();
          byte[] body =
              "c".repeat(ResponseReader.EXCERPT_LIMIT_BYTES).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/big",
        ex -> {
          ex.getRequestBody().readAllBytes();
          int size = 10 * 1024 * 1024;
          ex.sendResponseHeaders(200, size);
          byte[] chunk = new byte[64 * 1024];
          Arrays.fill(chunk, (byte) 'a');
          try (OutputStream out = ex.getResponseBody()) {
            for (int written = 0; written < size; written += chunk.length) {
              out.write(chunk);
              bigBodyBytesWritten.addAndGet(chunk.length);
            }
          } catch (IOException e) {
            // the client aborted after its excerpt, as it should
          }
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    deliverer =
        new HttpDeliverer(
            16,
            "Hookline/test",
            Clock.fixed(NOW, ZoneOffset.UTC),
            AddressPolicy.allowing(AddressPolicy.LOOPBACK_CIDRS));
  }

  @AfterAll
  static void stopReceiver() {
    release.countDown();
    deliverer.close();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Webhook hook(String path, int timeoutSeconds) {
    return Fixtures.webhook(
        UUID.randomUUID(),
        base + path,
        timeoutSeconds,
        null,
        Map.of("X-Team", "payments", "webhook-id", "spoofed", "Content-Length", "1"),
        true);
  }

  @Test
  void deliversSignedRequestWithStandardWebhooksHeaders() throws Exception {
    Event event = Fixtures.event();
    String messageId = EventIdentity.webhookId(event.source(), event.id());
    AttemptOutcome outcome = deliverer.deliver(hook("/ok", 15), SECRETS, event, messageId);

    assertThat(outcome).isInstanceOf(AttemptOutcome.Delivered.class);
    assertThat(outcome.statusCode()).isEqualTo(200);
    assertThat(outcome.responseExcerpt()).isEqualTo("thanks");
    assertThat(outcome.startedAt()).isEqualTo(NOW);
    Headers h = lastHeaders.get();
    assertThat(h.getFirst("content-type")).isEqualTo("application/json");
    assertThat(h.getFirst("user-agent")).isEqualTo("Hookline/test");
    assertThat(h.getFirst("x-team")).isEqualTo("payments");
    assertThat(h.get("webhook-id"))
        .as("custom headers cannot override ours")
        .containsExactly(messageId);
    assertThat(h.getFirst("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(lastBody.get()).isEqualTo(PayloadWriter.body(event));
    String expected =
        SignerTest.independentHmac(
            Fixtures.SECRET, messageId + "." + NOW.getEpochSecond() + ".", lastBody.get());
    assertThat(h.getFirst("webhook-signature")).isEqualTo("v1," + expected);
  }

  @Test
  void signsWithBothSecretsDuringRotation() {
    SigningSecrets rotating =
        new SigningSecrets(Fixtures.SECRET, "whsec_b2xkLXNlY3JldC1rZXk=", NOW.plusSeconds(3600));
    deliverer.deliver(hook("/ok", 15), rotating, Fixtures.event(), MESSAGE_ID);
    assertThat(lastHeaders.get().getFirst("webhook-signature").split(" "))
        .hasSize(2)
        .allMatch(s -> s.startsWith("v1,"));
  }

  @Test
  void serverErrorIsRetried() {
    AttemptOutcome outcome =
        deliverer.deliver(hook("/error", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(outcome).isInstanceOf(AttemptOutcome.Retry.class);
    assertThat(outcome.statusCode()).isEqualTo(500);
    assertThat(outcome.responseExcerpt()).isEqualTo("boom");
    assertThat(outcome.errorClass()).isEqualTo("http_status");
  }

  @Test
  void goneFailsAndAsksToDisableTheWebhook() {
    AttemptOutcome outcome =
        deliverer.deliver(hook("/gone", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(outcome)
        .isInstanceOfSatisfying(
            AttemptOutcome.Failed.class,
            f -> {
              assertThat(f.disableWebhook()).isTrue();
              assertThat(f.statusCode()).isEqualTo(410);
              assertThat(f.responseExcerpt()).isEqualTo("go away");
            });
  }

  @Test
  void redirectIsNotFollowed() {
    AttemptOutcome outcome =
        deliverer.deliver(hook("/redirect", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(outcome).isInstanceOf(AttemptOutcome.Retry.class);
    assertThat(outcome.statusCode()).isEqualTo(301);
    assertThat(redirectTargetHits).hasValue(0);
  }

  @Test
  void hangingReceiverTimesOut() {
    long start = System.nanoTime();
    AttemptOutcome outcome =
        deliverer.deliver(hook("/hang", 1), SECRETS, Fixtures.event(), MESSAGE_ID);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(AttemptOutcome.Retry.class);
    assertThat(outcome.statusCode()).isNull();
    assertThat(outcome.errorClass()).isEqualTo("timeout");
    assertThat(ms).isBetween(900L, 3_000L);
    assertThat(outcome.durationMs()).isBetween(900, 3_000);
  }

  @Test
  void dripFeedingReceiverIsCutAtTheOverallDeadline() {
    long start = System.nanoTime();
    AttemptOutcome outcome =
        deliverer.deliver(hook("/drip", 1), SECRETS, Fixtures.event(), MESSAGE_ID);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // the 200 arrived in time, so the receiver has the event: what it dripped so far is the excerpt
    assertThat(ms).isBetween(900L, 3_000L);
    assertThat(outcome).isInstanceOf(AttemptOutcome.Delivered.class);
    assertThat(outcome.responseExcerpt()).isNotEmpty().matches("x+");
  }

  @Test
  void hugeBodyIsCutAtTwentyKilobytesWithoutReadingItAll() {
    AttemptOutcome outcome =
        deliverer.deliver(hook("/big", 15), SECRETS, Fixtures.event(), MESSAGE_ID);

    assertThat(outcome).isInstanceOf(AttemptOutcome.Delivered.class);
    assertThat(outcome.responseExcerpt()).hasSize(ResponseReader.EXCERPT_LIMIT_BYTES).matches("a+");
    // the connection was dropped, so the receiver could not push all 10 MB (socket buffers aside)
    assertThat(bigBodyBytesWritten.get()).isLessThan(10L * 1024 * 1024);
  }

  @Test
  void aBodyOfUnannouncedLengthOrExactlyTheLimitIsKeptWhole() {
    AttemptOutcome chunked =
        deliverer.deliver(hook("/chunked", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    AttemptOutcome exact =
        deliverer.deliver(hook("/exactly-the-limit", 15), SECRETS, Fixtures.event(), MESSAGE_ID);

    assertThat(chunked).isInstanceOf(AttemptOutcome.Delivered.class);
    assertThat(chunked.responseExcerpt()).hasSize(5_000).matches("b+");
    assertThat(exact).isInstanceOf(AttemptOutcome.Delivered.class);
    assertThat(exact.responseExcerpt()).hasSize(ResponseReader.EXCERPT_LIMIT_BYTES).matches("c+");
  }

  @Test
  void refusedConnectionIsRetried() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Webhook webhook = Fixtures.webhook("http://127.0.0.1:" + closedPort + "/x");
    AttemptOutcome outcome = deliverer.deliver(webhook, SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(outcome).isInstanceOf(AttemptOutcome.Retry.class);
    assertThat(outcome.errorClass()).isEqualTo("connect");
    assertThat(outcome.errorMessage()).isNotBlank();
  }

  @Test
  void badUrlIsAnOutcomeNotAnException() {
    AttemptOutcome outcome =
        deliverer.deliver(Fixtures.webhook("not a url"), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(outcome).isInstanceOf(AttemptOutcome.Retry.class);
    assertThat(outcome.errorClass()).isEqualTo("invalid_request");
  }

  @Test
  void timeoutIsDefaultedAndCapped() {
    assertThat(
            HttpDeliverer.timeoutOf(
                Fixtures.webhook(UUID.randomUUID(), "http://x", 0, null, Map.of(), true)))
        .hasSeconds(15);
    assertThat(
            HttpDeliverer.timeoutOf(
                Fixtures.webhook(UUID.randomUUID(), "http://x", 90, null, Map.of(), true)))
        .hasSeconds(30);
    assertThat(
            HttpDeliverer.timeoutOf(
                Fixtures.webhook(UUID.randomUUID(), "http://x", 7, null, Map.of(), true)))
        .hasSeconds(7);
  }

  @Test
  void retryAfterOf429And503IsReadInSecondsOrAsADate() {
    AttemptOutcome busy =
        deliverer.deliver(hook("/busy", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(busy)
        .isInstanceOfSatisfying(
            AttemptOutcome.Retry.class,
            r -> {
              assertThat(r.statusCode()).isEqualTo(429);
              assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(120));
            });
    AttemptOutcome maintenance =
        deliverer.deliver(hook("/maintenance", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(maintenance)
        .isInstanceOfSatisfying(
            AttemptOutcome.Retry.class,
            r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(90)));
    AttemptOutcome error =
        deliverer.deliver(
            hook("/error-with-retry-after", 15), SECRETS, Fixtures.event(), MESSAGE_ID);
    assertThat(error)
        .isInstanceOfSatisfying(
            AttemptOutcome.Retry.class,
            r -> assertThat(r.retryAfter()).as("only 429 and 503 ask for a delay").isNull());
  }

  @Test
  void retryAfterParsing() {
    assertThat(ResponseReader.parseRetryAfter(" 5 ", NOW)).isEqualTo(Duration.ofSeconds(5));
    assertThat(ResponseReader.parseRetryAfter("Sat, 28 Nov 2026 11:00:00 GMT", NOW))
        .isEqualTo(Duration.ZERO);
    assertThat(ResponseReader.parseRetryAfter("soon", NOW)).isNull();
    assertThat(ResponseReader.parseRetryAfter("-3", NOW)).isNull();
    assertThat(ResponseReader.parseRetryAfter("99999999999999999", NOW))
        .isEqualTo(ResponseReader.MAX_RETRY_AFTER);
    assertThat(ResponseReader.parseRetryAfter("9".repeat(40), NOW))
        .isEqualTo(ResponseReader.MAX_RETRY_AFTER);
    assertThat(ResponseReader.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", NOW))
        .isEqualTo(ResponseReader.MAX_RETRY_AFTER);
    assertThat(ResponseReader.parseRetryAfter("\u0661\u0662", NOW))
        .as("digits, not ASCII")
        .isNull();
    assertThat(ResponseReader.parseRetryAfter("", NOW)).isNull();
  }

  @Test
  void aLoopbackTargetIsRefusedForGoodWhenLoopbackIsNotAllowListed() {
    try (HttpDeliverer strict =
        new HttpDeliverer(
            4,
            "Hookline/test",
            Clock.fixed(NOW, ZoneOffset.UTC),
            AddressPolicy.allowing(java.util.List.of("10.0.0.0/8")))) {
      AttemptOutcome outcome =
          strict.deliver(hook("/ok", 15), SECRETS, Fixtures.event(), MESSAGE_ID);

      assertThat(outcome)
          .isInstanceOfSatisfying(
              AttemptOutcome.Failed.class,
              f -> {
                assertThat(f.errorClass()).isEqualTo("ssrf_blocked");
                assertThat(f.errorMessage()).contains("127.0.0.1").contains("loopback");
                assertThat(f.disableWebhook()).isFalse();
                assertThat(f.statusCode()).isNull();
              });
    }
    assertThat(deliverer.deliver(hook("/ok", 15), SECRETS, Fixtures.event(), MESSAGE_ID))
        .as("allowed when allow-listed")
        .isInstanceOf(AttemptOutcome.Delivered.class);
  }

  @Test
  void aHostnameResolvingToLoopbackIsRefusedToo() {
    int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    Webhook byName =
        Fixtures.webhook(
            UUID.randomUUID(), "http://localhost:" + port + "/ok", 15, null, Map.of(), true);
    try (HttpDeliverer strict =
        new HttpDeliverer(
            4, "Hookline/test", Clock.fixed(NOW, ZoneOffset.UTC), AddressPolicy.strict())) {
      AttemptOutcome outcome = strict.deliver(byName, SECRETS, Fixtures.event(), MESSAGE_ID);

      assertThat(outcome.errorClass()).isEqualTo("ssrf_blocked");
      assertThat(outcome.errorMessage()).contains("localhost").contains("loopback");
    }
  }

  /**
   * What the client puts on the wire and how it treats a kept-alive connection, read from a bare
   * socket: one connection for consecutive attempts (each answer read to its end hands the
   * connection back to the pool), {@code Host} and {@code Content-Length} set, nothing the worker
   * does not use ({@code Expect}, {@code Accept-Encoding}, cookies).
   */
  @Test
  void consecutiveAttemptsShareOneKeptAliveConnection() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    java.util.List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HttpDeliverer client =
            new HttpDeliverer(
                4,
                "Hookline/test",
                Clock.fixed(NOW, ZoneOffset.UTC),
                AddressPolicy.allowing(AddressPolicy.LOOPBACK_CIDRS))) {
      Thread.ofVirtual()
          .start(
              () -> {
                while (!listener.isClosed()) {
                  try {
                    java.net.Socket socket = listener.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> answerEachRequest(socket, heads));
                  } catch (IOException e) {
                    return; // closed at the end of the test
                  }
                }
              });
      int port = listener.getLocalPort();
      Webhook webhook =
          Fixtures.webhook(
              UUID.randomUUID(), "http://127.0.0.1:" + port + "/in?a=1", 15, null, Map.of(), true);

      for (int i = 0; i < 3; i++) {
        AttemptOutcome outcome = client.deliver(webhook, SECRETS, Fixtures.event(), MESSAGE_ID);
        assertThat(outcome).isInstanceOf(AttemptOutcome.Delivered.class);
        assertThat(outcome.responseExcerpt()).isEqualTo("thanks");
      }

      assertThat(connections).hasValue(1);
      assertThat(heads).hasSize(3);
      String head = heads.get(0).toLowerCase(java.util.Locale.ROOT);
      assertThat(head).startsWith("post /in?a=1 http/1.1\r\n");
      assertThat(head).contains("\r\nhost: 127.0.0.1:" + port + "\r\n");
      assertThat(head).contains("\r\ncontent-length: ");
      assertThat(head).contains("\r\nuser-agent: hookline/test\r\n");
      assertThat(head).doesNotContain("expect:", "accept-encoding:", "cookie:", "authorization:");
    }
  }

  /** Reads requests (head, then a body of Content-Length bytes) and answers each 200 "thanks". */
  private static void answerEachRequest(java.net.Socket socket, java.util.List<String> heads) {
    try (socket) {
      java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
          head.append((char) b);
          if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) break;
        }
        if (b < 0) return;
        heads.add(head.toString());
        java.util.regex.Matcher length =
            java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nthanks"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client closed the connection
    }
  }
}
