package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.TestWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property-based tests over every route of the OpenAPI document: random and malformed bodies, query
 * strings, headers and path ids never get a 5xx, and a request that is refused (4xx) changes
 * nothing: no store write, no event or delivery task published. Bounded to {@value #TRIES} tries
 * per property, so the class runs in seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ApiFixtureExtension.class)
class ApiPropertiesTest {
  static final int TRIES = 200;
  private static final List<String> CONTENT_TYPES =
      List.of(
          "application/json",
          "application/json",
          "application/json",
          "application/json; charset=utf-8",
          "application/json; charset=utf-16",
          "application/json; charset=nonsense",
          "APPLICATION/JSON",
          "application/json;;;",
          "application/problem+json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "",
          ";",
          "*/*");
  private static final List<String> QUERY_KEYS =
      List.of(
          "limit",
          "after",
          "cursor",
          "q",
          "active",
          "status",
          "since",
          "until",
          "type",
          "limit[]",
          "tenant",
          "tenant[]",
          "",
          "%",
          "a%00b");

  private final OpenApiContract contract = new OpenApiContract();
  private final ApiFixture fixture;
  private UUID webhook;
  private UUID delivery;
  private List<String> operations;

  /** The state before a request, to tell a refusal that wrote from one that did not. */
  private record State(Object stores, int events, int tasks) {}

  /**
   * @param fixture on the in-memory store here, on PostgreSQL in {@link
   *     ApiPropertiesOnPostgresTest}
   */
  ApiPropertiesTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  /** The tenant the tenant routes act on; it stays (deletes go to a throwaway one). */
  private static final String TENANT = "acme";

  @BeforeAll
  void existingResources() {
    webhook =
        fixture
            .backend
            .webhooks()
            .create(
                TestWebhooks.newWebhook()
                    .name("Existing")
                    .url("https://example.com/x")
                    .timeoutSeconds(1)
                    .build())
            .webhook()
            .id();
    assertThat(
            fixture
                .backend
                .tenants()
                .create(new dev.hookline.store.NewTenant(TENANT, "Acme", null)))
        .isPresent();
    delivery = UUID.randomUUID();
    fixture.backend.addDelivery(
        Deliveries.delivery(delivery, webhook, "event", DeliveryStatus.FAILED, 1, Instant.now()));
    // a worker that reports test deliveries at once, so a valid test event answers without waiting
    fixture.tasks.worker =
        task -> fixture.backend.addDelivery(Deliveries.testAttempt(task, 200, "ok", null, null));
    operations =
        contract.operations(false).stream()
            .filter(o -> o.split(" ", 2)[1].startsWith("/api/"))
            .toList();
    assertThat(operations).hasSizeGreaterThanOrEqualTo(14);
  }

  @AfterEach
  void stillHealthy() {
    assertThat(fixture.send("GET", "/health", null, null, null).status()).isEqualTo(200);
    assertThat(fixture.get("/api/v1/webhooks/" + webhook).status()).isEqualTo(200);
    assertThat(fixture.get("/api/v1/tenants/" + TENANT).status()).isEqualTo(200);
  }

  @Test
  void randomBodiesOnEveryRouteThatTakesOne() {
    List<String> writing =
        operations.stream().filter(o -> o.startsWith("POST ") || o.startsWith("PATCH ")).toList();
    assertThat(writing).hasSizeGreaterThanOrEqualTo(7);
    PropertyCheck.forAll(
        "bodies",
        TRIES,
        r -> {
          String operation = Gen.oneOf(r, writing);
          return new Request(
              operation,
              path(operation),
              Gen.oneOf(r, CONTENT_TYPES),
              Gen.body(r, valid(operation)),
              "");
        },
        this::checkOverRawHttp);
  }

  @Test
  void randomQueryStringsOnEveryRoute() {
    PropertyCheck.forAll(
        "query strings",
        TRIES,
        r -> {
          String operation = Gen.oneOf(r, operations);
          StringBuilder query = new StringBuilder();
          int pairs = 1 + r.nextInt(4);
          for (int i = 0; i < pairs; i++) {
            query
                .append(i == 0 ? "?" : "&")
                .append(
                    r.nextInt(4) == 0 ? Gen.urlEncode(Gen.string(r)) : Gen.oneOf(r, QUERY_KEYS));
            if (r.nextInt(5) > 0) query.append('=').append(queryValue(r));
          }
          return new Request(
              operation, path(operation) + query, "application/json", bodyOrNull(operation), "");
        },
        this::checkOverRawHttp);
  }

