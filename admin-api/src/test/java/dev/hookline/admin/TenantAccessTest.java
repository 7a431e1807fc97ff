package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.NewTenant;
import dev.hookline.store.NewWebhook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code /api} operation of the OpenAPI document, sent at the resources of tenant {@code
 * acme} by five callers: the admin token, acme's own token, another tenant's (globex) token, a
 * revoked acme token, and no token. Each case runs on an API of its own, so a write of one case
 * cannot hide another's. Checked: the status; that every refusal wrote nothing; that another
 * tenant's 404 reads exactly as the 404 of a resource that does not exist; that lists show another
 * tenant nothing of acme's.
 */
class TenantAccessTest {
  enum Who {
    ADMIN,
    OWN,
    OTHER,
    REVOKED,
    NONE
  }

  /** The status per caller; revoked and no token are 401 everywhere but the open route. */
  record Expect(int admin, int own, int other) {
    int status(Who who) {
      return switch (who) {
        case ADMIN -> admin;
        case OWN -> own;
        case OTHER -> other;
        case REVOKED, NONE -> 401;
      };
    }
  }

  private static final String OPEN = "POST /api/v1/portal/sessions";

  static final Map<String, Expect> EXPECTED =
      Map.ofEntries(
          Map.entry("GET /api/v1/openapi.yaml", new Expect(200, 200, 200)),
          Map.entry("GET /api/v1/event-types", new Expect(200, 200, 200)),
          Map.entry("GET /api/v1/event-types/{type}", new Expect(200, 200, 200)),
          Map.entry("POST /api/v1/events", new Expect(202, 403, 403)),
          Map.entry("POST /api/v1/events/batch", new Expect(200, 403, 403)),
          Map.entry("POST /api/v1/filters/test", new Expect(200, 200, 200)),
          Map.entry("GET /api/v1/webhooks", new Expect(200, 200, 200)),
          Map.entry("POST /api/v1/webhooks", new Expect(201, 201, 400)),
          Map.entry("GET /api/v1/webhooks/{id}", new Expect(200, 200, 404)),
          Map.entry("PATCH /api/v1/webhooks/{id}", new Expect(200, 200, 404)),
          Map.entry("DELETE /api/v1/webhooks/{id}", new Expect(204, 204, 404)),
          Map.entry("POST /api/v1/webhooks/{id}/test", new Expect(200, 200, 404)),
          Map.entry("POST /api/v1/webhooks/{id}/rotate-secret", new Expect(200, 200, 404)),
          Map.entry("POST /api/v1/webhooks/{id}/recover", new Expect(202, 202, 404)),
          Map.entry("GET /api/v1/webhooks/{id}/deliveries", new Expect(200, 200, 404)),
          Map.entry("GET /api/v1/deliveries", new Expect(200, 200, 200)),
          Map.entry("GET /api/v1/deliveries/{id}", new Expect(200, 200, 404)),
          Map.entry("POST /api/v1/deliveries/{id}/retry", new Expect(202, 202, 404)),
          Map.entry("GET /api/v1/tenants", new Expect(200, 403, 403)),
          Map.entry("POST /api/v1/tenants", new Expect(201, 403, 403)),
          Map.entry("GET /api/v1/tenants/{id}", new Expect(200, 403, 403)),
          Map.entry("PATCH /api/v1/tenants/{id}", new Expect(200, 403, 403)),
          Map.entry("DELETE /api/v1/tenants/{id}", new Expect(204, 403, 403)),
          Map.entry("POST /api/v1/tenants/{id}/tokens", new Expect(201, 403, 403)),
          Map.entry("GET /api/v1/tenants/{id}/tokens", new Expect(200, 403, 403)),
          Map.entry("DELETE /api/v1/tenants/{id}/tokens/{tokenId}", new Expect(204, 403, 403)),
          Map.entry("POST /api/v1/tenants/{id}/portal-link", new Expect(201, 403, 403)),
          Map.entry(OPEN, new Expect(201, 201, 201)),
          Map.entry("GET /api/v1/me", new Expect(200, 200, 200)));

  /** acme's resources and everyone's tokens, on a fresh API. */
  static final class World implements AutoCloseable {
    final ApiFixture fixture = new ApiFixture();
    final UUID acmeHook;
    final UUID globexHook;
    final UUID networkHook;
    final UUID acmeDelivery;
    final String ownToken;
    final String otherToken;
    final String revokedToken;
    final String spareTokenId;
    final String portalCode;

