package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The bearer token guards /api/v1; /health, /metrics and extra routes stay open. */
@ExtendWith(ApiFixtureExtension.class)
class AuthAndOpsTest {
  private static final String CREATE =
      "{\"name\":\"a\",\"url\":\"https://example.com/h\",\"events\":[\"*\"]}";
  private final ApiFixture fixture;

  AuthAndOpsTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "wrong",
        "test-token-012345678",
        "test-token-01234567890",
        "TEST-TOKEN-0123456789"
      })
  void wrongOrMissingTokenIs401AndWritesNothing(String token) {
    ApiFixture.Response response =
        fixture.send("POST", "/api/v1/webhooks", "application/json", CREATE, token);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(response.json().get("status").asInt()).isEqualTo(401);
    assertThat(fixture.webhooks.writes()).isZero();
  }

  @Test
  void otherSchemesAreRefused() {
    ApiFixture.Response response = fixture.send("GET", "/api/v1/webhooks", null, null, null);
    assertThat(response.status()).isEqualTo(401);
    // Basic with the token as the credentials is still not a bearer token
    assertThat(sendWithAuthorization("Basic " + ApiFixture.TOKEN)).isEqualTo(401);
    assertThat(sendWithAuthorization("Bearer")).isEqualTo(401);
  }

  @Test
  void everyConfiguredTokenIsAccepted() {
    assertThat(fixture.send("GET", "/api/v1/webhooks", null, null, ApiFixture.TOKEN).status())
        .isEqualTo(200);
    assertThat(fixture.send("GET", "/api/v1/webhooks", null, null, ApiFixture.OTHER_TOKEN).status())
        .isEqualTo(200);
    assertThat(sendWithAuthorization("bearer " + ApiFixture.TOKEN))
        .isEqualTo(200); // scheme is case-insensitive
  }

  @Test
  void unknownApiRoutesNeedTheTokenToo() {
    assertThat(fixture.send("GET", "/api/v1/nope", null, null, null).status()).isEqualTo(401);
  }

  @Test
  void healthIsOpenAndReportsDown() {
    ApiFixture.Response up = fixture.send("GET", "/health", null, null, null);
    assertThat(up.status()).isEqualTo(200);
    assertThat(up.contentType()).startsWith("application/json");
    assertThat(up.json().get("status").asText()).isEqualTo("up");
    assertThat(up.json().at("/checks/postgres").asText()).isEqualTo("up");

    fixture.health.set(HealthReport.down(Map.of("kafka", "down: timeout")));
    ApiFixture.Response down = fixture.send("GET", "/health", null, null, null);
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.json().get("status").asText()).isEqualTo("down");
    assertThat(down.json().at("/checks/kafka").asText()).isEqualTo("down: timeout");
  }

  @Test
  void aFailingHealthCheckIsDownNotAnError() {
    fixture.health.set(null); // the supplier then returns null: treated like a thrown check
    ApiFixture.Response response = fixture.send("GET", "/health", null, null, null);
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.json().get("status").asText()).isEqualTo("down");
  }

  @Test
  void metricsAreOpenPrometheusTextWithRequestTimings() {
    fixture.get("/api/v1/webhooks");
    fixture.get("/api/v1/webhooks/" + java.util.UUID.randomUUID());
    fixture.get("/api/v1/no-such-route");
    fixture.send("GET", "/no-such-page", null, null, null);

    ApiFixture.Response metrics = fixture.send("GET", "/metrics", null, null, null);

    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains(
            "hookline_admin_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/webhooks\",status=\"200\"}")
        .contains("route=\"/api/v1/webhooks/{id}\",status=\"404\"}") // the template, not the id
        .doesNotContain("no-such"); // unmatched paths must not become series of their own
  }

  @Test
  void extraRoutesAreServed() {
    ApiFixture.Response response = fixture.send("GET", "/extra", null, null, null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("extra route");
  }

  private int sendWithAuthorization(String authorization) {
    try (var client = java.net.http.HttpClient.newHttpClient()) {
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(
                      "http://127.0.0.1:" + fixture.api.port() + "/api/v1/webhooks"))
              .header("Authorization", authorization)
              .GET()
              .build();
      return client
          .send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
