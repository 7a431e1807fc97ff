package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/events} is answered by {@link EventIngress}, in front of Javalin; the same
 * request with a trailing slash still goes through Javalin's route. Both must answer alike, every
 * bad input included: the same status, content type, problem and fields, nothing published.
 */
@ExtendWith(ApiFixtureExtension.class)
class EventIngressTest {
  private static final String JSON = "application/json";
  private static final String FAST = "/api/v1/events";
  private static final String JAVALIN = "/api/v1/events/";
  private final ApiFixture fixture;

  EventIngressTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  private static String valid() {
    return "{\"type\":\"payment_received\",\"data\":" + Deliveries.example() + "}";
  }

  record Case(String name, String contentType, String body, String token, Map<String, String> h) {}

  private static List<Case> cases(String tenantToken) {
    String t = ApiFixture.TOKEN;
    List<Case> c = new ArrayList<>();
    c.add(new Case("no token", JSON, valid(), null, Map.of()));
    c.add(new Case("wrong token", JSON, valid(), "nope", Map.of()));
    c.add(new Case("tenant token", JSON, valid(), tenantToken, Map.of()));
    c.add(new Case("no content type", null, valid(), t, Map.of()));
    c.add(new Case("text", "text/plain", valid(), t, Map.of()));
    c.add(new Case("unknown charset", JSON + "; charset=nope-9", valid(), t, Map.of()));
    c.add(new Case("empty", JSON, "", t, Map.of()));
    c.add(new Case("malformed", JSON, "{\"type\"", t, Map.of()));
    c.add(new Case("array", JSON, "[1]", t, Map.of()));
    c.add(new Case("unknown type", JSON, "{\"type\":\"nope\",\"data\":{}}", t, Map.of()));
    c.add(
        new Case(
            "unknown field",
            JSON,
            "{\"type\":\"payment_received\",\"data\":{},\"x\":1}",
            t,
            Map.of()));
    ObjectNode badEmail = (ObjectNode) Deliveries.example().deepCopy();
    badEmail.put("customer_user_email", "not an email");
    c.add(
        new Case(
            "schema",
            JSON,
            "{\"type\":\"payment_received\",\"data\":" + badEmail + "}",
            t,
            Map.of()));
    c.add(
        new Case(
            "NUL",
            JSON,
            "{\"type\":\"payment_received\",\"data\":{\"a\":\"\\u0000\"}}",
            t,
            Map.of()));
    c.add(new Case("bad key", JSON, valid(), t, Map.of("Idempotency-Key", "has space")));
    c.add(
        new Case(
            "too large",
            JSON,
            "{\"type\":\"payment_received\",\"data\":{\"a\":\"" + "x".repeat(300 * 1024) + "\"}}",
            t,
            Map.of()));
    return c;
  }

  @Test
  void everyBadInputIsAnsweredAsJavalinAnswersItAndPublishesNothing() {
    String tenantToken = createTenantToken();
    for (Case c : cases(tenantToken)) {
      long before = fixture.api.ingressAnswered();
      ApiFixture.Response fast =
          fixture.send("POST", FAST, c.contentType(), c.body(), c.token(), c.h());
      assertThat(fixture.api.ingressAnswered())
          .as(c.name() + ": answered by EventIngress")
          .isEqualTo(before + 1);
      ApiFixture.Response slow =
          fixture.send("POST", JAVALIN, c.contentType(), c.body(), c.token(), c.h());
      assertThat(fixture.api.ingressAnswered())
          .as(c.name() + ": left to Javalin")
          .isEqualTo(before + 1);
      assertThat(fast.status()).as(c.name()).isBetween(400, 499).isEqualTo(slow.status());
      assertThat(fast.contentType())
          .as(c.name())
          .isEqualTo(slow.contentType())
          .startsWith("application/problem+json");
      assertThat(fast.header("WWW-Authenticate"))
          .as(c.name())
          .isEqualTo(slow.header("WWW-Authenticate"));
      JsonNode f = fast.json();
      JsonNode s = slow.json();
      assertThat(f.get("instance").asText()).isEqualTo(FAST);
      ((ObjectNode) f).remove("instance");
      ((ObjectNode) s).remove("instance");
      assertThat(f).as(c.name()).isEqualTo(s);
    }
    assertThat(fixture.publishing.published).isEmpty();
  }

