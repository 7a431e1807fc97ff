package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Payload filters over the API: kept with the webhook, edited, cleared, and tested. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ApiFixtureExtension.class)
class FilterApiTest {
  private static final String JSON = "application/json";
  private static final String FILTER =
      "{\"data.payment_total_raw\":{\"$gte\":100},\"data.payment_gateway\":{\"$in\":[\"stripe\"]}}";
  private final ApiFixture fixture;

  FilterApiTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  private ApiFixture.Response send(String method, String path, String body) {
    return fixture.send(method, path, JSON, body, ApiFixture.TOKEN);
  }

  @Test
  void aWebhookKeepsItsFilterUntilAPatchChangesOrClearsIt() {
    ApiFixture.Response created =
        send(
            "POST",
            "/api/v1/webhooks",
            "{\"name\":\"Big\",\"url\":\"https://example.com/h\",\"events\":[\"payment_received\"],"
                + "\"filter\":"
                + FILTER
                + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("filter")).isEqualTo(json(FILTER));
    String path = "/api/v1/webhooks/" + created.json().get("id").asText();

    assertThat(send("PATCH", path, "{\"name\":\"Renamed\"}").json().get("filter"))
        .as("absent: kept")
        .isEqualTo(json(FILTER));
    assertThat(send("PATCH", path, "{\"filter\":{\"type\":\"x\"}}").json().get("filter"))
        .isEqualTo(json("{\"type\":\"x\"}"));
    assertThat(send("PATCH", path, "{\"filter\":null}").json().get("filter").isNull())
        .as("null: removed")
        .isTrue();
    assertThat(send("GET", path, null).json().get("filter").isNull()).isTrue();
  }

  @Test
  void theTestAnswersWhetherTheTypesExampleMatchesAndTheFirstClauseThatFailed() {
    // the catalog example of payment_received: payment_total_raw 31.9, gateway stripe
    JsonNode small =
        send(
                "POST",
                "/api/v1/filters/test",
                "{\"type\":\"payment_received\",\"filter\":" + FILTER + "}")
            .json();
    assertThat(small.get("matches").asBoolean()).isFalse();
    assertThat(small.get("failed"))
        .isEqualTo(
            json(
                "{\"at\":\"filter[\\\"data.payment_total_raw\\\"].$gte\","
                    + "\"path\":\"data.payment_total_raw\",\"operator\":\"$gte\",\"operand\":100,"
                    + "\"actual\":31.9}"));

    JsonNode stripe =
        send(
                "POST",
                "/api/v1/filters/test",
                "{\"type\":\"payment_received\",\"filter\":{\"type\":\"payment_received\","
                    + "\"data.payment_gateway\":{\"$prefix\":\"str\"}}}")
            .json();
    assertThat(stripe.get("matches").asBoolean()).isTrue();
    assertThat(stripe.get("failed").isNull()).isTrue();

    JsonNode missing =
        send(
                "POST",
                "/api/v1/filters/test",
                "{\"payload\":{\"data\":{\"coupon\":null}},\"filter\":{\"data.coupon\":{\"$ne\":null},"
                    + "\"data.nope\":1}}")
            .json();
    assertThat(missing.get("failed").get("actual").isNull())
        .as("a JSON null in the body is a null")
        .isTrue();
    JsonNode absent =
        send(
                "POST",
                "/api/v1/filters/test",
                "{\"payload\":{\"data\":{}},\"filter\":{\"data.nope\":1}}")
            .json();
    assertThat(absent.get("failed").has("actual")).as("a missing path has no actual").isFalse();
  }

  @Test
  void aBadFilterIsAProblemNamingItsPathAndOperator() {
    ApiFixture.Response refused =
        send(
            "POST",
            "/api/v1/webhooks",
            "{\"name\":\"Big\",\"url\":\"https://example.com/h\",\"events\":[\"payment_received\"],"
                + "\"filter\":{\"data.total\":{\"$gte\":true}}}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.json().get("errors").get(0).get("field").asText())
        .isEqualTo("filter[\"data.total\"].$gte");
    assertThat(refused.json().get("detail").asText())
        .contains("filter[\"data.total\"].$gte", "$gte takes a number or a string");
  }

  private static JsonNode json(String text) {
    return Json.readTree(text.getBytes(StandardCharsets.UTF_8));
  }
}
