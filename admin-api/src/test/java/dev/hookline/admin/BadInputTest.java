package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.TestWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad request gets a 4xx problem naming what is wrong, and writes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ApiFixtureExtension.class)
class BadInputTest {
  private static final String JSON = "application/json";
  private static final String VALID =
      "{\"name\":\"Orders\",\"url\":\"https://example.com/hook\",\"events\":[\"payment_received\"]";
  private static final String MISSING = "00000000-0000-4000-8000-000000000000";

  private final ApiFixture fixture;
  private String hook; // an existing webhook's path, for PATCH cases
  private String delivery; // an existing delivery's path
  private String testDelivery; // an existing test delivery's path

  /**
   * @param fixture on the in-memory store here, on PostgreSQL in {@link BadInputOnPostgresTest}
   */
  BadInputTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  @BeforeAll
  void existingResources() {
    assertThat(
            fixture
                .backend
                .tenants()
                .create(new dev.hookline.store.NewTenant("acme", "Acme", null)))
        .isPresent();
    UUID id =
        fixture
            .backend
            .webhooks()
            .create(TestWebhooks.newWebhook().name("Existing").url("https://example.com/x").build())
            .webhook()
            .id();
    hook = "/api/v1/webhooks/" + id;
    UUID deliveryId = UUID.randomUUID();
    fixture.backend.addDelivery(
        Deliveries.delivery(deliveryId, id, "event", DeliveryStatus.FAILED, 1, Instant.now()));
    delivery = "/api/v1/deliveries/" + deliveryId;
    UUID testId = UUID.randomUUID();
    fixture.backend.addDelivery(
        Deliveries.delivery(testId, id, "test", DeliveryStatus.FAILED, 1, Instant.now()));
    testDelivery = "/api/v1/deliveries/" + testId;
  }

