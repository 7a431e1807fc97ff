package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end, on a real Kafka broker and a real PostgreSQL: create a webhook
 * over HTTP, publish an event with the CLI, and the endpoint receives it signed, and the attempt is
 * in the delivery log.
 */
class HappyPathIT {
  private static TestStack stack;
  private static Receiver receiver;

  @BeforeAll
  static void start() {
    stack = TestStack.get();
    receiver = new Receiver();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @Test
  void theSignatureCheckUsedHereMatchesTheSpecTestVector() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assertThat(
            StandardWebhooksVerifier.expectedSignature(
                secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "{\"test\": 2432232314}"))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void anEventPublishedFromTheCommandLineArrivesSignedAndIsRecorded() throws Exception {
    // 1. The admin creates a webhook: Name, URL, Event.
    JsonNode created =
        call(
            "POST",
            "/webhooks",
            """
        {"name": "Zapier Integration", "url": "%s", "events": ["payment_received"]}"""
                .formatted(receiver.url("/hooks/zapier")),
            201);
    String webhookId = created.get("id").asText();
    String secret = created.get("secret").asText();
    assertThat(secret).startsWith("whsec_");
    stack.awaitRouted("payment_received", receiver);

    // 2. A platform team publishes an event with the CLI.
    JsonNode example =
        dev.hookline.schemas.EventCatalog.load().find("payment_received").orElseThrow().example();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env =
        Map.of(
            "HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", stack.config.kafkaBootstrapServers(),
            "HOOKLINE_DATA_DIR", stack.config.dataDir().toString());
    int exit =
        Main.run(
            List.of("publish", "payment_received", "--data", Json.toString(example)),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String eventId = out.toString(StandardCharsets.UTF_8).split(" ")[1];
    assertThat(eventId).startsWith("evt_");

    // 3. The endpoint receives it, signed per Standard Webhooks.
    await().atMost(Duration.ofSeconds(90)).until(() -> !receiver.receivedFor(eventId).isEmpty());
    Receiver.Request request = receiver.receivedFor(eventId).get(0);
    assertThat(request.path()).isEqualTo("/hooks/zapier");
    assertThat(request.header("content-type")).startsWith("application/json");
    assertThat(request.header("user-agent")).startsWith("Hookline/");
    assertThat(EventIdentity.eventIdOf(request.header("webhook-id"))).isEqualTo(eventId);
    long timestamp = Long.parseLong(request.header("webhook-timestamp"));
    assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(120);
    assertThat(
            StandardWebhooksVerifier.verifies(
                secret,
                request.header("webhook-id"),
                request.header("webhook-timestamp"),
                request.body(),
                request.header("webhook-signature")))
        .as("signature %s", request.header("webhook-signature"))
        .isTrue();
    JsonNode body = Json.MAPPER.readTree(request.body());
    assertThat(body.get("type").asText()).isEqualTo("payment_received");
    assertThat(Instant.parse(body.get("timestamp").asText()))
        .isBefore(Instant.now().plusSeconds(1));
    assertThat(body.get("data")).isEqualTo(example);

    // 4. The attempt is in the delivery log.
    JsonNode log =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> call("GET", "/webhooks/" + webhookId + "/deliveries", null, 200),
                page ->
                    deliveryOf(page, eventId) != null
                        && "succeeded".equals(deliveryOf(page, eventId).get("status").asText()));
    JsonNode delivery = deliveryOf(log, eventId);
    assertThat(delivery.get("eventId").asText()).isEqualTo(eventId);
    assertThat(delivery.get("eventType").asText()).isEqualTo("payment_received");
    JsonNode detail = call("GET", "/deliveries/" + delivery.get("id").asText(), null, 200);
    assertThat(detail.get("attempts")).hasSize(1);
    JsonNode attempt = detail.get("attempts").get(0);
    assertThat(attempt.get("statusCode").asInt()).isEqualTo(200);
    assertThat(attempt.get("trigger").asText()).isEqualTo("event");
    assertThat(attempt.get("responseExcerpt").asText()).isEqualTo("thanks");
    assertThat(detail.get("payload")).isEqualTo(example);
    assertThat(receiver.receivedFor(eventId)).as("delivered once").hasSize(1);

    // 5. Ops see it in the metrics, with the share group's lag read from the broker and the JVM's.
    String metrics = scrape();
    assertThat(metrics)
        .containsPattern(
            "hookline_delivery_attempt_duration_seconds_bucket"
                + "\\{outcome=\"succeeded\",le=\"[^\"]+\"\\} [1-9]")
        .contains("hookline_deliveries_in_flight ")
        .contains("hookline_retries_due ")
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("process_uptime_seconds ");
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(scrape())
                    .containsPattern(
                        "hookline_share_group_lag\\{group=\"hookline-dispatchers\"\\} [0-9]+\\.0\n"));
  }

  private static String scrape() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  private static JsonNode deliveryOf(JsonNode page, String eventId) {
    for (JsonNode d : page.get("data")) {
      if (eventId.equals(d.get("eventId").asText())) return d;
    }
    return null;
  }

  private static JsonNode call(String method, String path, String body, int expectedStatus)
      throws Exception {
    return stack.call(method, path, body, expectedStatus);
  }
}