  /**
   * Any text in every text field that reaches the store or a stored event: either refused with a
   * problem, or stored exactly as given (a NUL made PostgreSQL fail the write, a 500; a lone
   * surrogate was stored as {@code ?}).
   */
  @Test
  void anyTextInEveryTextFieldIsStoredAsGivenOrRefused() {
    String hook = "/api/v1/webhooks/" + webhook;
    String create = "{\"name\":\"n\",\"url\":\"https://example.com/h\",\"events\":[\"*\"],";
    PropertyCheck.forAll(
        "text fields",
        TRIES,
        r -> {
          String text = Gen.string(r);
          String json = escaped(text);
          String event = Deliveries.example().toString();
          event = event.substring(0, event.length() - 1);
          return switch (r.nextInt(7)) {
            case 0 -> textRequest("POST /api/v1/webhooks", create + "\"name\":" + json + "}", text);
            case 1 ->
                textRequest(
                    "POST /api/v1/webhooks", create + "\"description\":" + json + "}", text);
            case 2 -> textRequest("PATCH " + hook, "{\"description\":" + json + "}", text);
            case 3 ->
                textRequest(
                    "POST /api/v1/webhooks", create + "\"headers\":{\"X-T\":" + json + "}}", text);
            case 4 ->
                new TextRequest(
                    new Request(
                        "GET /api/v1/webhooks",
                        "/api/v1/webhooks?q="
                            + Gen.urlEncode(text.getBytes(StandardCharsets.UTF_8)),
                        "application/json",
                        null,
                        ""),
                    text);
            case 5 ->
                textRequest(
                    "POST /api/v1/events",
                    "{\"type\":\"payment_received\",\"data\":" + event + ",\"note\":" + json + "}}",
                    text);
            default ->
                textRequest(
                    "POST /api/v1/events",
                    "{\"type\":\"payment_received\",\"data\":" + event + "," + json + ":1}}",
                    text);
          };
        },
        request -> {
          RawHttp.Answer answer = checkOverRawHttp(request.request());
          if (answer.status() / 100 != 2
              || !request.request().target().startsWith("/api/v1/webhooks")) return;
          com.fasterxml.jackson.databind.JsonNode stored =
              // the raw answer is read as ISO-8859-1: its bytes are the UTF-8 JSON
              dev.hookline.schemas.Json.readTree(
                  answer.body().getBytes(StandardCharsets.ISO_8859_1));
          if (stored.has("data")) return; // a listing
          String body = new String(request.request().body(), StandardCharsets.UTF_8);
          String field;
          String expected = request.text();
          if (body.contains("\"headers\"")) {
            field = stored.path("headers").path("X-T").asText();
          } else if (body.contains("\"description\"")) {
            field = stored.path("description").asText();
          } else {
            field = stored.path("name").asText();
            expected = expected.strip(); // names are trimmed
          }
          assertThat(field).as("stored as given").isEqualTo(expected);
        });
  }

