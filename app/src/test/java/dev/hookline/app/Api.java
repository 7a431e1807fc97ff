package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An admin API (the {@link TestStack}'s, or another's), for integration tests. */
public final class Api {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final EventCatalog CATALOG = EventCatalog.load();

  private final String apiBase;
  private final String token;

  Api(TestStack stack) {
    this(stack.apiUrl(""), TestStack.TOKEN);
  }

  /**
   * @param apiBase e.g. {@code http://127.0.0.1:8080/api/v1}
   */
  public Api(String apiBase, String token) {
    this.apiBase = apiBase;
    this.token = token;
  }

  public JsonNode call(String method, String path, String body, int expectedStatus)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(apiBase + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s -> %s", method, path, response.body())
        .isEqualTo(expectedStatus);
    return response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
  }

  /** Creates a webhook; {@code extra} is more JSON members, e.g. {@code "timeoutSeconds": 3}. */
  public String createWebhook(String url, String eventType, String extra) throws Exception {
    String body =
        "{\"name\": \"engine test\", \"url\": \"%s\", \"events\": [\"%s\"]%s}"
            .formatted(url, eventType, extra == null ? "" : ", " + extra);
    return call("POST", "/webhooks", body, 201).get("id").asText();
  }

  /** Publishes the catalog example of the type; returns the event id. */
  String publishExample(String eventType) throws Exception {
    JsonNode example = CATALOG.find(eventType).orElseThrow().example();
    String body = "{\"type\": \"%s\", \"data\": %s}".formatted(eventType, Json.toString(example));
    return call("POST", "/events", body, 202).get("id").asText();
  }

  JsonNode deliveries(String webhookId) throws Exception {
    return call("GET", "/webhooks/" + webhookId + "/deliveries", null, 200).get("data");
  }

  JsonNode delivery(String deliveryId) throws Exception {
    return call("GET", "/deliveries/" + deliveryId, null, 200);
  }

  /**
   * Returns once the router knows every webhook created so far. Routing records are relayed
   * asynchronously, so an event published right after creating its webhook may find no route.
   * Routing records share one partition and load in order: once a sentinel webhook created now
   * receives a probe event, every earlier webhook's route is loaded too.
   */
  void awaitRoutesLoaded() throws Exception {
    try (ScriptedReceiver sentinel = new ScriptedReceiver()) {
      String id = createWebhook(sentinel.url("/sentinel"), PROBE_TYPE, null);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                publishExample(PROBE_TYPE);
                return !sentinel.received().isEmpty();
              });
      call("DELETE", "/webhooks/" + id, null, 204);
    }
  }

  /** An event type no test delivers: only sentinels subscribe to it. */
  static final String PROBE_TYPE = "site_published";
}