  /**
   * name, method, path, content type, body, expected status, expected field in errors (or null).
   */
  Stream<Arguments> cases() {
    List<Arguments> c = new ArrayList<>();
    String w = "/api/v1/webhooks";
    // POST /webhooks: fields
    c.add(
        of(
            "name missing",
            "POST",
            w,
            JSON,
            "{\"url\":\"https://e.com\",\"events\":[\"*\"]}",
            400,
            "name"));
    c.add(of("name empty", "POST", w, JSON, withField("name", "\"\""), 400, "name"));
    c.add(of("name blank", "POST", w, JSON, withField("name", "\"   \""), 400, "name"));
    c.add(
        of(
            "name too long",
            "POST",
            w,
            JSON,
            withField("name", "\"" + "n".repeat(201) + "\""),
            400,
            "name"));
    c.add(of("name not a string", "POST", w, JSON, withField("name", "42"), 400, "name"));
    c.add(of("name null", "POST", w, JSON, withField("name", "null"), 400, "name"));
    c.add(of("url missing", "POST", w, JSON, "{\"name\":\"a\",\"events\":[\"*\"]}", 400, "url"));
    c.add(of("url ftp", "POST", w, JSON, withField("url", "\"ftp://example.com/x\""), 400, "url"));
    c.add(of("url relative", "POST", w, JSON, withField("url", "\"/hook\""), 400, "url"));
    c.add(of("url no host", "POST", w, JSON, withField("url", "\"https:///path\""), 400, "url"));
    c.add(
        of(
            "url with userinfo",
            "POST",
            w,
            JSON,
            withField("url", "\"https://u:p@example.com/\""),
            400,
            "url"));
    c.add(
        of(
            "url bad port",
            "POST",
            w,
            JSON,
            withField("url", "\"https://example.com:70000/\""),
            400,
            "url"));
    c.add(
        of(
            "url with space",
            "POST",
            w,
            JSON,
            withField("url", "\"https://exa mple.com/\""),
            400,
            "url"));
    c.add(
        of(
            "url too long",
            "POST",
            w,
            JSON,
            withField("url", "\"https://example.com/" + "a".repeat(2000) + "\""),
            400,
            "url"));
    c.add(of("url not a string", "POST", w, JSON, withField("url", "[]"), 400, "url"));
    c.add(
        of(
            "events missing",
            "POST",
            w,
            JSON,
            "{\"name\":\"a\",\"url\":\"https://e.com\"}",
            400,
            "events"));
    c.add(of("events empty", "POST", w, JSON, withField("events", "[]"), 400, "events"));
    c.add(
        of(
            "events a string",
            "POST",
            w,
            JSON,
            withField("events", "\"payment_received\""),
            400,
            "events"));
    c.add(
        of(
            "events unknown type",
            "POST",
            w,
            JSON,
            withField("events", "[\"*\",\"nope\"]"),
            400,
            "events[1]"));
    c.add(of("events not strings", "POST", w, JSON, withField("events", "[1]"), 400, "events[0]"));
    c.add(of("active not boolean", "POST", w, JSON, withField("active", "\"yes\""), 400, "active"));
    c.add(
        of(
            "description too long",
            "POST",
            w,
            JSON,
            withField("description", "\"" + "d".repeat(2001) + "\""),
            400,
            "description"));
    // what PostgreSQL cannot store as given (Storable): NUL, lone surrogates
    c.add(of("name lone surrogate", "POST", w, JSON, rawWith("name", "\"a\\ud800\""), 400, "name"));
    c.add(
        of(
            "description with NUL",
            "POST",
            w,
            JSON,
            withField("description", "\"a\\u0000b\""),
            400,
            "description"));
    c.add(
        of(
            "description lone surrogate",
            "POST",
            w,
            JSON,
            rawWith("description", "\"a\\udc00\""),
            400,
            "description"));
    c.add(
        of(
            "url lone surrogate",
            "POST",
            w,
            JSON,
            rawWith("url", "\"https://example.com/\\ud800\""),
            400,
            "url"));
    c.add(
        of(
            "header value lone surrogate",
            "POST",
            w,
            JSON,
            rawWith("headers", "{\"X-A\":\"\\ud800\"}"),
            400,
            "headers.X-A"));
    c.add(
        of(
            "timeout zero",
            "POST",
            w,
            JSON,
            withField("timeoutSeconds", "0"),
            400,
            "timeoutSeconds"));
    c.add(
        of(
            "timeout over 30",
            "POST",
            w,
            JSON,
            withField("timeoutSeconds", "31"),
            400,
            "timeoutSeconds"));
    c.add(
        of(
            "timeout a string",
            "POST",
            w,
            JSON,
            withField("timeoutSeconds", "\"10\""),
            400,
            "timeoutSeconds"));
    c.add(
        of(
            "timeout fractional",
            "POST",
            w,
            JSON,
            withField("timeoutSeconds", "1.5"),
            400,
            "timeoutSeconds"));
    c.add(of("rate limit zero", "POST", w, JSON, withField("rateLimit", "0"), 400, "rateLimit"));
    c.add(
        of(
            "rate limit over 10000",
            "POST",
            w,
            JSON,
            withField("rateLimit", "10001"),
            400,
            "rateLimit"));
    c.add(
        of("rate limit negative", "POST", w, JSON, withField("rateLimit", "-1"), 400, "rateLimit"));
    c.add(
        of(
            "rate limit fractional",
            "POST",
            w,
            JSON,
            withField("rateLimit", "1.5"),
            400,
            "rateLimit"));
    c.add(
        of(
            "rate limit a string",
            "POST",
            w,
            JSON,
            withField("rateLimit", "\"abc\""),
            400,
            "rateLimit"));
    c.add(
        of(
            "rate limit a boolean",
            "POST",
            w,
            JSON,
            withField("rateLimit", "true"),
            400,
            "rateLimit"));
    c.add(
        of(
            "rate limit past int",
            "POST",
            w,
            JSON,
            withField("rateLimit", "4294967296"),
            400,
            "rateLimit"));
    c.add(
        of(
            "retry negative",
            "POST",
            w,
            JSON,
            withField("retrySchedule", "[5,-1]"),
            400,
            "retrySchedule[1]"));
    c.add(
        of(
            "retry step zero",
            "POST",
            w,
            JSON,
            withField("retrySchedule", "[0]"),
            400,
            "retrySchedule[0]"));
    c.add(
        of(
            "retry step over 24 h",
            "POST",
            w,
            JSON,
            withField("retrySchedule", "[5,86401]"),
            400,
            "retrySchedule[1]"));
    c.add(
        of(
            "retry 21 steps",
            "POST",
            w,
            JSON,
            withField("retrySchedule", "[" + "1,".repeat(20) + "1]"),
            400,
            "retrySchedule"));
    c.add(
        of(
            "retry not an array",
            "POST",
            w,
            JSON,
            withField("retrySchedule", "5"),
            400,
            "retrySchedule"));
    c.add(
        of("retry empty", "POST", w, JSON, withField("retrySchedule", "[]"), 400, "retrySchedule"));
    c.add(
        of(
            "header reserved",
            "POST",
            w,
            JSON,
            withField("headers", "{\"Webhook-Signature\":\"x\"}"),
            400,
            "headers.Webhook-Signature"));
    c.add(
        of(
            "header value newline",
            "POST",
            w,
            JSON,
            withField("headers", "{\"X-A\":\"a\\nb\"}"),
            400,
            "headers.X-A"));
    c.add(
        of(
            "header bad name",
            "POST",
            w,
            JSON,
            withField("headers", "{\"X A\":\"a\"}"),
            400,
            "headers.X A"));
    c.add(of("unknown field", "POST", w, JSON, withField("secret", "\"mine\""), 400, "secret"));
    filterCases(c, w);
    // POST /webhooks: the body itself
    c.add(of("malformed JSON", "POST", w, JSON, "{\"name\":", 400, "body"));
    c.add(of("trailing garbage", "POST", w, JSON, VALID + "} x", 400, "body"));
    c.add(of("duplicate key", "POST", w, JSON, VALID + ",\"name\":\"again\"}", 400, "body"));
    c.add(of("array body", "POST", w, JSON, "[]", 400, "body"));
    c.add(of("null body", "POST", w, JSON, "null", 400, "body"));
    c.add(of("empty body", "POST", w, JSON, "", 400, "body"));
    c.add(of("text/plain", "POST", w, "text/plain", VALID + "}", 415, null));
    c.add(of("no content type", "POST", w, null, VALID + "}", 415, null));
    c.add(
        of(
            "form content type",
            "POST",
            w,
            "application/x-www-form-urlencoded",
            "name=a",
            415,
            null));
    c.add(
        of(
            "body over 1 MB",
            "POST",
            w,
            JSON,
            withField("description", "\"" + "d".repeat(1024 * 1024) + "\""),
            413,
            null));
    // PATCH: the same rules on present fields
    c.add(of("patch name empty", "PATCH", hook, JSON, "{\"name\":\"\"}", 400, "name"));
    c.add(of("patch name null", "PATCH", hook, JSON, "{\"name\":null}", 400, "name"));
    c.add(of("patch url ftp", "PATCH", hook, JSON, "{\"url\":\"ftp://e.com\"}", 400, "url"));
    c.add(of("patch events empty", "PATCH", hook, JSON, "{\"events\":[]}", 400, "events"));
    c.add(of("patch active null", "PATCH", hook, JSON, "{\"active\":null}", 400, "active"));
    c.add(of("patch rate limit zero", "PATCH", hook, JSON, "{\"rateLimit\":0}", 400, "rateLimit"));
    c.add(
        of(
            "patch rate limit a string",
            "PATCH",
            hook,
            JSON,
            "{\"rateLimit\":\"abc\"}",
            400,
            "rateLimit"));
    c.add(of("patch unknown field", "PATCH", hook, JSON, "{\"id\":\"x\"}", 400, "id"));
    c.add(of("patch malformed", "PATCH", hook, JSON, "{", 400, "body"));
    c.add(of("patch wrong type", "PATCH", hook, "text/plain", "{}", 415, null));
    c.add(
        of(
            "patch unknown charset",
            "PATCH",
            hook,
            "application/json; charset=nonsense",
            "{}",
            415,
            null));
    c.add(
        of(
            "patch unknown webhook",
            "PATCH",
            w + "/" + MISSING,
            JSON,
            "{\"name\":\"x\"}",
            404,
            null));
    c.add(
        of(
            "patch retry empty",
            "PATCH",
            hook,
            JSON,
            "{\"retrySchedule\":[]}",
            400,
            "retrySchedule"));
    c.add(
        of(
            "patch retry step zero",
            "PATCH",
            hook,
            JSON,
            "{\"retrySchedule\":[0]}",
            400,
            "retrySchedule[0]"));
    c.add(
        of(
            "patch timeout over 30",
            "PATCH",
            hook,
            JSON,
            "{\"timeoutSeconds\":31}",
            400,
            "timeoutSeconds"));
    c.add(
        of(
            "patch header reserved",
            "PATCH",
            hook,
            JSON,
            "{\"headers\":{\"Host\":\"x\"}}",
            400,
            "headers.Host"));
    c.add(
        of(
            "patch description with NUL",
            "PATCH",
            hook,
            JSON,
            "{\"description\":\"\\u0000\"}",
            400,
            "description"));
    c.add(
        of(
            "patch over 1 MB",
            "PATCH",
            hook,
            JSON,
            "{\"description\":\"" + "d".repeat(1024 * 1024) + "\"}",
            413,
            null));
    // list filters
    c.add(of("active not a boolean", "GET", w + "?active=yes", null, null, 400, "active"));
    c.add(of("search too long", "GET", w + "?q=" + "q".repeat(201), null, null, 400, "q"));
    c.add(of("search with NUL", "GET", w + "?q=a%00b", null, null, 400, "q"));
    c.add(
        of(
            "deliveries since not a date",
            "GET",
            hook + "/deliveries?since=yesterday",
            null,
            null,
            400,
            "since"));
    c.add(
        of(
            "deliveries since without offset",
            "GET",
            hook + "/deliveries?since=2020-01-01T10:00:00",
            null,
            null,
            400,
            "since"));
    // POST /webhooks/{id}/test
    c.add(
        of(
            "test unknown field",
            "POST",
            hook + "/test",
            JSON,
            "{\"type\":\"payment_received\"}",
            400,
            "type"));
    c.add(
        of("test event not a string", "POST", hook + "/test", JSON, "{\"event\":1}", 400, "event"));
    c.add(
        of(
            "test event unknown",
            "POST",
            hook + "/test",
            JSON,
            "{\"event\":\"nope\"}",
            400,
            "event"));
    c.add(
        of("test event wildcard", "POST", hook + "/test", JSON, "{\"event\":\"*\"}", 400, "event"));
    c.add(of("test malformed", "POST", hook + "/test", JSON, "{\"event\"", 400, "body"));
    c.add(of("test array body", "POST", hook + "/test", JSON, "[]", 400, "body"));
    c.add(
        of("test wrong content type", "POST", hook + "/test", "text/plain", "event=x", 415, null));
    c.add(
        of(
            "test over 1 MB",
            "POST",
            hook + "/test",
            JSON,
            "{\"event\":\"" + "e".repeat(1024 * 1024) + "\"}",
            413,
            null));
    c.add(of("test unknown webhook", "POST", w + "/" + MISSING + "/test", null, null, 404, null));
    c.add(of("test bad uuid", "POST", w + "/nope/test", null, null, 404, null));
    // POST /webhooks/{id}/rotate-secret
    c.add(
        of(
            "rotate unknown field",
            "POST",
            hook + "/rotate-secret",
            JSON,
            "{\"secret\":\"whsec_mine\"}",
            400,
            "secret"));
    c.add(of("rotate malformed", "POST", hook + "/rotate-secret", JSON, "{", 400, "body"));
    c.add(
        of(
            "rotate wrong content type",
            "POST",
            hook + "/rotate-secret",
            "text/plain",
            "now",
            415,
            null));
    c.add(
        of(
            "rotate illegal charset",
            "POST",
            hook + "/rotate-secret",
            "application/json; charset=\"\"",
            "{}",
            415,
            null));
    c.add(
        of(
            "rotate unknown webhook",
            "POST",
            w + "/" + MISSING + "/rotate-secret",
            null,
            null,
            404,
            null));
    // POST /webhooks/{id}/recover
    String r = hook + "/recover";
    c.add(
        of(
            "recover since missing",
            "POST",
            r,
            JSON,
            "{\"until\":\"2020-01-01T10:00:00Z\"}",
            400,
            "since"));
    c.add(of("recover since null", "POST", r, JSON, "{\"since\":null}", 400, "since"));
    c.add(
        of("recover since not a date", "POST", r, JSON, "{\"since\":\"last week\"}", 400, "since"));
    c.add(of("recover since a number", "POST", r, JSON, "{\"since\":1732788000}", 400, "since"));
    c.add(
        of(
            "recover since in the future",
            "POST",
            r,
            JSON,
            "{\"since\":\"2999-01-01T00:00:00Z\"}",
            400,
            "since"));
    c.add(
        of(
            "recover until before since",
            "POST",
            r,
            JSON,
            "{\"since\":\"2020-01-01T10:00:00Z\",\"until\":\"2020-01-01T09:00:00Z\"}",
            400,
            "until"));
    c.add(
        of(
            "recover empty window",
            "POST",
            r,
            JSON,
            "{\"since\":\"2020-01-01T10:00:00Z\",\"until\":\"2020-01-01T11:00:00+01:00\"}",
            400,
            "until"));
    c.add(
        of(
            "recover until not a date",
            "POST",
            r,
            JSON,
            "{\"since\":\"2020-01-01T10:00:00Z\",\"until\":\"soon\"}",
            400,
            "until"));
    c.add(
        of(
            "recover unknown field",
            "POST",
            r,
            JSON,
            "{\"since\":\"2020-01-01T10:00:00Z\",\"status\":\"failed\"}",
            400,
            "status"));
    c.add(of("recover empty body", "POST", r, JSON, "", 400, "body"));
    c.add(of("recover malformed", "POST", r, JSON, "{\"since\":", 400, "body"));
    c.add(of("recover wrong content type", "POST", r, "text/plain", "{}", 415, null));
    c.add(
        of(
            "recover over 1 MB",
            "POST",
            r,
            JSON,
            "{\"since\":\"" + "s".repeat(1024 * 1024) + "\"}",
            413,
            null));
    c.add(
        of(
            "recover unknown webhook",
            "POST",
            w + "/" + MISSING + "/recover",
            JSON,
            "{\"since\":\"2020-01-01T10:00:00Z\"}",
            404,
            null));
    // POST /deliveries/{id}/retry
    c.add(
        of(
            "retry unknown field",
            "POST",
            delivery + "/retry",
            JSON,
            "{\"attempt\":3}",
            400,
            "attempt"));
    c.add(of("retry malformed", "POST", delivery + "/retry", JSON, "{", 400, "body"));
    c.add(
        of(
            "retry wrong content type",
            "POST",
            delivery + "/retry",
            "text/plain",
            "now",
            415,
            null));
    c.add(
        of(
            "retry unknown delivery",
            "POST",
            "/api/v1/deliveries/" + MISSING + "/retry",
            null,
            null,
            404,
            null));
    c.add(of("retry bad uuid", "POST", "/api/v1/deliveries/x/retry", null, null, 404, null));
    c.add(of("retry a test delivery", "POST", testDelivery + "/retry", null, null, 409, null));
    c.add(of("retry wrong method", "GET", delivery + "/retry", null, null, 404, null));
    // ids and query parameters
    c.add(of("get bad uuid", "GET", w + "/not-a-uuid", null, null, 404, null));
    c.add(of("get unknown", "GET", w + "/" + MISSING, null, null, 404, null));
    c.add(of("delete bad uuid", "DELETE", w + "/123", null, null, 404, null));
    c.add(of("delete unknown", "DELETE", w + "/" + MISSING, null, null, 404, null));
    c.add(of("limit zero", "GET", w + "?limit=0", null, null, 400, "limit"));
    c.add(of("limit too big", "GET", w + "?limit=101", null, null, 400, "limit"));
    c.add(of("limit not a number", "GET", w + "?limit=ten", null, null, 400, "limit"));
    c.add(of("after not a cursor", "GET", w + "?after=xyz", null, null, 400, "after"));
    c.add(
        of(
            "deliveries bad status",
            "GET",
            hook + "/deliveries?status=bogus",
            null,
            null,
            400,
            "status"));
    c.add(
        of(
            "deliveries bad cursor",
            "GET",
            hook + "/deliveries?cursor=1",
            null,
            null,
            400,
            "cursor"));
    c.add(
        of("deliveries bad limit", "GET", hook + "/deliveries?limit=-1", null, null, 400, "limit"));
    c.add(
        of(
            "deliveries unknown webhook",
            "GET",
            w + "/" + MISSING + "/deliveries",
            null,
            null,
            404,
            null));
    c.add(of("delivery bad uuid", "GET", "/api/v1/deliveries/abc", null, null, 404, null));
    c.add(of("delivery unknown", "GET", "/api/v1/deliveries/" + MISSING, null, null, 404, null));
    c.add(of("event type unknown", "GET", "/api/v1/event-types/nope", null, null, 404, null));
    tenantCases(c, w);
    c.add(of("unknown route", "GET", "/api/v1/nope", null, null, 404, null));
    c.add(of("unsupported method", "PUT", w, JSON, "{}", 404, null));
    // POST /events
    String e = "/api/v1/events";
    c.add(of("event type missing", "POST", e, JSON, "{\"data\":{}}", 400, "type"));
    c.add(
        of("event type unknown", "POST", e, JSON, "{\"type\":\"nope\",\"data\":{}}", 400, "type"));
    c.add(of("event type not string", "POST", e, JSON, "{\"type\":1,\"data\":{}}", 400, "type"));
    c.add(
        of("event data missing", "POST", e, JSON, "{\"type\":\"payment_received\"}", 400, "data"));
    c.add(
        of(
            "event data not object",
            "POST",
            e,
            JSON,
            "{\"type\":\"payment_received\",\"data\":[1]}",
            400,
            "data"));
    c.add(
        of(
            "event key not string",
            "POST",
            e,
            JSON,
            "{\"type\":\"payment_received\",\"data\":{},\"key\":7}",
            400,
            "key"));
    c.add(
        of(
            "event unknown field",
            "POST",
            e,
            JSON,
            "{\"type\":\"payment_received\",\"data\":{},\"extra\":1}",
            400,
            "extra"));
    c.add(of("event malformed", "POST", e, JSON, "{\"type\"", 400, "body"));
    c.add(
        of(
            "event data with NUL",
            "POST",
            e,
            JSON,
            eventWith("\"note\":\"a\\u0000b\""),
            400,
            "data.note"));
    c.add(
        of(
            "event data with NUL in an array",
            "POST",
            e,
            JSON,
            eventWith("\"notes\":[\"ok\",\"\\u0000\"]"),
            400,
            "data.notes[1]"));
    c.add(
        of("event data key with NUL", "POST", e, JSON, eventWith("\"a\\u0000b\":1"), 400, "data"));
    c.add(
        of(
            "event data lone surrogate",
            "POST",
            e,
            JSON,
            eventWith("\"note\":\"\\ud800\""),
            400,
            "data.note"));
    c.add(of("event wrong content type", "POST", e, "text/plain", "{}", 415, null));
    c.add(
        of(
            "event data over 256 KB",
            "POST",
            e,
            JSON,
            "{\"type\":\"payment_received\",\"data\":{\"pad\":\"" + "x".repeat(256 * 1024) + "\"}}",
            413,
            null));
    // POST /events/batch: what makes the whole batch unreadable (each event's own errors are in
    // batchItemErrorsAreAnsweredEachOnItsOwn)
    String b = "/api/v1/events/batch";
    String one = eventWith("\"n\":1");
    c.add(of("batch events missing", "POST", b, JSON, "{}", 400, "events"));
    c.add(of("batch events not array", "POST", b, JSON, "{\"events\":{}}", 400, "events"));
    c.add(of("batch events empty", "POST", b, JSON, "{\"events\":[]}", 400, "events"));
    c.add(
        of(
            "batch over 1000 events",
            "POST",
            b,
            JSON,
            "{\"events\":[" + String.join(",", java.util.Collections.nCopies(1001, one)) + "]}",
            400,
            "events"));
    c.add(
        of(
            "batch unknown field",
            "POST",
            b,
            JSON,
            "{\"events\":[" + one + "],\"extra\":1}",
            400,
            "extra"));
    c.add(of("batch malformed", "POST", b, JSON, "{\"events\":[", 400, "body"));
    c.add(of("batch wrong content type", "POST", b, "text/plain", "{}", 415, null));
    c.add(
        of(
            "batch over 5 MB",
            "POST",
            b,
            JSON,
            "{\"events\":[\"" + "x".repeat(5 * 1024 * 1024) + "\"]}",
            413,
            null));
    return c.stream();
  }