  /**
   * Any JSON value as {@code rateLimit}, on create and edit: stored as given when it is an integer
   * from 1 to 10,000 (or null: unlimited), otherwise a 400 problem naming {@code rateLimit}.
   */
  @Test
  void anyRateLimitIsStoredAsGivenOrRefusedNamingIt() {
    String hook = "/api/v1/webhooks/" + webhook;
    String create = "{\"name\":\"n\",\"url\":\"https://example.com/h\",\"events\":[\"*\"],";
    PropertyCheck.forAll(
        "rate limits",
        TRIES,
        r -> {
          String value =
              switch (r.nextInt(3)) {
                case 0 -> Integer.toString(r.nextInt(10_002) - 1);
                case 1 -> Gen.json(r, 1);
                default -> Gen.oneOf(r, List.of("0", "1", "10000", "10001", "1.0", "1e3", "null"));
              };
          return r.nextBoolean()
              ? textRequest("POST /api/v1/webhooks", create + "\"rateLimit\":" + value + "}", value)
              : textRequest("PATCH " + hook, "{\"rateLimit\":" + value + "}", value);
        },
        request -> {
          RawHttp.Answer answer = checkOverRawHttp(request.request());
          com.fasterxml.jackson.databind.JsonNode sent =
              dev.hookline.schemas.Json.readTree(request.text().getBytes(StandardCharsets.UTF_8));
          boolean valid =
              sent.isNull()
                  || (sent.isIntegralNumber()
                      && sent.canConvertToInt()
                      && sent.intValue() >= 1
                      && sent.intValue() <= 10_000);
          com.fasterxml.jackson.databind.JsonNode body =
              dev.hookline.schemas.Json.readTree(
                  answer.body().getBytes(StandardCharsets.ISO_8859_1));
          if (valid) {
            assertThat(answer.status() / 100).as("a valid rate limit is taken").isEqualTo(2);
            assertThat(body.get("rateLimit")).as("stored as given").isEqualTo(sent);
          } else {
            assertThat(answer.status()).as("refused").isEqualTo(400);
            // a generated object may repeat a key: the whole body is then malformed JSON
            if (!body.path("type").asText().endsWith("/malformed-json")) {
              assertThat(body.toString()).as("the problem names the field").contains("rateLimit");
            }
          }
        });
  }

  private record TextRequest(Request request, String text) {
    @Override
    public String toString() {
      return request.toString();
    }
  }

  private TextRequest textRequest(String operation, String body, String text) {
    String target = operation.split(" ", 2)[1];
    return new TextRequest(
        new Request(
            operation.startsWith("PATCH ") ? "PATCH /api/v1/webhooks/{id}" : operation,
            target,
            "application/json",
            body.getBytes(StandardCharsets.UTF_8),
            ""),
        text);
  }

