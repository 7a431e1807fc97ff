package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.admin.AdminApi;
import dev.hookline.admin.inspector.RequestInspector;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Every role of Hookline, wired exactly as {@code hookline up} wires them, on the shared test
 * broker and a database of its own; one per test JVM. Tests create their own webhooks and
 * receivers, so they never see each other's deliveries.
 */
public final class TestStack {
  public static final String TOKEN = "test-admin-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestStack instance;

  final HooklineConfig config;
  final Database db;
  final AdminApi adminApi;
  final PrometheusMeterRegistry metrics;
  private final Running running;

  private TestStack(
      HooklineConfig config,
      Database db,
      AdminApi adminApi,
      PrometheusMeterRegistry metrics,
      Running running) {
    this.config = config;
    this.db = db;
    this.adminApi = adminApi;
    this.metrics = metrics;
    this.running = running;
  }

  public static synchronized TestStack get() {
    if (instance == null) instance = start();
    return instance;
  }

  private static TestStack start() {
    DatabaseConfig database = TestInfra.freshDatabase();
    Map<String, String> env = new HashMap<>();
    try {
      env.put("HOOKLINE_DATA_DIR", Files.createTempDirectory("hookline-stack").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", TestInfra.bootstrapServers());
    env.put("HOOKLINE_DB_URL", database.url());
    env.put("HOOKLINE_DB_USER", database.user());
    env.put("HOOKLINE_DB_PASSWORD", database.password());
    env.put("HOOKLINE_HTTP_PORT", "0");
    env.put("HOOKLINE_ADMIN_TOKEN", TOKEN);
    env.put("HOOKLINE_SECRET_KEY", SecretCipher.generateKey());
    env.put("HOOKLINE_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");
    HooklineConfig config = HooklineConfig.fromEnv(env);

    Running running = new Running();
    EventCatalog catalog = EventCatalog.load();
    PrometheusMeterRegistry metrics = Roles.metrics();
    Database db = running.add(Roles.database(config));
    Roles.router(config, catalog, metrics, running);
    Roles.worker(config, db, metrics, running);
    // with the request inspector, like `up`
    AdminApi api =
        Roles.adminApi(
            config, db, catalog, metrics, new RequestInspector(db.webhooks()).routes(), running);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "test-stack-stopper"));
    return new TestStack(config, db, api, metrics, running);
  }

  /** Where the web page is, e.g. for the browser tests. */
  public String baseUrl() {
    return "http://127.0.0.1:" + adminApi.port();
  }

  public String apiUrl(String path) {
    return "http://127.0.0.1:" + adminApi.port() + "/api/v1" + path;
  }

  /**
   * Calls the admin API with the test token and checks the status; returns the JSON body, or null.
   */
  JsonNode call(String method, String path, String body, int expectedStatus) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(apiUrl(path)))
            .header("Authorization", "Bearer " + TOKEN)
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

  /**
   * Waits until events of this type reach the receiver: a webhook's route takes a moment to flow
   * from PostgreSQL through the outbox and Kafka into the router, and an event routed before that
   * is (rightly) not delivered to it. Publishes a probe event every half second until one arrives;
   * tests then look only at their own event ids.
   */
  void awaitRouted(String eventType, Receiver receiver) {
    try (EventPublisher probes =
        EventPublisher.create(
            PublisherConfig.builder(config.kafkaBootstrapServers())
                .source("urn:hookline:test-probe")
                .build())) {
      JsonNode example = EventCatalog.load().find(eventType).orElseThrow().example();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                probes.publishSync(eventType, example);
                return !receiver.received().isEmpty();
              });
    }
  }

  void stop() {
    running.close();
  }
}