    World() {
      fixture.tenants.create(new NewTenant("acme", "Acme", Map.of("plan", "pro")));
      fixture.tenants.create(new NewTenant("globex", "Globex", null));
      acmeHook = hook("acme");
      globexHook = hook("globex");
      networkHook = hook(null);
      acmeDelivery = UUID.randomUUID();
      fixture.deliveries.add(
          Deliveries.delivery(
              acmeDelivery,
              acmeHook,
              "event",
              DeliveryStatus.FAILED,
              1,
              Instant.parse("2026-01-01T00:00:00Z")));
      ownToken = fixture.tenants.createToken("acme").orElseThrow().secret();
      otherToken = fixture.tenants.createToken("globex").orElseThrow().secret();
      var revoked = fixture.tenants.createToken("acme").orElseThrow();
      fixture.tenants.revokeToken("acme", revoked.token().id());
      revokedToken = revoked.secret();
      spareTokenId = fixture.tenants.createToken("acme").orElseThrow().token().id();
      portalCode =
          fixture
              .tenants
              .createPortalLink("acme", java.time.Duration.ofMinutes(5))
              .orElseThrow()
              .code();
      fixture.tasks.worker =
          task -> fixture.deliveries.add(Deliveries.testAttempt(task, 200, "ok", null, null));
    }

    private UUID hook(String tenant) {
      return fixture
          .webhooks
          .create(
              new NewWebhook(
                  "Hook of " + tenant,
                  "https://example.com/" + tenant,
                  null,
                  List.of("payment_received"),
                  true,
                  1,
                  null,
                  null,
                  tenant,
                  null,
                  null))
          .webhook()
          .id();
    }

    String token(Who who) {
      return switch (who) {
        case ADMIN -> ApiFixture.TOKEN;
        case OWN -> ownToken;
        case OTHER -> otherToken;
        case REVOKED -> revokedToken;
        case NONE -> null;
      };
    }

    /** Writes of every kind so far. */
    List<Integer> writes() {
      return List.of(
          fixture.webhooks.writes(),
          fixture.tenants.writes(),
          fixture.deliveries.writes(),
          fixture.publishing.published.size(),
          fixture.tasks.published.size());
    }

    /** The operation's path at acme's resources (or at {@code missing} ones). */
    String path(String operation, boolean missing) {
      String template = operation.split(" ", 2)[1];
      String tenant = missing ? "initech" : "acme";
      String id =
          template.startsWith("/api/v1/tenants/")
              ? tenant
              : template.startsWith("/api/v1/deliveries/")
                  ? (missing ? UUID.randomUUID() : acmeDelivery).toString()
                  : (missing ? UUID.randomUUID() : acmeHook).toString();
      String path =
          template
              .replace("{id}", id)
              .replace("{tokenId}", spareTokenId)
              .replace("{type}", "payment_received");
      return switch (operation) {
        case "GET /api/v1/webhooks", "GET /api/v1/deliveries" -> path + "?tenant=" + tenant;
        default -> path;
      };
    }

    String body(String operation) {
      return switch (operation) {
        case "POST /api/v1/webhooks" ->
            "{\"name\":\"n\",\"url\":\"https://example.com/h\",\"events\":[\"*\"],"
                + "\"tenant\":\"acme\"}";
        case "PATCH /api/v1/webhooks/{id}", "PATCH /api/v1/tenants/{id}" ->
            "{\"name\":\"renamed\"}";
        case "POST /api/v1/events" ->
            "{\"type\":\"payment_received\",\"tenant\":\"acme\",\"data\":"
                + Deliveries.example()
                + "}";
        case "POST /api/v1/events/batch" ->
            "{\"events\":[{\"type\":\"payment_received\",\"tenant\":\"acme\",\"data\":"
                + Deliveries.example()
                + "}]}";
        case "POST /api/v1/webhooks/{id}/recover" -> "{\"since\":\"2000-01-01T00:00:00Z\"}";
        case "POST /api/v1/webhooks/{id}/test" -> "{\"event\":\"payment_received\"}";
        case "POST /api/v1/filters/test" ->
            "{\"type\":\"payment_received\",\"filter\":{\"type\":\"payment_received\"}}";
        case "POST /api/v1/tenants" -> "{\"id\":\"initech\",\"name\":\"Initech\"}";
        case OPEN -> "{\"code\":\"" + portalCode + "\"}";
        default -> operation.startsWith("GET ") || operation.startsWith("DELETE ") ? null : "{}";
      };
    }

