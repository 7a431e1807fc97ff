package dev.hookline.admin.inspector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import dev.hookline.store.InMemoryStore;
import dev.hookline.store.InMemoryWebhooks;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.TestWebhooks;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestInspectorTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String OLD_SECRET =
      "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
  private final HttpClient http = HttpClient.newHttpClient();
  private final InMemoryWebhooks webhooks = new InMemoryStore().webhooks();
  private Javalin server;

  private void start(InspectorLimits limits) {
    RequestInspector inspector = new RequestInspector(webhooks, limits, Clock.systemUTC());
    server =
        Javalin.create(
                c -> {
                  c.startup.showJavalinBanner = false;
                  c.jetty.host = "127.0.0.1";
                  c.jetty.port = 0;
                  inspector.install(c);
                })
            .start();
  }

  @AfterEach
  void stop() {
    if (server != null) server.stop();
  }

  @Test
  void capturesARequestAndVerifiesItsSignatureWithTheSecretOfTheWebhookPointingThere()
      throws Exception {
    start(InspectorLimits.DEFAULT);
    JsonNode bin = send("POST", "/api/v1/inspector/bins", "{}", 201);
    String url = bin.get("url").asText();
    assertThat(url).matches("http://127\\.0\\.0\\.1:" + server.port() + "/in/[0-9a-f]{16}");
    webhooks.add(
        TestWebhooks.webhook()
            .name("Someone else")
            .url("https://example.com/in/other")
            .events("*")
            .build(),
        new SigningSecrets(OLD_SECRET, null, null));
    webhooks.add(
        TestWebhooks.webhook()
            .name("Zapier Integration")
            .url(url.replace("127.0.0.1", "localhost"))
            .build(),
        new SigningSecrets(SECRET, null, null));

    HttpResponse<String> answer = capture(url, SECRET, "{\"type\":\"payment_received\"}");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("captured");

    JsonNode detail = send("GET", "/api/v1/inspector/bins/" + bin.get("id").asText(), null, 200);
    assertThat(detail.get("received").asInt()).isEqualTo(1);
    JsonNode request = detail.get("requests").get(0);
    assertThat(request.get("method").asText()).isEqualTo("POST");
    assertThat(request.get("body").asText()).isEqualTo("{\"type\":\"payment_received\"}");
    assertThat(request.get("answeredStatus").asInt()).isEqualTo(200);
    assertThat(request.get("headers").toString()).contains("webhook-signature");
    assertThat(request.get("signature").get("result").asText()).isEqualTo("verified");
    assertThat(request.get("signature").get("webhookName").asText())
        .isEqualTo("Zapier Integration");
  }

  @Test
  void tellsAWrongSignatureAnUnsignedRequestAndAnUnknownSenderApart() throws Exception {
    start(InspectorLimits.DEFAULT);
    String noWebhook = send("POST", "/api/v1/inspector/bins", null, 201).get("url").asText();
    JsonNode bin = send("POST", "/api/v1/inspector/bins", null, 201);
    webhooks.add(
        TestWebhooks.webhook().name("Rotated").url(bin.get("url").asText()).events("*").build(),
        new SigningSecrets(OLD_SECRET, SECRET, Instant.now().plusSeconds(3600)));

    capture(bin.get("url").asText(), SECRET, "{}"); // the previous secret, still valid
    // (not all zeros: HMAC pads keys with zeros, so zero keys of any length are the same key)
    capture(
        bin.get("url").asText(),
        "whsec_"
            + java.util.Base64.getEncoder()
                .encodeToString("another key".getBytes(StandardCharsets.UTF_8)),
        "{}");
    HttpRequest unsigned =
        HttpRequest.newBuilder(URI.create(bin.get("url").asText()))
            .PUT(HttpRequest.BodyPublishers.ofString("plain"))
            .build();
    http.send(unsigned, HttpResponse.BodyHandlers.ofString());
    capture(noWebhook, SECRET, "{}");

    JsonNode requests =
        send("GET", "/api/v1/inspector/bins/" + bin.get("id").asText(), null, 200).get("requests");
    assertThat(requests).hasSize(3);
    assertThat(requests.get(0).get("method").asText()).isEqualTo("PUT"); // newest first
    assertThat(requests.get(0).get("signature").get("result").asText()).isEqualTo("unsigned");
    assertThat(requests.get(1).get("signature").get("result").asText()).isEqualTo("mismatch");
    assertThat(requests.get(2).get("signature").get("result").asText()).isEqualTo("verified");
    assertThat(requests.get(2).get("signature").get("detail").asText()).contains("previous secret");
    String id = noWebhook.substring(noWebhook.lastIndexOf('/') + 1);
    assertThat(
            send("GET", "/api/v1/inspector/bins/" + id, null, 200)
                .get("requests")
                .get(0)
                .get("signature")
                .get("result")
                .asText())
        .isEqualTo("no-webhook");
  }

  @Test
  void answersTheChosenStatusSoATargetCanBeMadeToFail() throws Exception {
    start(InspectorLimits.DEFAULT);
    JsonNode bin = send("POST", "/api/v1/inspector/bins", "{\"responseStatus\": 503}", 201);
    assertThat(capture(bin.get("url").asText(), SECRET, "{}").statusCode()).isEqualTo(503);
    send(
        "PATCH",
        "/api/v1/inspector/bins/" + bin.get("id").asText(),
        "{\"responseStatus\": 500}",
        200);
    HttpResponse<String> failed = capture(bin.get("url").asText(), SECRET, "{}");
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).contains("answers 500");

    JsonNode problem =
        send(
            "PATCH",
            "/api/v1/inspector/bins/" + bin.get("id").asText(),
            "{\"responseStatus\": 99}",
            400);
    assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("responseStatus");
    assertThat(
            send("PATCH", "/api/v1/inspector/bins/" + bin.get("id").asText(), "{\"oops\": 1}", 400)
                .get("errors")
                .get(0)
                .get("field")
                .asText())
        .isEqualTo("oops");
    assertThat(send("POST", "/api/v1/inspector/bins", "not json", 400).get("title").asText())
        .isEqualTo("Malformed JSON");
  }

  @Test
  void unknownBinsAreNotFound() throws Exception {
    start(InspectorLimits.DEFAULT);
    assertThat(send("GET", "/api/v1/inspector/bins/nope", null, 404).get("detail").asText())
        .contains("nope");
    HttpResponse<String> capture =
        capture("http://127.0.0.1:" + server.port() + "/in/nope", SECRET, "{}");
    assertThat(capture.statusCode()).isEqualTo(404);
    JsonNode bin = send("POST", "/api/v1/inspector/bins", null, 201);
    send("DELETE", "/api/v1/inspector/bins/" + bin.get("id").asText(), null, 204);
    assertThat(capture(bin.get("url").asText(), SECRET, "{}").statusCode()).isEqualTo(404);
  }

  @Test
  void staysWithinItsMemoryBounds() throws Exception {
    start(new InspectorLimits(2, 3, 10, 1024));
    JsonNode first = send("POST", "/api/v1/inspector/bins", null, 201);
    send("POST", "/api/v1/inspector/bins", null, 201);
    JsonNode third = send("POST", "/api/v1/inspector/bins", null, 201);
    JsonNode bins = send("GET", "/api/v1/inspector/bins", null, 200).get("data");
    assertThat(bins).hasSize(2);
    assertThat(bins.get(0).get("id").asText()).isEqualTo(third.get("id").asText());
    send("GET", "/api/v1/inspector/bins/" + first.get("id").asText(), null, 404);

    for (int i = 0; i < 5; i++)
      capture(third.get("url").asText(), SECRET, "{\"n\": " + i + ", \"pad\": \"xxxxxxxx\"}");
    capture(third.get("url").asText(), SECRET, "x".repeat(2000)); // over the verified limit too
    JsonNode detail = send("GET", "/api/v1/inspector/bins/" + third.get("id").asText(), null, 200);
    assertThat(detail.get("received").asInt()).isEqualTo(6);
    assertThat(detail.get("requests")).hasSize(3);
    JsonNode newest = detail.get("requests").get(0);
    assertThat(newest.get("body").asText()).hasSize(10);
    assertThat(newest.get("bodyBytes").asLong()).isEqualTo(2000);
    assertThat(newest.get("truncated").asBoolean()).isTrue();
    assertThat(newest.get("signature").get("result").asText()).isEqualTo("unsigned");

    send("DELETE", "/api/v1/inspector/bins/" + third.get("id").asText() + "/requests", null, 204);
    assertThat(
            send("GET", "/api/v1/inspector/bins/" + third.get("id").asText(), null, 200)
                .get("requests"))
        .isEmpty();
  }

  private HttpResponse<String> capture(String url, String secret, String body) throws Exception {
    String id = "msg_" + System.nanoTime();
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp)
            .header(
                "webhook-signature",
                StandardWebhooks.sign(secret, id, timestamp, body.getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode send(String method, String path, String body, int expected) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("content-type", "application/json");
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s -> %s", method, path, response.body())
        .isEqualTo(expected);
    return response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
  }
}
