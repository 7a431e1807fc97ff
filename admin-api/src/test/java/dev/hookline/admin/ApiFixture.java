package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.store.InMemoryDeliveries;
import dev.hookline.store.InMemoryTenants;
import dev.hookline.store.InMemoryWebhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link AdminApi} on a random loopback port over the store's in-memory fake (or the stores of a
 * {@link StoreBackend}), and an HTTP client for it.
 */
final class ApiFixture implements AutoCloseable {
  static final String TOKEN = "test-token-0123456789";
  static final String OTHER_TOKEN = "second-token-abcdef";
  static final EventCatalog CATALOG = EventCatalog.load();
  static final java.time.Duration TEST_REPORT_GRACE = java.time.Duration.ofMillis(300);

  final StoreBackend backend;

  /** The in-memory store's parts, when running on it (null on PostgreSQL). */
  final InMemoryWebhooks webhooks;

  final InMemoryDeliveries deliveries;

  final InMemoryTenants tenants;
  final FakePublishing publishing = new FakePublishing();
  final FakeTaskPublishing tasks = new FakeTaskPublishing();
  final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AtomicReference<HealthReport> health =
      new AtomicReference<>(HealthReport.up(Map.of("postgres", "up")));
  final AdminApi api;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Response(int status, String contentType, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      return Json.readTree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  ApiFixture() {
    this(new StoreBackend.InMemory());
  }

  ApiFixture(StoreBackend backend) {
    this.backend = backend;
    this.webhooks = backend instanceof StoreBackend.InMemory m ? m.webhooks() : null;
    this.deliveries = backend instanceof StoreBackend.InMemory m ? m.deliveries() : null;
    this.tenants = backend instanceof StoreBackend.InMemory m ? m.tenants() : null;
    AdminApiConfig config =
        AdminApiConfig.builder(List.of(TOKEN, OTHER_TOKEN)).host("127.0.0.1").build();
    api =
        AdminApi.builder(config)
            .webhooks(backend.webhooks())
            .deliveries(backend.deliveries())
            .tenants(backend.tenants())
            .idempotencyKeys(backend.idempotencyKeys())
            .catalog(CATALOG)
            .metrics(metrics)
            .health(health::get)
            .events(publishing)
            .tasks(tasks)
            .extraRoutes(javalin -> javalin.routes.get("/extra", ctx -> ctx.result("extra route")))
            // the timeout case need not wait 5 s on top of the webhook's timeout
            .testEventWait(TEST_REPORT_GRACE, java.time.Duration.ofMillis(20))
            .build()
            .start();
  }

  Response get(String path) {
    return send("GET", path, null, null, TOKEN);
  }

  Response post(String path, String json) {
    return send("POST", path, "application/json", json, TOKEN);
  }

  Response patch(String path, String json) {
    return send("PATCH", path, "application/json", json, TOKEN);
  }

  Response delete(String path) {
    return send("DELETE", path, null, null, TOKEN);
  }

  Response send(String method, String path, String contentType, String body, String token) {
    return send(method, path, contentType, body, token, Map.of());
  }

  Response send(
      String method,
      String path,
      String contentType,
      String body,
      String token,
      Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) request.header("Content-Type", contentType);
    // A large body is refused (413) before it is read: with 100-continue the client waits for the
    // verdict instead of racing the server's close of the connection while it is still sending.
    if (body != null && body.length() > 64 * 1024) request.expectContinue(true);
    if (token != null) request.header("Authorization", "Bearer " + token);
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.headers().map(),
          response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    api.close();
    client.close();
    backend.close();
  }
}
