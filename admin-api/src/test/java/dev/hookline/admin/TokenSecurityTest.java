package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.InMemoryDeliveries;
import dev.hookline.store.InMemoryStore;
import dev.hookline.store.InMemoryTenants;
import dev.hookline.store.InMemoryWebhooks;
import dev.hookline.store.TestWebhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code /api} operation of the OpenAPI document (so a new route cannot escape this table),
 * each sent as a valid request that would write, refuses a missing, a wrong and a revoked token
 * with a 401 problem and writes nothing. "Revoked": a token in the list of a previous start of the
 * API ([a, b]) but no longer in the list of this one ([b]). The one route the document marks open
 * ({@code security: []}, the portal sign-in) is left out; tenant tokens are {@link
 * TenantAccessTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenSecurityTest {
  private static final String REVOKED = "revoked-token-aaaaaaaaaaaa";
  private static final String KEPT = "kept-token-bbbbbbbbbbbbbbb";
  private static final String JSON = "application/json";

  /** No token, or one the API must not take for {@link #KEPT} (the only valid one). */
  private static final List<String> WRONG_AUTHORIZATIONS =
      List.of(
          "Bearer " + REVOKED,
          "Bearer wrong",
          "Bearer " + KEPT.substring(0, KEPT.length() - 1),
          "Bearer " + KEPT + "b",
          "Bearer " + KEPT.toUpperCase(java.util.Locale.ROOT),
          "Bearer " + KEPT + "," + REVOKED,
          "Bearer",
          "Bearer ",
          KEPT,
          "Basic " + KEPT,
          "Token " + KEPT,
          "Bearer " + REVOKED + " " + KEPT);

  private final OpenApiContract contract = new OpenApiContract();
  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryWebhooks webhooks = store.webhooks();
  private final InMemoryDeliveries deliveries = store.deliveries();
  private final InMemoryTenants tenants = store.tenants();
  private String tenantToken;
  private final FakePublishing publishing = new FakePublishing();
  private final FakeTaskPublishing tasks = new FakeTaskPublishing();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private UUID webhook;
  private UUID delivery;
  private AdminApi api;

  @BeforeAll
  void startWithTheReducedTokenList() {
    webhook =
        webhooks
            .create(
                TestWebhooks.newWebhook()
                    .name("Existing")
                    .url("https://example.com/x")
                    .timeoutSeconds(1)
                    .build())
            .webhook()
            .id();
    tenantToken = addTenant(tenants);
    delivery = UUID.randomUUID();
    deliveries.add(
        Deliveries.delivery(delivery, webhook, "event", DeliveryStatus.FAILED, 1, Instant.now()));
    // before: both tokens work
    try (AdminApi before = start(List.of(REVOKED, KEPT))) {
      assertThat(
              send(before, "GET", "/api/v1/webhooks", null, null, "Bearer " + REVOKED).statusCode())
          .isEqualTo(200);
      assertThat(send(before, "GET", "/api/v1/webhooks", null, null, "Bearer " + KEPT).statusCode())
          .isEqualTo(200);
    }
    // restarted with the revoked token removed from the configured list
    api = start(List.of(KEPT));
  }

  @AfterAll
  void stop() {
    api.close();
    client.close();
  }

  /**
   * Every documented {@code /api} operation, and any served one the document lacks, with a request
   * that would succeed.
   */
  Stream<Arguments> operations() {
    TreeSet<String> all = new TreeSet<>();
    for (String operation : contract.operations(true)) {
      if (operation.split(" ", 2)[1].startsWith("/api/")) all.add(operation);
    }
    List<String> open = new ArrayList<>(contract.operations(false));
    open.removeAll(contract.operations(true));
    for (String route : api.routes()) {
      String[] parts = route.split(" ", 2);
      if (!parts[0].startsWith("BEFORE") && parts[1].startsWith("/api/") && !open.contains(route))
        all.add(route);
    }
    assertThat(all).hasSizeGreaterThanOrEqualTo(14);
    all.add(
        "GET /api/v1/no-such-route"); // an unknown route must not tell itself apart without a token
    List<Arguments> cases = new ArrayList<>();
    for (String operation : all) {
      for (String authorization : authorizations()) {
        cases.add(Arguments.of(operation, authorization));
      }
    }
    return cases.stream();
  }

  private static List<String> authorizations() {
    List<String> all = new ArrayList<>();
    all.add(null);
    all.addAll(WRONG_AUTHORIZATIONS);
    return all;
  }

  @ParameterizedTest(name = "{0} with Authorization: {1}")
  @MethodSource("operations")
  void isRefusedWithA401ProblemAndWritesNothing(String operation, String authorization) {
    int webhookWrites = webhooks.writes();
    int deliveryWrites = deliveries.writes();
    int tenantWrites = tenants.writes();
    String[] parts = operation.split(" ", 2);

    HttpResponse<String> response =
        send(api, parts[0], path(parts[1]), JSON, body(operation), authorization);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    assertThat(response.body()).contains("\"status\":401").doesNotContain(KEPT);
    assertThat(webhooks.writes()).isEqualTo(webhookWrites);
    assertThat(deliveries.writes()).isEqualTo(deliveryWrites);
    assertThat(tenants.writes()).isEqualTo(tenantWrites);
    assertThat(publishing.published).isEmpty();
    assertThat(tasks.published).isEmpty();
  }

  @Test
  void aTokenInTheQueryStringIsNotAccepted() {
    HttpResponse<String> response =
        send(api, "GET", "/api/v1/webhooks?access_token=" + KEPT, null, null, null);
    assertThat(response.statusCode()).isEqualTo(401);
  }

  /**
   * The control: the same requests with the kept token are served (on a fresh API, so the writes do
   * not matter).
   */
  @Test
  void theSameRequestsWithTheKeptTokenAreServed() {
    List<String> refused = new ArrayList<>();
    List<String> operations =
        operations()
            .map(a -> (String) a.get()[0])
            .distinct()
            .filter(o -> !o.endsWith("no-such-route"))
            .toList();
    // fresh fakes holding the same webhook and delivery ids; DELETE last, the other routes need the
    // webhook
    InMemoryStore freshStore = new InMemoryStore();
    InMemoryWebhooks freshWebhooks =
        freshStore.webhooks(); // ids are a sequence: the first is the same id
    assertThat(
            freshWebhooks
                .create(
                    TestWebhooks.newWebhook()
                        .name("Existing")
                        .url("https://example.com/x")
                        .timeoutSeconds(1)
                        .build())
                .webhook()
                .id())
        .isEqualTo(webhook);
    InMemoryDeliveries freshDeliveries = freshStore.deliveries();
    freshDeliveries.add(
        Deliveries.delivery(delivery, webhook, "event", DeliveryStatus.FAILED, 1, Instant.now()));
    InMemoryTenants freshTenants = freshStore.tenants();
    String freshToken = addTenant(freshTenants);
    FakeTaskPublishing freshTasks = new FakeTaskPublishing();
    freshTasks.worker =
        task -> freshDeliveries.add(Deliveries.testAttempt(task, 200, "ok", null, null));
    // deleting the tenant last: its token's route needs it
    List<String> ordered =
        Stream.of(
                operations.stream().filter(o -> !o.startsWith("DELETE ")),
                operations.stream()
                    .filter(o -> o.startsWith("DELETE ") && !o.equals(DELETE_TENANT)),
                operations.stream().filter(DELETE_TENANT::equals))
            .flatMap(s -> s)
            .toList();
    try (AdminApi fresh = start(List.of(KEPT), freshStore, new FakePublishing(), freshTasks)) {
      for (String operation : ordered) {
        String[] parts = operation.split(" ", 2);
        int status =
            send(
                    fresh,
                    parts[0],
                    path(parts[1], freshTenants.tokens(TENANT).get(0).id()),
                    JSON,
                    body(operation),
                    "Bearer " + KEPT)
                .statusCode();
        if (status == 401 || status == 404 || status >= 500)
          refused.add(operation + " -> " + status);
      }
    }
    assertThat(refused).isEmpty();
    assertThat(freshWebhooks.writes()).as("the control did write").isPositive();
    assertThat(freshToken).isNotBlank();
  }

  @Test
  void theTenantsTokenIsNoAdminToken() {
    assertThat(
            send(api, "GET", "/api/v1/tenants", null, null, "Bearer " + tenantToken).statusCode())
        .isEqualTo(403);
  }

  private static final String TENANT = "acme";
  private static final String DELETE_TENANT = "DELETE /api/v1/tenants/{id}";

  /** The tenant the tenant routes act on, with one token; returns the token. */
  private static String addTenant(InMemoryTenants tenants) {
    assertThat(tenants.create(new dev.hookline.store.NewTenant(TENANT, "Acme", Map.of())))
        .isPresent();
    return tenants.createToken(TENANT).orElseThrow().secret();
  }

  private String path(String template) {
    return path(template, tenants.tokens(TENANT).get(0).id());
  }

  private String path(String template, String tokenId) {
    String id =
        template.startsWith("/api/v1/deliveries/")
            ? delivery.toString()
            : template.startsWith("/api/v1/tenants/") ? TENANT : webhook.toString();
    return template
        .replace("{id}", id)
        .replace("{tokenId}", tokenId)
        .replace("{type}", "payment_received");
  }

  /**
   * A valid body for each writing operation, so only the token stands between the request and a
   * write.
   */
  private static String body(String operation) {
    return switch (operation) {
      case "POST /api/v1/webhooks" ->
          "{\"name\":\"n\",\"url\":\"https://example.com/h\",\"events\":[\"*\"]}";
      case "PATCH /api/v1/webhooks/{id}", "PATCH /api/v1/tenants/{id}" -> "{\"name\":\"renamed\"}";
      case "POST /api/v1/tenants" -> "{\"id\":\"initech\",\"name\":\"Initech\"}";
      case "POST /api/v1/events" ->
          "{\"type\":\"payment_received\",\"data\":" + Deliveries.example() + "}";
      case "POST /api/v1/webhooks/{id}/recover" -> "{\"since\":\"2000-01-01T00:00:00Z\"}";
      case "POST /api/v1/webhooks/{id}/test" -> "{\"event\":\"payment_received\"}";
      default -> operation.startsWith("GET ") || operation.startsWith("DELETE ") ? null : "{}";
    };
  }

  private AdminApi start(List<String> tokens) {
    return start(tokens, store, publishing, tasks);
  }

  private static AdminApi start(
      List<String> tokens,
      InMemoryStore store,
      FakePublishing publishing,
      FakeTaskPublishing tasks) {
    return AdminApi.builder(AdminApiConfig.builder(tokens).host("127.0.0.1").build())
        .webhooks(store.webhooks())
        .deliveries(store.deliveries())
        .tenants(store.tenants())
        .idempotencyKeys(store.idempotencyKeys())
        .catalog(ApiFixture.CATALOG)
        .metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .health(() -> HealthReport.up(Map.of()))
        .events(publishing)
        .tasks(tasks)
        .testEventWait(Duration.ofMillis(300), Duration.ofMillis(10))
        .build()
        .start();
  }

  private HttpResponse<String> send(
      AdminApi target,
      String method,
      String path,
      String contentType,
      String body,
      String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", contentType);
    if (authorization != null) request.header("Authorization", authorization);
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
