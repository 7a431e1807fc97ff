package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.WebhookStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Walks the running API through every route with good and bad requests and checks each response
 * against {@code openapi.yaml}; then checks that every documented response was seen and every
 * served route is documented, so the document cannot drift from the code in either direction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ApiFixtureExtension.class)
class OpenApiContractTest {
  private static final String JSON = "application/json";
  private static final String MISSING = "00000000-0000-4000-8000-000000000000";
  private static final String HUGE = "{\"description\":\"" + "d".repeat(1024 * 1024) + "\"}";
  private static final String W = "/api/v1/webhooks";
  private static final String W_ID = W + "/{id}";
  private static final String D_ID = "/api/v1/deliveries/{id}";

  private final ApiFixture fixture;
  private final OpenApiContract contract = new OpenApiContract();

  OpenApiContractTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  private ApiFixture.Response call(
      String method, String template, String path, String contentType, String body) {
    return call(method, template, path, contentType, body, ApiFixture.TOKEN);
  }

  private ApiFixture.Response call(
      String method, String template, String path, String contentType, String body, String token) {
    ApiFixture.Response response = fixture.send(method, path, contentType, body, token);
    contract.check(method, template, response);
    return response;
  }

  private ApiFixture.Response get(String template, String path) {
    return call("GET", template, path, null, null);
  }

  private ApiFixture.Response post(String template, String path, String body) {
    return call("POST", template, path, body == null ? null : JSON, body);
  }

  @Test
  void everyResponseMatchesTheDocumentAndEveryDocumentedResponseIsSeen() {
    operations();
    events();
    String id = webhooks();
    filters();
    actions(id);
    deliveries(id);
    tenants(id);
    unauthorized();

    Set<String> missing = new TreeSet<>(contract.documentedResponses());
    missing.removeAll(contract.seen());
    assertThat(missing).as("documented responses this walk never produced").isEmpty();
  }

  @Test
  void everyServedRouteIsDocumented() {
    Set<String> served = new TreeSet<>();
    for (String route : fixture.api.routes()) {
      String[] parts = route.split(" ", 2);
      if (parts[0].startsWith("BEFORE") || parts[1].equals("/extra"))
        continue; // filters; the fixture's own route
      served.add(route);
    }
    assertThat(served).containsExactlyInAnyOrderElementsOf(contract.operations(false));
  }