  /** One bad event of a batch: its field, named by its position, and the expected status. */
  static Stream<Arguments> batchItems() {
    String example = Deliveries.example().toString();
    return Stream.of(
        Arguments.of("\"not an object\"", 400, "events[1]"),
        Arguments.of("{\"data\":{}}", 400, "events[1].type"),
        Arguments.of("{\"type\":\"nope\",\"data\":{}}", 400, "events[1].type"),
        Arguments.of("{\"type\":1,\"data\":{}}", 400, "events[1].type"),
        Arguments.of("{\"type\":\"payment_received\"}", 400, "events[1].data"),
        Arguments.of(
            "{\"type\":\"payment_received\",\"data\":{}}", 400, "events[1].data.payment_id"),
        Arguments.of(
            "{\"type\":\"payment_received\",\"data\":" + example + ",\"key\":7}",
            400,
            "events[1].key"),
        Arguments.of(
            "{\"type\":\"payment_received\",\"data\":" + example + ",\"tenant\":\"a b\"}",
            400,
            "events[1].tenant"),
        Arguments.of(
            "{\"type\":\"payment_received\",\"data\":" + example + ",\"extra\":1}",
            400,
            "events[1].extra"),
        Arguments.of(
            "{\"type\":\"payment_received\",\"data\":" + example + ",\"idempotencyKey\":\"a b\"}",
            400,
            "events[1].idempotencyKey"),
        Arguments.of(eventWith("\"note\":\"a\\u0000b\""), 400, "events[1].data.note"),
        Arguments.of(
            "{\"type\":\"payment_received\",\"data\":{\"pad\":\"" + "x".repeat(256 * 1024) + "\"}}",
            413,
            null));
  }