    ApiFixture.Response send(String operation, Who who, boolean missing) {
      String body = body(operation);
      return fixture.send(
          operation.split(" ", 2)[0],
          path(operation, missing),
          body == null ? null : "application/json",
          body,
          token(who));
    }

    @Override
    public void close() {
      fixture.close();
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String operation : operations()) {
      for (Who who : Who.values()) cases.add(Arguments.of(operation, who));
    }
    return cases.stream();
  }

  /** Every documented /api operation; the table must know each one, and each served one. */
  static TreeSet<String> operations() {
    TreeSet<String> all = new TreeSet<>();
    for (String operation : new OpenApiContract().operations(false)) {
      if (operation.split(" ", 2)[1].startsWith("/api/")) all.add(operation);
    }
    return all;
  }

  @Test
  void theTableCoversEveryDocumentedAndEveryServedOperation() {
    TreeSet<String> served = new TreeSet<>();
    try (World world = new World()) {
      for (String route : world.fixture.api.routes()) {
        String[] parts = route.split(" ", 2);
        if (!parts[0].startsWith("BEFORE") && parts[1].startsWith("/api/")) served.add(route);
      }
    }
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(operations());
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(served);
  }

  @ParameterizedTest(name = "{0} by {1}")
  @MethodSource("cases")
  void answersAsTheTableSaysAndARefusalWritesNothing(String operation, Who who) {
    Expect expect = EXPECTED.get(operation);
    assertThat(expect).as("no expectation for %s", operation).isNotNull();
    int status = operation.equals(OPEN) ? 201 : expect.status(who);
    try (World world = new World()) {
      List<Integer> before = world.writes();

      ApiFixture.Response response = world.send(operation, who, false);

      assertThat(response.status()).as(response.body()).isEqualTo(status);
      if (status >= 400) {
        assertThat(world.writes()).as("a refused request wrote").isEqualTo(before);
        assertThat(response.contentType()).startsWith("application/problem+json");
      }
      if (who == Who.OTHER && status < 400) {
        // lists and the catalog answer another tenant, never with anything of acme's (a 404 only
        // repeats the id the caller sent, checked below)
        assertThat(response.body())
            .doesNotContain(world.acmeHook.toString())
            .doesNotContain(world.acmeDelivery.toString())
            .doesNotContain(world.networkHook.toString());
      }
      if (who == Who.OWN && status < 400) {
        assertThat(response.body())
            .doesNotContain(world.globexHook.toString())
            .doesNotContain(world.networkHook.toString());
      }
      if (status == 404) {
        // exactly what a resource that does not exist answers the same caller
        ApiFixture.Response missing = world.send(operation, who, true);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(shape(response.body())).isEqualTo(shape(missing.body()));
      }
    }
  }

  /** The body with ids and tenant names blanked, to compare two 404s. */
  private static String shape(String body) {
    return body.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
        .replace("acme", "<tenant>")
        .replace("initech", "<tenant>");
  }

  @Test
  void aTenantTokenNeverReachesANetworkWideWebhookOrItsDeliveries() {
    try (World world = new World()) {
      UUID delivery = UUID.randomUUID();
      world.fixture.deliveries.add(
          Deliveries.delivery(
              delivery, world.networkHook, "event", DeliveryStatus.FAILED, 1, Instant.now()));
      List<Integer> before = world.writes();
      String hook = "/api/v1/webhooks/" + world.networkHook;
      for (String[] request :
          List.of(
              new String[] {"GET", hook, null},
              new String[] {"PATCH", hook, "{\"name\":\"mine\"}"},
              new String[] {"DELETE", hook, null},
              new String[] {"POST", hook + "/test", null},
              new String[] {"POST", hook + "/rotate-secret", null},
              new String[] {"GET", hook + "/deliveries", null},
              new String[] {"GET", "/api/v1/deliveries/" + delivery, null},
              new String[] {"POST", "/api/v1/deliveries/" + delivery + "/retry", null})) {
        ApiFixture.Response response =
            world.fixture.send(
                request[0],
                request[1],
                request[2] == null ? null : "application/json",
                request[2],
                world.ownToken);
        assertThat(response.status()).as("%s %s", request[0], request[1]).isEqualTo(404);
      }
      assertThat(world.writes()).isEqualTo(before);
      ApiFixture.Response list =
          world.fixture.send("GET", "/api/v1/webhooks", null, null, world.ownToken);
      assertThat(list.json().get("data").findValuesAsText("id"))
          .containsExactly(world.acmeHook.toString());
    }
  }