  @Test
  void theOracleRejectsWhatTheDocumentForbids() {
    OpenApiContract oracle = new OpenApiContract();
    String good = "{\"deliveryId\":\"" + UUID.randomUUID() + "\",\"attempt\":2}";
    oracle.check("POST", D_ID + "/retry", response(202, JSON, good));
    // an undocumented field, a missing one, a wrong type, a bad format, through a $ref'd response
    for (String bad :
        List.of(
            "{\"deliveryId\":\"" + UUID.randomUUID() + "\",\"attempt\":2,\"extra\":1}",
            "{\"deliveryId\":\"" + UUID.randomUUID() + "\"}",
            "{\"deliveryId\":\"" + UUID.randomUUID() + "\",\"attempt\":\"2\"}",
            "{\"deliveryId\":\"not-a-uuid\",\"attempt\":2}")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> oracle.check("POST", D_ID + "/retry", response(202, JSON, bad)))
          .as(bad)
          .isInstanceOf(AssertionError.class);
    }
    String invalidWithoutErrors =
        "{\"type\":\"about:blank\",\"title\":\"x\",\"status\":400,\"detail\":\"x\"}";
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                oracle.check(
                    "POST", W, response(400, "application/problem+json", invalidWithoutErrors)))
        .isInstanceOf(AssertionError.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> oracle.check("POST", W, response(418, JSON, "{}")))
        .as("undocumented status")
        .isInstanceOf(AssertionError.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> oracle.check("POST", D_ID + "/retry", response(202, "text/html", good)))
        .as("undocumented content type")
        .isInstanceOf(AssertionError.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> oracle.check("PUT", W, response(200, JSON, "{}")))
        .as("undocumented operation")
        .isInstanceOf(AssertionError.class);
  }

  private static ApiFixture.Response response(int status, String contentType, String body) {
    return new ApiFixture.Response(status, contentType, Map.of(), body);
  }

  private void operations() {
    call("GET", "/health", "/health", null, null, null);
    fixture.health.set(HealthReport.down(Map.of("kafka", "down: timeout")));
    call("GET", "/health", "/health", null, null, null);
    fixture.health.set(HealthReport.up(Map.of("postgres", "up")));
    call("GET", "/metrics", "/metrics", null, null, null);
    get("/api/v1/openapi.yaml", "/api/v1/openapi.yaml");
  }

  private void events() {
    get("/api/v1/event-types", "/api/v1/event-types");
    get("/api/v1/event-types/{type}", "/api/v1/event-types/payment_received");
    get("/api/v1/event-types/{type}", "/api/v1/event-types/nope");
    String e = "/api/v1/events";
    String example = Deliveries.example().toString();
    post(e, e, "{\"type\":\"payment_received\",\"data\":" + example + "}");
    post(e, e, "{\"type\":\"payment_received\",\"data\":{}}");
    post(
        e,
        e,
        "{\"type\":\"payment_received\",\"data\":{\"pad\":\"" + "x".repeat(256 * 1024) + "\"}}");
    call("POST", e, e, "text/plain", "{}");
    fixture.publishing.failure = new java.io.IOException("kafka down");
    post(e, e, "{\"type\":\"payment_received\",\"data\":" + example + "}");
    fixture.publishing.failure = null;
    // with an Idempotency-Key: the first, its replay, the key with another body
    Map<String, String> key = Map.of("Idempotency-Key", "contract-1");
    for (String data : List.of(example, example, "{}", example.replace("1201", "1202"))) {
      contract.check(
          "POST",
          e,
          fixture.send(
              "POST",
              e,
              JSON,
              "{\"type\":\"payment_received\",\"data\":" + data + "}",
              ApiFixture.TOKEN,
              key));
    }
    batch(example);
  }

  private void batch(String example) {
    String b = "/api/v1/events/batch";
    String good = "{\"type\":\"payment_received\",\"data\":" + example + "}";
    String keyed =
        "{\"type\":\"payment_received\",\"idempotencyKey\":\"contract-b\",\"data\":"
            + example
            + "}";
    // accepted, rejected (400), replayed, the key with another event (409), the data too large
    post(b, b, "{\"events\":[" + good + ",{\"type\":\"nope\",\"data\":{}}," + keyed + "]}");
    post(
        b,
        b,
        "{\"events\":["
            + keyed
            + ","
            + keyed.replace("1201", "1202")
            + ",{\"type\":\"payment_received\",\"data\":{\"pad\":\""
            + "x".repeat(256 * 1024)
            + "\"}}]}");
    fixture.publishing.failure = new java.io.IOException("kafka down");
    post(b, b, "{\"events\":[" + good + "]}");
    fixture.publishing.failure = null;
    post(b, b, "{\"events\":[]}");
    call("POST", b, b, "text/plain", "{}");
    call("POST", b, b, JSON, "{\"events\":[\"" + "x".repeat(6 * 1024 * 1024) + "\"]}");
  }

  private void filters() {
    String f = "/api/v1/filters/test";
    String filter =
        "{\"data.payment_total_raw\":{\"$gte\":100},\"data.payment_gateway\":\"stripe\"}";
    post(f, f, "{\"filter\":" + filter + ",\"type\":\"payment_received\"}");
    post(
        f,
        f,
        "{\"filter\":" + filter + ",\"payload\":{\"data\":{\"payment_total_raw\":5,\"x\":null}}}");
    post(f, f, "{\"filter\":{\"$or\":[{\"data.x\":1}]},\"payload\":{\"data\":{}}}");
    post(f, f, "{\"filter\":{\"data.x\":{\"$regex\":1}},\"type\":\"payment_received\"}");
    call("POST", f, f, "text/plain", "{}");
    call("POST", f, f, JSON, HUGE);
    post(
        W,
        W,
        "{\"name\":\"Big ones\",\"url\":\"https://example.com/f\",\"events\":[\"payment_received\"],"
            + "\"filter\":"
            + filter
            + "}");
  }

  /** CRUD; returns the id of a webhook that stays. */
  private String webhooks() {
    String created =
        post(
                W,
                W,
                """
        {"name":"Orders","url":"https://example.com/h","events":["payment_received"],"description":"d",
         "timeoutSeconds":1,"retrySchedule":[5,60],"headers":{"X-Team":"billing"}}""")
            .json()
            .get("id")
            .asText();
    fixture.webhooks.stats(UUID.fromString(created), new WebhookStats(3, 2, 1, Instant.now()));
    post(W, W, "{\"name\":\"\",\"url\":\"ftp://x\",\"events\":[]}");
    call("POST", W, W, "text/plain", "{}");
    call("POST", W, W, JSON, HUGE);
    get(W, W + "?q=orders&active=true&limit=1");
    get(W, W + "?limit=0");
    String path = W + "/" + created;
    get(W_ID, path);
    get(W_ID, W + "/" + MISSING);
    call(
        "PATCH",
        W_ID,
        path,
        JSON,
        "{\"retrySchedule\":null,\"description\":null,\"headers\":null}");
    call("PATCH", W_ID, path, JSON, "{\"timeoutSeconds\":0}");
    call("PATCH", W_ID, W + "/" + MISSING, JSON, "{}");
    call("PATCH", W_ID, path, "text/plain", "{}");
    call("PATCH", W_ID, path, JSON, HUGE);
    String doomed =
        post(W, W, "{\"name\":\"x\",\"url\":\"https://e.com/\",\"events\":[\"*\"]}")
            .json()
            .get("id")
            .asText();
    call("DELETE", W_ID, W + "/" + doomed, null, null);
    call("DELETE", W_ID, W + "/" + doomed, null, null);
    return created;
  }

  private void actions(String id) {
    String test = W_ID + "/test";
    String path = W + "/" + id;
    fixture.tasks.worker =
        task -> fixture.deliveries.add(Deliveries.testAttempt(task, 200, "ok", null, null));
    post(test, path + "/test", null);
    fixture.tasks.worker =
        task ->
            fixture.deliveries.add(
                Deliveries.testAttempt(task, null, null, "timeout", "read timed out"));
    post(test, path + "/test", "{\"event\":\"invoice_sent\"}");
    fixture.tasks.worker = task -> {};
    post(test, path + "/test", "{}"); // the worker never reports: 504
    post(test, path + "/test", "{\"event\":\"nope\"}");
    post(test, W + "/" + MISSING + "/test", null);
    call("POST", test, path + "/test", "text/plain", "x");
    call("POST", test, path + "/test", JSON, HUGE);
    fixture.tasks.failure = new java.io.IOException("kafka down");
    post(test, path + "/test", null);
    fixture.tasks.failure = null;

    String rotate = W_ID + "/rotate-secret";
    post(rotate, path + "/rotate-secret", null);
    post(rotate, path + "/rotate-secret", "{\"x\":1}");
    post(rotate, W + "/" + MISSING + "/rotate-secret", "{}");
    call("POST", rotate, path + "/rotate-secret", "text/plain", "x");
    call("POST", rotate, path + "/rotate-secret", JSON, HUGE);

    String recover = W_ID + "/recover";
    String window = "{\"since\":\"2020-01-01T00:00:00Z\"}";
    fixture.deliveries.add(
        Deliveries.delivery(
            UUID.randomUUID(),
            UUID.fromString(id),
            "event",
            DeliveryStatus.FAILED,
            8,
            Instant.parse("2020-06-01T00:00:00Z")));
    fixture.tasks.failure = new java.io.IOException("kafka down");
    post(recover, path + "/recover", window);
    fixture.tasks.failure = null;
    assertThat(post(recover, path + "/recover", window).json().get("count").asInt()).isEqualTo(1);
    post(recover, path + "/recover", "{\"since\":\"yesterday\"}");
    post(recover, W + "/" + MISSING + "/recover", window);
    call("POST", recover, path + "/recover", "text/plain", window);
    call("POST", recover, path + "/recover", JSON, HUGE);
  }

  private void deliveries(String id) {
    String list = W_ID + "/deliveries";
    UUID delivery = UUID.randomUUID();
    UUID test = UUID.randomUUID();
    fixture.deliveries.add(
        Deliveries.delivery(
            delivery, UUID.fromString(id), "event", DeliveryStatus.FAILED, 2, Instant.now()));
    fixture.deliveries.add(
        Deliveries.delivery(
            test, UUID.fromString(id), "test", DeliveryStatus.SUCCEEDED, 1, Instant.now()));
    get(list, W + "/" + id + "/deliveries?status=failed&since=2020-01-01T00:00:00Z&limit=1");
    get(list, W + "/" + id + "/deliveries?status=nope");
    get(list, W + "/" + MISSING + "/deliveries");

    get(D_ID, "/api/v1/deliveries/" + delivery);
    get(D_ID, "/api/v1/deliveries/" + MISSING);

    String retry = D_ID + "/retry";
    String path = "/api/v1/deliveries/" + delivery + "/retry";
    post(retry, path, null);
    post(retry, path, "{\"now\":true}");
    post(retry, "/api/v1/deliveries/" + MISSING + "/retry", null);
    post(retry, "/api/v1/deliveries/" + test + "/retry", null);
    call("POST", retry, path, "text/plain", "x");
    call("POST", retry, path, JSON, HUGE);
    fixture.tasks.failure = new java.io.IOException("kafka down");
    post(retry, path, null);
    fixture.tasks.failure = null;
  }

  /** Tenants, their tokens and portal links; a tenant's token where it may and may not go. */
  private void tenants(String networkWide) {
    String t = "/api/v1/tenants";
    String tId = t + "/{id}";
    post(t, t, "{\"id\":\"acme\",\"name\":\"Acme\",\"metadata\":{\"plan\":\"pro\"}}");
    post(t, t, "{\"id\":\"acme\",\"name\":\"Acme again\"}"); // 409
    post(t, t, "{\"id\":\"a b\",\"name\":\"\"}");
    call("POST", t, t, "text/plain", "{}");
    call("POST", t, t, JSON, HUGE);
    get(t, t + "?q=ac&limit=1");
    get(t, t + "?limit=0");
    get(tId, t + "/acme");
    get(tId, t + "/nobody");
    call("PATCH", tId, t + "/acme", JSON, "{\"name\":\"Acme Inc.\",\"metadata\":null}");
    call("PATCH", tId, t + "/acme", JSON, "{\"id\":\"other\"}");
    call("PATCH", tId, t + "/nobody", JSON, "{}");
    call("PATCH", tId, t + "/acme", "text/plain", "{}");
    call("PATCH", tId, t + "/acme", JSON, HUGE);

    String tokens = tId + "/tokens";
    String token = post(tokens, t + "/acme/tokens", null).json().get("token").asText();
    String spare = post(tokens, t + "/acme/tokens", "{}").json().get("id").asText();
    post(tokens, t + "/acme/tokens", "{\"name\":\"x\"}");
    post(tokens, t + "/nobody/tokens", null);
    call("POST", tokens, t + "/acme/tokens", "text/plain", "x");
    call("POST", tokens, t + "/acme/tokens", JSON, HUGE);
    get(tokens, t + "/acme/tokens");
    get(tokens, t + "/nobody/tokens");
    String oneToken = tokens + "/{tokenId}";
    call("DELETE", oneToken, t + "/acme/tokens/" + spare, null, null);
    call("DELETE", oneToken, t + "/acme/tokens/" + spare, null, null);

    String link = tId + "/portal-link";
    String url = post(link, t + "/acme/portal-link", null).json().get("url").asText();
    post(link, t + "/acme/portal-link", "{\"x\":1}");
    post(link, t + "/nobody/portal-link", null);
    call("POST", link, t + "/acme/portal-link", "text/plain", "x");
    call("POST", link, t + "/acme/portal-link", JSON, HUGE);
    String sessions = "/api/v1/portal/sessions";
    String code = url.substring(url.indexOf("#/portal/") + "#/portal/".length());
    call("POST", sessions, sessions, JSON, "{\"code\":\"" + code + "\"}", null);
    call("POST", sessions, sessions, JSON, "{\"code\":\"" + code + "\"}", null); // used: 400
    call("POST", sessions, sessions, "text/plain", "x", null);
    call("POST", sessions, sessions, JSON, HUGE, null);

    get("/api/v1/me", "/api/v1/me");
    call("GET", "/api/v1/me", "/api/v1/me", null, null, token);

    // a tenant's webhook, its deliveries, and what its token may not do
    String acmeHook =
        call(
                "POST",
                W,
                W,
                JSON,
                "{\"name\":\"A\",\"url\":\"https://e.com/\",\"events\":[\"*\"]}",
                token)
            .json()
            .get("id")
            .asText();
    call("PATCH", W_ID, W + "/" + acmeHook, JSON, "{\"tenant\":null}"); // 409
    call("PATCH", W_ID, W + "/" + networkWide, JSON, "{\"tenant\":\"acme\"}", token); // 404
    fixture.deliveries.add(
        Deliveries.delivery(
            UUID.randomUUID(),
            UUID.fromString(acmeHook),
            "event",
            DeliveryStatus.FAILED,
            1,
            Instant.now()));
    String log = "/api/v1/deliveries";
    get(log, log + "?tenant=acme&status=failed&limit=5");
    call("GET", log, log, null, null, token);
    get(log, log); // the admin must name the tenant: 400
    String example = Deliveries.example().toString();
    call(
        "POST",
        "/api/v1/events",
        "/api/v1/events",
        JSON,
        "{\"type\":\"payment_received\",\"tenant\":\"acme\",\"data\":" + example + "}",
        token);
    call(
        "POST",
        "/api/v1/events/batch",
        "/api/v1/events/batch",
        JSON,
        "{\"events\":[{\"type\":\"payment_received\",\"data\":" + example + "}]}",
        token);
    call("GET", t, t, null, null, token);
    call("POST", t, t, JSON, "{\"id\":\"x\",\"name\":\"x\"}", token);
    call("GET", tId, t + "/acme", null, null, token);
    call("PATCH", tId, t + "/acme", JSON, "{}", token);
    call("DELETE", tId, t + "/acme", null, null, token);
    call("POST", tokens, t + "/acme/tokens", null, null, token);
    call("GET", tokens, t + "/acme/tokens", null, null, token);
    call("DELETE", oneToken, t + "/acme/tokens/" + spare, null, null, token);
    call("POST", link, t + "/acme/portal-link", null, null, token);

    call("DELETE", tId, t + "/acme", null, null);
    call("DELETE", tId, t + "/acme", null, null);
  }

  /** Every secured operation without a token: 401. */
  private void unauthorized() {
    List<String> secured = contract.operations(true);
    assertThat(secured).hasSizeGreaterThan(10);
    for (String operation : secured) {
      String[] parts = operation.split(" ", 2);
      String path =
          parts[1]
              .replace("{id}", UUID.randomUUID().toString())
              .replace("{tokenId}", "tok_x")
              .replace("{type}", "payment_received");
      ApiFixture.Response response =
          call(parts[0], parts[1], path, JSON, parts[0].equals("GET") ? null : "{}", null);
      assertThat(response.status()).as(operation).isEqualTo(401);
    }
  }
}
