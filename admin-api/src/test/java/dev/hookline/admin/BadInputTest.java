package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.NewWebhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad request gets a 4xx problem naming what is wrong, and writes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final String JSON = "application/json";
  private static final String VALID =
      "{\"name\":\"Orders\",\"url\":\"https://example.com/hook\",\"events\":[\"payment_received\"]";
  private static final String MISSING = "00000000-0000-4000-8000-000000000000";

  private ApiFixture fixture;
  private String hook; // an existing webhook's path, for PATCH cases

  @BeforeAll
  void start() {
    fixture = new ApiFixture();
    UUID id = fixture.webhooks.create(new NewWebhook("Existing", "https://example.com/x", null,
        List.of("payment_received"), true, 15, null, null)).webhook().id();
    hook = "/api/v1/webhooks/" + id;
    fixture.deliveries.add(new DeliveryView(UUID.randomUUID(), id, "evt_1", "payment_received", "event",
        DeliveryStatus.SUCCEEDED, 1, 200, null, null, Instant.now(), Instant.now(), null, List.of()));
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  /** name, method, path, content type, body, expected status, expected field in errors (or null). */
  Stream<Arguments> cases() {
    List<Arguments> c = new ArrayList<>();
    String w = "/api/v1/webhooks";
    // POST /webhooks: fields
    c.add(of("name missing", "POST", w, JSON, "{\"url\":\"https://e.com\",\"events\":[\"*\"]}", 400, "name"));
    c.add(of("name empty", "POST", w, JSON, withField("name", "\"\""), 400, "name"));
    c.add(of("name blank", "POST", w, JSON, withField("name", "\"   \""), 400, "name"));
    c.add(of("name too long", "POST", w, JSON, withField("name", "\"" + "n".repeat(201) + "\""), 400, "name"));
    c.add(of("name not a string", "POST", w, JSON, withField("name", "42"), 400, "name"));
    c.add(of("name null", "POST", w, JSON, withField("name", "null"), 400, "name"));
    c.add(of("url missing", "POST", w, JSON, "{\"name\":\"a\",\"events\":[\"*\"]}", 400, "url"));
    c.add(of("url ftp", "POST", w, JSON, withField("url", "\"ftp://example.com/x\""), 400, "url"));
    c.add(of("url relative", "POST", w, JSON, withField("url", "\"/hook\""), 400, "url"));
    c.add(of("url no host", "POST", w, JSON, withField("url", "\"https:///path\""), 400, "url"));
    c.add(of("url with userinfo", "POST", w, JSON, withField("url", "\"https://u:p@example.com/\""), 400, "url"));
    c.add(of("url bad port", "POST", w, JSON, withField("url", "\"https://example.com:70000/\""), 400, "url"));
    c.add(of("url with space", "POST", w, JSON, withField("url", "\"https://exa mple.com/\""), 400, "url"));
    c.add(of("url too long", "POST", w, JSON,
        withField("url", "\"https://example.com/" + "a".repeat(2000) + "\""), 400, "url"));
    c.add(of("url not a string", "POST", w, JSON, withField("url", "[]"), 400, "url"));
    c.add(of("events missing", "POST", w, JSON, "{\"name\":\"a\",\"url\":\"https://e.com\"}", 400, "events"));
    c.add(of("events empty", "POST", w, JSON, withField("events", "[]"), 400, "events"));
    c.add(of("events a string", "POST", w, JSON, withField("events", "\"payment_received\""), 400, "events"));
    c.add(of("events unknown type", "POST", w, JSON, withField("events", "[\"*\",\"nope\"]"), 400, "events[1]"));
    c.add(of("events not strings", "POST", w, JSON, withField("events", "[1]"), 400, "events[0]"));
    c.add(of("active not boolean", "POST", w, JSON, withField("active", "\"yes\""), 400, "active"));
    c.add(of("description too long", "POST", w, JSON, withField("description", "\"" + "d".repeat(2001) + "\""), 400, "description"));
    c.add(of("timeout zero", "POST", w, JSON, withField("timeoutSeconds", "0"), 400, "timeoutSeconds"));
    c.add(of("timeout over 30", "POST", w, JSON, withField("timeoutSeconds", "31"), 400, "timeoutSeconds"));
    c.add(of("timeout a string", "POST", w, JSON, withField("timeoutSeconds", "\"10\""), 400, "timeoutSeconds"));
    c.add(of("timeout fractional", "POST", w, JSON, withField("timeoutSeconds", "1.5"), 400, "timeoutSeconds"));
    c.add(of("retry negative", "POST", w, JSON, withField("retrySchedule", "[5,-1]"), 400, "retrySchedule[1]"));
    c.add(of("retry empty", "POST", w, JSON, withField("retrySchedule", "[]"), 400, "retrySchedule"));
    c.add(of("header reserved", "POST", w, JSON, withField("headers", "{\"Webhook-Signature\":\"x\"}"), 400, "headers.Webhook-Signature"));
    c.add(of("header value newline", "POST", w, JSON, withField("headers", "{\"X-A\":\"a\\nb\"}"), 400, "headers.X-A"));
    c.add(of("header bad name", "POST", w, JSON, withField("headers", "{\"X A\":\"a\"}"), 400, "headers.X A"));
    c.add(of("unknown field", "POST", w, JSON, withField("secret", "\"mine\""), 400, "secret"));
    // POST /webhooks: the body itself
    c.add(of("malformed JSON", "POST", w, JSON, "{\"name\":", 400, "body"));
    c.add(of("trailing garbage", "POST", w, JSON, VALID + "} x", 400, "body"));
    c.add(of("duplicate key", "POST", w, JSON, VALID + ",\"name\":\"again\"}", 400, "body"));
    c.add(of("array body", "POST", w, JSON, "[]", 400, "body"));
    c.add(of("null body", "POST", w, JSON, "null", 400, "body"));
    c.add(of("empty body", "POST", w, JSON, "", 400, "body"));
    c.add(of("text/plain", "POST", w, "text/plain", VALID + "}", 415, null));
    c.add(of("no content type", "POST", w, null, VALID + "}", 415, null));
    c.add(of("form content type", "POST", w, "application/x-www-form-urlencoded", "name=a", 415, null));
    c.add(of("body over 1 MB", "POST", w, JSON, withField("description", "\"" + "d".repeat(1024 * 1024) + "\""), 413, null));
    // PATCH: the same rules on present fields
    c.add(of("patch name empty", "PATCH", hook, JSON, "{\"name\":\"\"}", 400, "name"));
    c.add(of("patch name null", "PATCH", hook, JSON, "{\"name\":null}", 400, "name"));
    c.add(of("patch url ftp", "PATCH", hook, JSON, "{\"url\":\"ftp://e.com\"}", 400, "url"));
    c.add(of("patch events empty", "PATCH", hook, JSON, "{\"events\":[]}", 400, "events"));
    c.add(of("patch active null", "PATCH", hook, JSON, "{\"active\":null}", 400, "active"));
    c.add(of("patch unknown field", "PATCH", hook, JSON, "{\"id\":\"x\"}", 400, "id"));
    c.add(of("patch malformed", "PATCH", hook, JSON, "{", 400, "body"));
    c.add(of("patch wrong type", "PATCH", hook, "text/plain", "{}", 415, null));
    c.add(of("patch unknown webhook", "PATCH", w + "/" + MISSING, JSON, "{\"name\":\"x\"}", 404, null));
    // ids and query parameters
    c.add(of("get bad uuid", "GET", w + "/not-a-uuid", null, null, 404, null));
    c.add(of("get unknown", "GET", w + "/" + MISSING, null, null, 404, null));
    c.add(of("delete bad uuid", "DELETE", w + "/123", null, null, 404, null));
    c.add(of("delete unknown", "DELETE", w + "/" + MISSING, null, null, 404, null));
    c.add(of("limit zero", "GET", w + "?limit=0", null, null, 400, "limit"));
    c.add(of("limit too big", "GET", w + "?limit=101", null, null, 400, "limit"));
    c.add(of("limit not a number", "GET", w + "?limit=ten", null, null, 400, "limit"));
    c.add(of("after not a cursor", "GET", w + "?after=xyz", null, null, 400, "after"));
    c.add(of("deliveries bad status", "GET", hook + "/deliveries?status=bogus", null, null, 400, "status"));
    c.add(of("deliveries bad cursor", "GET", hook + "/deliveries?cursor=1", null, null, 400, "cursor"));
    c.add(of("deliveries bad limit", "GET", hook + "/deliveries?limit=-1", null, null, 400, "limit"));
    c.add(of("deliveries unknown webhook", "GET", w + "/" + MISSING + "/deliveries", null, null, 404, null));
    c.add(of("delivery bad uuid", "GET", "/api/v1/deliveries/abc", null, null, 404, null));
    c.add(of("delivery unknown", "GET", "/api/v1/deliveries/" + MISSING, null, null, 404, null));
    c.add(of("event type unknown", "GET", "/api/v1/event-types/nope", null, null, 404, null));
    c.add(of("unknown route", "GET", "/api/v1/nope", null, null, 404, null));
    c.add(of("unsupported method", "PUT", w, JSON, "{}", 404, null));
    // POST /events
    String e = "/api/v1/events";
    c.add(of("event type missing", "POST", e, JSON, "{\"data\":{}}", 400, "type"));
    c.add(of("event type unknown", "POST", e, JSON, "{\"type\":\"nope\",\"data\":{}}", 400, "type"));
    c.add(of("event type not string", "POST", e, JSON, "{\"type\":1,\"data\":{}}", 400, "type"));
    c.add(of("event data missing", "POST", e, JSON, "{\"type\":\"payment_received\"}", 400, "data"));
    c.add(of("event data not object", "POST", e, JSON, "{\"type\":\"payment_received\",\"data\":[1]}", 400, "data"));
    c.add(of("event key not string", "POST", e, JSON, "{\"type\":\"payment_received\",\"data\":{},\"key\":7}", 400, "key"));
    c.add(of("event unknown field", "POST", e, JSON, "{\"type\":\"payment_received\",\"data\":{},\"extra\":1}", 400, "extra"));
    c.add(of("event malformed", "POST", e, JSON, "{\"type\"", 400, "body"));
    c.add(of("event wrong content type", "POST", e, "text/plain", "{}", 415, null));
    c.add(of("event data over 256 KB", "POST", e, JSON,
        "{\"type\":\"payment_received\",\"data\":{\"pad\":\"" + "x".repeat(256 * 1024) + "\"}}", 413, null));
    return c.stream();
  }

  private static Arguments of(String name, String method, String path, String contentType, String body, int status, String field) {
    return Arguments.of(name, method, path, contentType, body, status, field);
  }

  /** The valid body with one field set (or replaced) to the given raw JSON value. */
  private static String withField(String field, String jsonValue) {
    ObjectNode body = (ObjectNode) Json.readTree((VALID + "}").getBytes(StandardCharsets.UTF_8));
    body.set(field, Json.readTree(jsonValue.getBytes(StandardCharsets.UTF_8)));
    return body.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAProblemAndWritesNothing(
      String name, String method, String path, String contentType, String body, int status, String field) {
    int writesBefore = fixture.webhooks.writes();

    ApiFixture.Response response = fixture.send(method, path, contentType, body, ApiFixture.TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).isNotBlank();
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    if (field != null) {
      assertThat(problem.get("errors").findValuesAsText("field")).as(response.body()).contains(field);
    }
    assertThat(fixture.webhooks.writes()).as("store writes").isEqualTo(writesBefore);
    assertThat(fixture.publishing.published).as("published events").isEmpty();
  }
}