  @Test
  void aTenantsWebhookIsItsOwnAndItsEventsCarryItsTenant() {
    try (World world = new World()) {
      ApiFixture.Response created =
          world.fixture.send(
              "POST",
              "/api/v1/webhooks",
              "application/json",
              "{\"name\":\"n\",\"url\":\"https://example.com/h\",\"events\":[\"*\"]}",
              world.ownToken);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().get("tenant").asText()).isEqualTo("acme");
      String id = created.json().get("id").asText();

      ApiFixture.Response test =
          world.fixture.send(
              "POST", "/api/v1/webhooks/" + id + "/test", null, null, world.ownToken);
      assertThat(test.status()).isEqualTo(200);
      var task = world.fixture.tasks.published.getLast();
      assertThat(task.tenant()).isEqualTo("acme");
      assertThat(task.event().tenant()).isEqualTo("acme");

      ApiFixture.Response moved =
          world.fixture.send(
              "PATCH",
              "/api/v1/webhooks/" + id,
              "application/json",
              "{\"tenant\":\"globex\"}",
              ApiFixture.TOKEN);
      assertThat(moved.status()).isEqualTo(409);
      ApiFixture.Response same =
          world.fixture.send(
              "PATCH",
              "/api/v1/webhooks/" + id,
              "application/json",
              "{\"tenant\":\"acme\",\"name\":\"kept\"}",
              ApiFixture.TOKEN);
      assertThat(same.status()).isEqualTo(200);

      ApiFixture.Response published =
          world.fixture.send(
              "POST",
              "/api/v1/events",
              "application/json",
              world.body("POST /api/v1/events"),
              ApiFixture.TOKEN);
      assertThat(published.status()).isEqualTo(202);
      assertThat(world.fixture.publishing.published.getLast().tenant()).isEqualTo("acme");
    }
  }

  @Test
  void aPortalLinkSignsInOnceAsTheTenant() {
    try (World world = new World()) {
      ApiFixture.Response link =
          world.fixture.send(
              "POST", "/api/v1/tenants/acme/portal-link", null, null, ApiFixture.TOKEN);
      String url = link.json().get("url").asText();
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/#/portal/[A-Za-z0-9_-]+");
      String code = url.substring(url.lastIndexOf('/') + 1);
      String body = "{\"code\":\"" + code + "\"}";

      ApiFixture.Response session =
          world.fixture.send("POST", "/api/v1/portal/sessions", "application/json", body, null);
      assertThat(session.status()).isEqualTo(201);
      assertThat(session.json().get("tenant").get("id").asText()).isEqualTo("acme");
      String token = session.json().get("token").asText();
      ApiFixture.Response me = world.fixture.send("GET", "/api/v1/me", null, null, token);
      assertThat(me.json().get("role").asText()).isEqualTo("tenant");
      assertThat(me.json().get("portal").asBoolean()).isTrue();
      assertThat(world.fixture.send("GET", "/api/v1/tenants", null, null, token).status())
          .isEqualTo(403);

      ApiFixture.Response again =
          world.fixture.send("POST", "/api/v1/portal/sessions", "application/json", body, null);
      assertThat(again.status()).isEqualTo(400);
      assertThat(again.body()).contains("already used");

      // deleting the tenant ends its sessions and tokens at once
      assertThat(
              world
                  .fixture
                  .send("DELETE", "/api/v1/tenants/acme", null, null, ApiFixture.TOKEN)
                  .status())
          .isEqualTo(204);
      assertThat(world.fixture.send("GET", "/api/v1/me", null, null, token).status())
          .isEqualTo(401);
      assertThat(world.fixture.send("GET", "/api/v1/webhooks", null, null, world.ownToken).status())
          .isEqualTo(401);
      assertThat(world.fixture.webhooks.find(world.acmeHook)).isEmpty();
      assertThat(world.fixture.webhooks.find(world.globexHook)).isPresent();
    }
  }
}