  @Test
  void aValidEventIsPublishedOnceAndAnsweredAsJavalinAnswersIt() {
    ApiFixture.Response fast = fixture.post(FAST, valid());
    ApiFixture.Response slow = fixture.post(JAVALIN, valid());
    assertThat(fast.status()).isEqualTo(202).isEqualTo(slow.status());
    assertThat(fast.contentType()).isEqualTo(JSON).isEqualTo(slow.contentType());
    assertThat(fixture.publishing.published).hasSize(2);
    assertThat(fast.json().get("id").asText()).isEqualTo(fixture.publishing.published.get(0).id());
    assertThat(fixture.publishing.published.get(0).data()).isEqualTo(Deliveries.example());
    assertThat(fixture.api.ingressAnswered()).isEqualTo(1);
    // the request timer of Javalin's routes, for this one too
    assertThat(fixture.get("/metrics").body())
        .contains(
            "hookline_admin_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/events\",status=\"202\"} 2");
  }

  @Test
  void anIdempotentRetryIsMarkedReplayed() {
    Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
    ApiFixture.Response first = fixture.send("POST", FAST, JSON, valid(), ApiFixture.TOKEN, key);
    ApiFixture.Response again = fixture.send("POST", FAST, JSON, valid(), ApiFixture.TOKEN, key);
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(fixture.publishing.published).hasSize(1);
  }

  @Test
  void aPublisherFailureIsA503AndAnUnexpectedOneA500ProblemNeverAnEmptyAnswer() {
    fixture.publishing.failure = new java.io.IOException("kafka down");
    ApiFixture.Response down = fixture.post(FAST, valid());
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.contentType()).startsWith("application/problem+json");
    fixture.publishing.failure = new IllegalArgumentException("no such partition key");
    ApiFixture.Response refused = fixture.post(FAST, valid());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().at("/errors/0/field").asText()).isEqualTo("data");
    assertThat(fixture.publishing.published).isEmpty();
  }

  /**
   * Kafka completes a publication on its producer's thread, later: the answers are the same as when
   * it completes at once.
   */
  @Test
  void aPublicationCompletedLaterOnAnotherThreadIsAnsweredTheSame() {
    fixture.publishing.completeOn =
        CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
    ApiFixture.Response accepted = fixture.post(FAST, valid());
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.contentType()).isEqualTo(JSON);
    assertThat(accepted.json().get("id").asText())
        .isEqualTo(fixture.publishing.published.get(0).id());
    assertThat(fixture.get("/metrics").body())
        .contains(
            "hookline_admin_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/events\",status=\"202\"} 1");

    fixture.publishing.failure = new java.io.IOException("kafka down");
    ApiFixture.Response down = fixture.post(FAST, valid());
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.contentType()).startsWith("application/problem+json");
    assertThat(down.json().get("status").asInt()).isEqualTo(503);

    fixture.publishing.failure = new IllegalArgumentException("no such partition key");
    ApiFixture.Response refused = fixture.post(FAST, valid());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().at("/errors/0/field").asText()).isEqualTo("data");
    assertThat(refused.json().at("/errors/0/message").asText()).isEqualTo("no such partition key");

    fixture.publishing.failure = null;
    Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
    ApiFixture.Response first = fixture.send("POST", FAST, JSON, valid(), ApiFixture.TOKEN, key);
    ApiFixture.Response again = fixture.send("POST", FAST, JSON, valid(), ApiFixture.TOKEN, key);
    assertThat(first.status()).isEqualTo(202);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(fixture.publishing.published).hasSize(2);
    assertThat(fixture.api.ingressAnswered()).isEqualTo(5);
  }

  @Test
  void aRefusalSentBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
    // Refused on its headers alone, the body not yet read: the server cannot keep the connection,
    // and must say so, or a keep-alive client sends its next request into a closing socket.
    for (String path : List.of(FAST, JAVALIN)) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.api.port())) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                ("POST "
                        + path
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String head = readHead(socket.getInputStream());
        assertThat(head).as(path).startsWith("HTTP/1.1 401");
        assertThat(head.toLowerCase(java.util.Locale.ROOT))
            .as(path)
            .contains("\r\nconnection: close\r\n");
      }
    }
  }

  private static String readHead(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) break;
      head.append((char) b);
    }
    return head.toString();
  }

  private String createTenantToken() {
    assertThat(fixture.post("/api/v1/tenants", "{\"id\":\"acme\",\"name\":\"Acme\"}").status())
        .isEqualTo(201);
    return fixture.tenants.createToken("acme").orElseThrow().secret();
  }
}
