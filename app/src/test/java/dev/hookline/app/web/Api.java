package dev.hookline.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.app.TestStack;
import dev.hookline.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin API over HTTP, for setting up and checking what the browser tests do. */
final class Api {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final TestStack stack;

  Api(TestStack stack) {
    this.stack = stack;
  }

  JsonNode call(String method, String path, String body, int expectedStatus) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.apiUrl(path)))
            .header("Authorization", "Bearer " + TestStack.TOKEN)
            .timeout(Duration.ofSeconds(30));
    if (body == null) request.method(method, HttpRequest.BodyPublishers.noBody());
    else
      request
          .header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as("%s %s -> %s", method, path, response.body())
          .isEqualTo(expectedStatus);
      return response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A capture URL of the request inspector. */
  JsonNode createBin(int responseStatus) {
    return call("POST", "/inspector/bins", "{\"responseStatus\": " + responseStatus + "}", 201);
  }

  JsonNode createWebhook(String name, String url, String event, String extraJson) {
    return call(
        "POST",
        "/webhooks",
        """
        {"name": %s, "url": %s, "events": [%s]%s}"""
            .formatted(
                Json.toString(name),
                Json.toString(url),
                Json.toString(event),
                extraJson == null ? "" : ", " + extraJson),
        201);
  }

  /** Publishes the catalog's example of the event type; returns the event id. */
  String publishExample(String type) {
    JsonNode example = call("GET", "/event-types/" + type, null, 200).get("example");
    return call(
            "POST",
            "/events",
            "{\"type\": " + Json.toString(type) + ", \"data\": " + Json.toString(example) + "}",
            202)
        .get("id")
        .asText();
  }
}