  /** A JSON string of {@code text}, everything outside printable ASCII escaped (surrogates too). */
  private static String escaped(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') json.append('\\').append(c);
      else if (c < 0x20 || c > 0x7E) json.append(String.format("\\u%04x", (int) c));
      else json.append(c);
    }
    return json.append('"').toString();
  }

  @Test
  void randomHeadersOnEveryRoute() {
    PropertyCheck.forAll(
        "headers",
        TRIES,
        r -> {
          String operation = Gen.oneOf(r, operations);
          StringBuilder headers = new StringBuilder();
          int count = 1 + r.nextInt(5);
          for (int i = 0; i < count; i++) {
            String name =
                r.nextInt(3) == 0
                    ? Gen.oneOf(
                        r,
                        List.of(
                            "Accept",
                            "Accept-Charset",
                            "Content-Encoding",
                            "If-None-Match",
                            "Range",
                            "X-Forwarded-For",
                            "Origin",
                            "Expect",
                            "Transfer-Encoding",
                            "Cookie",
                            "Accept-Encoding",
                            "X-HTTP-Method-Override",
                            "Idempotency-Key"))
                    : token(r);
            headers.append(name).append(": ").append(headerValue(r)).append("\r\n");
          }
          return new Request(
              operation,
              path(operation),
              Gen.oneOf(r, CONTENT_TYPES),
              bodyOrNull(operation),
              headers.toString());
        },
        this::checkOverRawHttp);
  }

  @Test
  void randomPathIdsOnEveryRouteWithAnId() {
    List<String> withId = operations.stream().filter(o -> o.contains("{")).toList();
    assertThat(withId).hasSizeGreaterThanOrEqualTo(9);
    PropertyCheck.forAll(
        "path ids",
        TRIES,
        r -> {
          String operation = Gen.oneOf(r, withId);
          String id =
              switch (r.nextInt(6)) {
                case 0 -> UUID.randomUUID().toString(); // well-formed, unknown
                case 1 ->
                    UUID.randomUUID()
                        .toString()
                        .toUpperCase(java.util.Locale.ROOT)
                        .replace("-", "");
                case 2 ->
                    Gen.oneOf(
                        r,
                        List.of(
                            "..",
                            "%2e%2e",
                            "..%2F..%2Fhealth",
                            "%00",
                            "%",
                            "%zz",
                            "x%2Fy",
                            "%C0%AF",
                            "'%20or%201=1--",
                            "0",
                            "-1",
                            "null",
                            "undefined",
                            "a".repeat(8_000),
                            webhook + "%00",
                            webhook + "%20"));
                case 3 -> Gen.urlEncode(Gen.string(r));
                default -> {
                  byte[] raw = new byte[1 + r.nextInt(60)];
                  r.nextBytes(raw);
                  yield Gen.urlEncode(raw);
                }
              };
          // an empty id is another route (the list), not an unknown id
          String nonEmpty = id.isEmpty() ? "%20" : id;
          String template = operation.split(" ", 2)[1];
          return new Request(
              operation,
              template
                  .replace("{id}", nonEmpty)
                  .replace("{type}", nonEmpty)
                  .replace("{tokenId}", nonEmpty),
              "application/json",
              bodyOrNull(operation),
              "");
        },
        request -> {
          RawHttp.Answer answer = checkOverRawHttp(request);
          // an unknown or unreadable id is never served, whatever the route
          assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
        });
  }

  // ---------------------------------------------------------------------------------------

  record Request(
      String operation, String target, String contentType, byte[] body, String headerLines) {
    @Override
    public String toString() {
      return operation.split(" ", 2)[0]
          + " "
          + target
          + " ["
          + contentType
          + "] "
          + headerLines.replace("\r\n", " | ")
          + (body == null ? "" : new String(body, StandardCharsets.UTF_8));
    }
  }

  /** Sends the request; checks no 5xx, and that a refusal is a problem and changed nothing. */
  private RawHttp.Answer checkOverRawHttp(Request request) {
    State before = state();
    String contentType =
        request.contentType().isEmpty() || request.body() == null
            ? ""
            : "Content-Type: " + request.contentType() + "\r\n";
    RawHttp.Answer answer =
        RawHttp.send(
            fixture.api.port(),
            RawHttp.request(
                request.operation().split(" ", 2)[0],
                request.target(),
                ApiFixture.TOKEN,
                contentType + request.headerLines(),
                request.body()));

    assertThat(answer.status()).as("status; answer: %s", answer.head()).isLessThan(500);
    if (answer.status() >= 400) {
      assertThat(state()).as("a refused request changed the state").isEqualTo(before);
      if (answer.contentType().startsWith("application/problem+json") || reachedTheApi(answer)) {
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).contains("\"status\":" + answer.status());
      }
    }
    return answer;
  }

  /**
   * Jetty itself refuses some requests before any handler runs (a malformed request line or header,
   * 400/414/431, as plain text): those are not the API's answers. Everything the API answers is a
   * problem.
   */
  private static boolean reachedTheApi(RawHttp.Answer answer) {
    return answer.status() == 401
        || answer.status() == 404
        || answer.status() == 409
        || answer.status() == 413
        || answer.status() == 415
        || answer.status() == 422;
  }

  private State state() {
    return new State(
        fixture.backend.state(),
        fixture.publishing.published.size(),
        fixture.tasks.published.size());
  }

  private String path(String operation) {
    String template = operation.split(" ", 2)[1];
    if (template.startsWith("/api/v1/tenants/")) {
      // the shared tenant must stay: deleting it, or its token, goes to throwaway ones
      String tenant = operation.equals("DELETE /api/v1/tenants/{id}") ? throwawayTenant() : TENANT;
      String token =
          template.contains("{tokenId}")
              ? fixture.backend.tenants().createToken(tenant).orElseThrow().token().id()
              : "";
      return template.replace("{id}", tenant).replace("{tokenId}", token);
    }
    String id =
        template.startsWith("/api/v1/deliveries/")
            ? delivery.toString()
            : operation.startsWith("DELETE ")
                ? throwaway().toString() // the shared webhook must stay
                : webhook.toString();
    return template.replace("{id}", id).replace("{type}", "payment_received");
  }

  private String throwawayTenant() {
    String id = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(fixture.backend.tenants().create(new dev.hookline.store.NewTenant(id, "Gone", null)))
        .isPresent();
    return id;
  }

  private UUID throwaway() {
    return fixture
        .backend
        .webhooks()
        .create(
            TestWebhooks.newWebhook()
                .name("Throwaway")
                .url("https://example.com/t")
                .timeoutSeconds(1)
                .build())
        .webhook()
        .id();
  }

  /**
   * Found by {@link #randomHeadersOnEveryRoute}: a JSON content type with a charset the JVM does
   * not know made Jetty's {@code getContentType()} (behind Javalin's {@code ctx.contentType()})
   * throw {@code UnsupportedCharsetException}, answered 500. It is a refusal naming the header.
   */
  @Test
  void anUnknownCharsetIsRefusedNotAFault() {
    for (String contentType :
        List.of(
            "application/json; charset=nonsense",
            "application/json; charset=\"\"",
            "application/json; charset=x y")) {
      RawHttp.Answer answer =
          checkOverRawHttp(
              new Request(
                  "POST /api/v1/webhooks",
                  "/api/v1/webhooks",
                  contentType,
                  valid("POST /api/v1/webhooks").getBytes(StandardCharsets.UTF_8),
                  ""));
      assertThat(answer.status()).as(contentType).isEqualTo(415);
      assertThat(answer.contentType()).startsWith("application/problem+json");
      assertThat(answer.body()).contains("Content-Type").contains("charset");
    }
  }

  private static byte[] bodyOrNull(String operation) {
    String valid = valid(operation);
    return valid == null ? null : valid.getBytes(StandardCharsets.UTF_8);
  }

  /** A valid body per writing operation; the generators mutate it. */
  private static String valid(String operation) {
    return switch (operation) {
      case "POST /api/v1/webhooks" ->
          "{\"name\":\"n\",\"url\":\"https://example.com/h\",\"events\":[\"*\"]}";
      case "PATCH /api/v1/webhooks/{id}" -> "{\"description\":\"d\"}";
      case "POST /api/v1/events" ->
          "{\"type\":\"payment_received\",\"data\":" + Deliveries.example() + "}";
      case "POST /api/v1/webhooks/{id}/recover" -> "{\"since\":\"2000-01-01T00:00:00Z\"}";
      case "POST /api/v1/webhooks/{id}/test" -> "{\"event\":\"payment_received\"}";
      case "POST /api/v1/tenants" ->
          "{\"id\":\"t-1\",\"name\":\"Tenant\",\"metadata\":{\"plan\":\"pro\"}}";
      case "PATCH /api/v1/tenants/{id}" -> "{\"name\":\"Acme\",\"metadata\":{\"k\":\"v\"}}";
      case "POST /api/v1/portal/sessions" -> "{\"code\":\"not-a-code\"}";
      default -> operation.startsWith("POST ") ? "{}" : null;
    };
  }

  private static String queryValue(Random r) {
    return switch (r.nextInt(5)) {
      case 0 ->
          Gen.oneOf(
              r,
              List.of(
                  "0",
                  "-1",
                  "101",
                  "99999999999999999999",
                  "1e3",
                  "true",
                  "TRUE",
                  "",
                  "2026-01-01T00:00:00Z",
                  "00000000-0000-0000-0000-000000000000",
                  "failed",
                  "FAILED",
                  "%",
                  "%zz",
                  "%00",
                  "+"));
      case 1 -> "a".repeat(r.nextInt(6_000));
      default -> Gen.urlEncode(Gen.string(r));
    };
  }

  /** An HTTP token (RFC 9110 tchar), as a header name. */
  private static String token(Random r) {
    String tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    StringBuilder s = new StringBuilder();
    int length = 1 + r.nextInt(20);
    for (int i = 0; i < length; i++) s.append(tchar.charAt(r.nextInt(tchar.length())));
    return s.toString();
  }

  /** Visible ASCII, spaces, tabs and obs-text bytes; sometimes long. */
  private static String headerValue(Random r) {
    if (r.nextInt(8) == 0) return "v".repeat(r.nextInt(20_000));
    StringBuilder s = new StringBuilder();
    int length = r.nextInt(60);
    for (int i = 0; i < length; i++) {
      int pick = r.nextInt(10);
      s.append(
          pick == 0
              ? (char) (0x80 + r.nextInt(0x80))
              : pick == 1 ? '\t' : (char) (0x20 + r.nextInt(0x5F)));
    }
    return s.toString();
  }

  /** For the report: the operations this class covers. */
  List<String> covered() {
    return new ArrayList<>(operations);
  }
}