  /**
   * A bad event in a batch is answered on its own, with a problem naming its field by position; the
   * good events around it are published, in order, and only they.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("batchItems")
  void batchItemErrorsAreAnsweredEachOnItsOwn(String bad, int status, String field) {
    String good = eventWith("\"n\":1");
    fixture.publishing.published.clear();
    ApiFixture.Response response =
        fixture.send(
            "POST",
            "/api/v1/events/batch",
            JSON,
            "{\"events\":[" + good + "," + bad + "," + good + "]}",
            ApiFixture.TOKEN);
    try {
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      JsonNode body = response.json();
      assertThat(body.get("accepted").asInt()).isEqualTo(2);
      assertThat(body.get("rejected").asInt()).isEqualTo(1);
      JsonNode results = body.get("results");
      assertThat(results.findValuesAsText("index")).containsExactly("0", "1", "2");
      assertThat(results.get(0).get("status").asInt()).isEqualTo(202);
      assertThat(results.get(2).get("status").asInt()).isEqualTo(202);
      JsonNode rejected = results.get(1);
      assertThat(rejected.get("status").asInt()).isEqualTo(status);
      assertThat(rejected.has("id")).isFalse();
      assertThat(rejected.get("problem").get("status").asInt()).isEqualTo(status);
      if (field == null) {
        assertThat(rejected.get("problem").get("detail").asText()).contains("events[1].data");
      } else {
        assertThat(rejected.get("problem").get("errors").findValuesAsText("field"))
            .as(response.body())
            .contains(field);
      }
      assertThat(fixture.publishing.published)
          .extracting(FakePublishing.Published::id)
          .containsExactly(results.get(0).get("id").asText(), results.get(2).get("id").asText());
    } finally {
      fixture.publishing.published.clear();
    }
  }

  /** The tenant field of webhooks and events, and the tenant, token and portal routes. */
  private void tenantCases(List<Arguments> c, String w) {
    String bad64 = "\"" + "t".repeat(65) + "\"";
    for (String bad : List.of("\"\"", "\"a b\"", "\"a|b\"", "\"ä\"", bad64, "7", "[]", "{}")) {
      c.add(of("webhook tenant " + bad, "POST", w, JSON, withField("tenant", bad), 400, "tenant"));
      c.add(
          of(
              "patch tenant " + bad,
              "PATCH",
              hook,
              JSON,
              "{\"tenant\":" + bad + "}",
              400,
              "tenant"));
      c.add(
          of(
              "event tenant " + bad,
              "POST",
              "/api/v1/events",
              JSON,
              "{\"type\":\"payment_received\",\"data\":{},\"tenant\":" + bad + "}",
              400,
              "tenant"));
    }
    c.add(
        of(
            "webhook tenant unknown",
            "POST",
            w,
            JSON,
            withField("tenant", "\"nobody\""),
            400,
            "tenant"));
    c.add(
        of(
            "moving a webhook into a tenant",
            "PATCH",
            hook,
            JSON,
            "{\"tenant\":\"acme\"}",
            409,
            null));
    c.add(of("webhooks tenant filter", "GET", w + "?tenant=a%20b", null, null, 400, "tenant"));
    String log = "/api/v1/deliveries";
    c.add(of("delivery log without tenant", "GET", log, null, null, 400, "tenant"));
    c.add(of("delivery log bad tenant", "GET", log + "?tenant=a%7Cb", null, null, 400, "tenant"));
    c.add(
        of(
            "delivery log bad status",
            "GET",
            log + "?tenant=acme&status=nope",
            null,
            null,
            400,
            "status"));
    c.add(
        of(
            "delivery log bad cursor",
            "GET",
            log + "?tenant=acme&cursor=x",
            null,
            null,
            400,
            "cursor"));
    c.add(
        of(
            "delivery log bad since",
            "GET",
            log + "?tenant=acme&since=x",
            null,
            null,
            400,
            "since"));
    c.add(
        of(
            "delivery log bad limit",
            "GET",
            log + "?tenant=acme&limit=0",
            null,
            null,
            400,
            "limit"));

    String t = "/api/v1/tenants";
    c.add(of("tenant id missing", "POST", t, JSON, "{\"name\":\"x\"}", 400, "id"));
    c.add(of("tenant search with NUL", "GET", t + "?q=a%00b", null, null, 400, "q"));
    c.add(of("tenant search too long", "GET", t + "?q=" + "q".repeat(201), null, null, 400, "q"));
    c.add(
        of(
            "tenant metadata lone surrogate",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":{\"k\":\"a\\uD800\"}}",
            400,
            "metadata.k"));
    c.add(of("tenant name missing", "POST", t, JSON, "{\"id\":\"x\"}", 400, "name"));
    for (String bad : List.of("\"\"", "\"a b\"", "\"a/b\"", bad64, "1", "null")) {
      c.add(
          of(
              "tenant id " + bad,
              "POST",
              t,
              JSON,
              "{\"id\":" + bad + ",\"name\":\"x\"}",
              400,
              "id"));
    }
    c.add(of("tenant name blank", "POST", t, JSON, "{\"id\":\"x\",\"name\":\" \"}", 400, "name"));
    c.add(
        of(
            "tenant name control",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"a\\u0000\"}",
            400,
            "name"));
    c.add(
        of(
            "tenant name too long",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"" + "n".repeat(201) + "\"}",
            400,
            "name"));
    c.add(
        of(
            "tenant metadata array",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":[]}",
            400,
            "metadata"));
    c.add(
        of(
            "tenant metadata number value",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":{\"k\":1}}",
            400,
            "metadata.k"));
    c.add(
        of(
            "tenant metadata long value",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":{\"k\":\"" + "v".repeat(501) + "\"}}",
            400,
            "metadata.k"));
    c.add(
        of(
            "tenant metadata NUL value",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":{\"k\":\"a\\u0000\"}}",
            400,
            "metadata.k"));
    c.add(
        of(
            "tenant metadata long key",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":{\"" + "k".repeat(41) + "\":\"v\"}}",
            400,
            "metadata." + "k".repeat(41)));
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 51; i++)
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    c.add(
        of(
            "tenant metadata 51 keys",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"metadata\":" + many + "}}",
            400,
            "metadata"));
    c.add(
        of(
            "tenant unknown field",
            "POST",
            t,
            JSON,
            "{\"id\":\"x\",\"name\":\"x\",\"plan\":1}",
            400,
            "plan"));
    c.add(of("tenant exists", "POST", t, JSON, "{\"id\":\"acme\",\"name\":\"x\"}", 409, null));
    c.add(of("tenant malformed", "POST", t, JSON, "{\"id\"", 400, "body"));
    c.add(of("tenant wrong content type", "POST", t, "text/plain", "{}", 415, null));
    c.add(of("tenant list bad cursor", "GET", t + "?after=a%20b", null, null, 400, "after"));
    c.add(of("tenant list long search", "GET", t + "?q=" + "q".repeat(201), null, null, 400, "q"));
    c.add(of("tenant list bad limit", "GET", t + "?limit=101", null, null, 400, "limit"));
    String acme = t + "/acme";
    c.add(of("tenant rename id", "PATCH", acme, JSON, "{\"id\":\"other\"}", 400, "id"));
    c.add(of("tenant patch empty name", "PATCH", acme, JSON, "{\"name\":\"\"}", 400, "name"));
    c.add(
        of(
            "tenant patch metadata string",
            "PATCH",
            acme,
            JSON,
            "{\"metadata\":\"x\"}",
            400,
            "metadata"));
    c.add(of("tenant patch unknown", "PATCH", t + "/nobody", JSON, "{\"name\":\"x\"}", 404, null));
    c.add(of("tenant malformed id", "GET", t + "/a%20b", null, null, 404, null));
    c.add(of("tenant delete unknown", "DELETE", t + "/nobody", null, null, 404, null));
    c.add(of("token body field", "POST", acme + "/tokens", JSON, "{\"name\":\"ci\"}", 400, "name"));
    c.add(of("token unknown tenant", "POST", t + "/nobody/tokens", null, null, 404, null));
    c.add(of("token list unknown tenant", "GET", t + "/nobody/tokens", null, null, 404, null));
    c.add(of("revoke unknown token", "DELETE", acme + "/tokens/tok_nope", null, null, 404, null));
    c.add(
        of(
            "portal link body field",
            "POST",
            acme + "/portal-link",
            JSON,
            "{\"minutes\":5}",
            400,
            "minutes"));
    c.add(
        of("portal link unknown tenant", "POST", t + "/nobody/portal-link", null, null, 404, null));
    String sessions = "/api/v1/portal/sessions";
    c.add(of("portal code missing", "POST", sessions, JSON, "{}", 400, "code"));
    c.add(of("portal code number", "POST", sessions, JSON, "{\"code\":1}", 400, "code"));
    c.add(of("portal code empty", "POST", sessions, JSON, "{\"code\":\"\"}", 400, "code"));
    c.add(
        of(
            "portal code too long",
            "POST",
            sessions,
            JSON,
            "{\"code\":\"" + "c".repeat(201) + "\"}",
            400,
            "code"));
    c.add(of("portal code unknown", "POST", sessions, JSON, "{\"code\":\"made-up\"}", 400, "code"));
    c.add(of("portal unknown field", "POST", sessions, JSON, "{\"code\":\"x\",\"t\":1}", 400, "t"));
    c.add(of("portal not JSON", "POST", sessions, "text/plain", "x", 415, null));
  }

  /** Bad payload filters on create, edit and the filter test: each names the path and operator. */
  private void filterCases(List<Arguments> c, String w) {
    String deep = "{\"data.x\":1}";
    for (int i = 0; i < 6; i++) deep = "{\"$not\":" + deep + "}";
    String large = "{\"data.x\":{\"$in\":[\"" + "v".repeat(9000) + "\"]}}";
    String[][] bad = {
      // name, filter, the field (JSON path) the problem names
      {"unknown operator", "{\"data.x\":{\"$regex\":\"a\"}}", "filter[\"data.x\"].$regex"},
      {
        "wrong operand type",
        "{\"data.total\":{\"$gte\":\"a\",\"$in\":5}}",
        "filter[\"data.total\"].$in"
      },
      {"too deep", deep, "filter.$not.$not.$not.$not.$not.$not"},
      {"too large", large, "filter"},
      {"not an object", "[\"data.x\"]", "filter"},
      {"bad path", "{\"data..x\":1}", "filter[\"data..x\"]"},
      {"lone surrogate", "{\"data.x\":\"\\ud800\"}", "filter.data.x"},
    };
    for (String[] f : bad) {
      c.add(of("filter " + f[0], "POST", w, JSON, rawWith("filter", f[1]), 400, f[2]));
      c.add(
          of("patch filter " + f[0], "PATCH", hook, JSON, "{\"filter\":" + f[1] + "}", 400, f[2]));
      if (!f[0].equals("lone surrogate"))
        c.add(
            of(
                "test filter " + f[0],
                "POST",
                "/api/v1/filters/test",
                JSON,
                "{\"type\":\"payment_received\",\"filter\":" + f[1] + "}",
                400,
                f[2]));
    }
    String test = "/api/v1/filters/test";
    String ok = "\"filter\":{\"type\":\"payment_received\"}";
    c.add(
        of(
            "test filter missing",
            "POST",
            test,
            JSON,
            "{\"type\":\"payment_received\"}",
            400,
            "filter"));
    c.add(of("test neither", "POST", test, JSON, "{" + ok + "}", 400, "type"));
    c.add(
        of(
            "test both",
            "POST",
            test,
            JSON,
            "{" + ok + ",\"type\":\"payment_received\",\"payload\":{}}",
            400,
            "payload"));
    c.add(
        of("test unknown type", "POST", test, JSON, "{" + ok + ",\"type\":\"nope\"}", 400, "type"));
    c.add(
        of(
            "test payload array",
            "POST",
            test,
            JSON,
            "{" + ok + ",\"payload\":[]}",
            400,
            "payload"));
    c.add(of("test unknown field", "POST", test, JSON, "{" + ok + ",\"data\":{}}", 400, "data"));
    c.add(of("test malformed", "POST", test, JSON, "{\"filter\":", 400, "body"));
    c.add(of("test not JSON", "POST", test, "text/plain", "{}", 415, null));
  }

  private static Arguments of(
      String name,
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String field) {
    return Arguments.of(name, method, path, contentType, body, status, field);
  }

  /** A valid payment_received event whose data also has the given raw JSON members. */
  private static String eventWith(String members) {
    String example = Deliveries.example().toString();
    return "{\"type\":\"payment_received\",\"data\":"
        + example.substring(0, example.length() - 1)
        + ","
        + members
        + "}}";
  }

  /**
   * The valid body with one field set (or replaced) to the given JSON text as it is: unlike {@link
   * #withField}, escapes such as a lone surrogate's survive (a parsed one would be sent as '?').
   */
  private static String rawWith(String field, String json) {
    ObjectNode body = (ObjectNode) Json.readTree((VALID + "}").getBytes(StandardCharsets.UTF_8));
    body.remove(field);
    String rest = body.toString();
    return rest.substring(0, rest.length() - 1) + ",\"" + field + "\":" + json + "}";
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
      String name,
      String method,
      String path,
      String contentType,
      String body,
      int status,
      String field) {
    Object before = fixture.backend.state();

    ApiFixture.Response response = fixture.send(method, path, contentType, body, ApiFixture.TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).isNotBlank();
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    if (field != null) {
      assertThat(problem.get("errors").findValuesAsText("field"))
          .as(response.body())
          .contains(field);
    }
    assertThat(fixture.backend.state()).as("store writes").isEqualTo(before);
    assertThat(fixture.publishing.published).as("published events").isEmpty();
    assertThat(fixture.tasks.published).as("published delivery tasks").isEmpty();
  }
}
