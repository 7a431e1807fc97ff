package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ApiFixtureExtension.class)
class HappyPathTest {
  private final ApiFixture fixture;

  HappyPathTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  @Test
  void createGetListPatchDelete() {
    ApiFixture.Response created =
        fixture.post(
            "/api/v1/webhooks",
            """
        {"name": "  Orders  ", "url": "https://example.com/hook", "events": ["payment_received", "payment_received"],
         "description": "billing", "timeoutSeconds": 10, "retrySchedule": [5, 300], "headers": {"X-Team": "billing"}}""");

    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.contentType()).startsWith("application/json");
    JsonNode webhook = created.json();
    String id = webhook.get("id").asText();
    assertThat(created.header("Location")).isEqualTo("/api/v1/webhooks/" + id);
    assertThat(webhook.get("secret").asText()).startsWith("whsec_");
    assertThat(webhook.get("name").asText()).isEqualTo("Orders");
    assertThat(webhook.get("url").asText()).isEqualTo("https://example.com/hook");
    assertThat(webhook.get("events")).hasSize(1);
    assertThat(webhook.get("active").asBoolean()).isTrue();
    assertThat(webhook.get("status").asText()).isEqualTo("active");
    assertThat(webhook.get("version").asLong()).isEqualTo(1);
    assertThat(webhook.get("timeoutSeconds").asInt()).isEqualTo(10);
    assertThat(webhook.get("retrySchedule").toString()).isEqualTo("[5,300]");
    assertThat(webhook.at("/headers/X-Team").asText()).isEqualTo("billing");
    assertThat(webhook.has("disabledAt")).isTrue();
    assertThat(webhook.get("createdAt").asText()).isNotBlank();

    ApiFixture.Response read = fixture.get("/api/v1/webhooks/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().has("secret")).as("the secret is shown once").isFalse();
    assertThat(read.json().get("name").asText()).isEqualTo("Orders");

    ApiFixture.Response patched =
        fixture.patch(
            "/api/v1/webhooks/" + id,
            "{\"name\": \"Orders v2\", \"active\": false, \"events\": [\"*\"], \"description\": null}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("name").asText()).isEqualTo("Orders v2");
    assertThat(patched.json().get("active").asBoolean()).isFalse();
    assertThat(patched.json().get("status").asText()).isEqualTo("inactive");
    assertThat(patched.json().get("events").toString()).isEqualTo("[\"*\"]");
    assertThat(patched.json().get("description").asText()).isEmpty();
    assertThat(patched.json().get("url").asText())
        .as("absent fields unchanged")
        .isEqualTo("https://example.com/hook");
    assertThat(patched.json().get("version").asLong()).isEqualTo(2);

    int writes = fixture.webhooks.writes();
    ApiFixture.Response unchanged = fixture.patch("/api/v1/webhooks/" + id, "{}");
    assertThat(unchanged.status()).isEqualTo(200);
    assertThat(unchanged.json().get("version").asLong()).isEqualTo(2);
    assertThat(fixture.webhooks.writes()).as("an empty patch writes nothing").isEqualTo(writes);

    assertThat(fixture.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
    assertThat(fixture.get("/api/v1/webhooks/" + id).status()).isEqualTo(404);
    assertThat(fixture.delete("/api/v1/webhooks/" + id).status()).isEqualTo(404);
  }

  @Test
  void listsWebhooksPageByPage() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          fixture
              .post(
                  "/api/v1/webhooks",
                  "{\"name\":\"w"
                      + i
                      + "\",\"url\":\"http://example.com/"
                      + i
                      + "\",\"events\":[\"*\"]}")
              .json()
              .get("id")
              .asText());
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiFixture.Response page =
          fixture.get("/api/v1/webhooks?limit=2" + (cursor == null ? "" : "&after=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.json().get("data").forEach(w -> seen.add(w.get("id").asText()));
      assertThat(page.json().get("data").size()).isLessThanOrEqualTo(2);
      cursor =
          page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(seen).containsExactlyElementsOf(ids);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void listsDeliveriesFilteredAndPagedAndShowsOneWithAttempts() {
    String id =
        fixture
            .post(
                "/api/v1/webhooks",
                "{\"name\":\"w\",\"url\":\"https://example.com/\",\"events\":[\"*\"]}")
            .json()
            .get("id")
            .asText();
    UUID webhookId = UUID.fromString(id);
    List<UUID> failed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID deliveryId = UUID.randomUUID();
      failed.add(0, deliveryId); // newest first
      fixture.deliveries.add(delivery(deliveryId, webhookId, DeliveryStatus.FAILED));
      fixture.deliveries.add(delivery(UUID.randomUUID(), webhookId, DeliveryStatus.SUCCEEDED));
    }
    fixture.deliveries.add(
        delivery(UUID.randomUUID(), UUID.randomUUID(), DeliveryStatus.FAILED)); // other webhook

    ApiFixture.Response first =
        fixture.get("/api/v1/webhooks/" + id + "/deliveries?status=failed&limit=2");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode data = first.json().get("data");
    assertThat(data).hasSize(2);
    assertThat(data.get(0).get("id").asText()).isEqualTo(failed.get(0).toString());
    assertThat(data.get(0).get("status").asText()).isEqualTo("failed");
    assertThat(data.get(0).has("attempts")).as("list views carry no attempts").isFalse();
    String next = first.json().get("nextCursor").asText();
    assertThat(next).isEqualTo(failed.get(1).toString());

    ApiFixture.Response second =
        fixture.get("/api/v1/webhooks/" + id + "/deliveries?status=failed&limit=2&cursor=" + next);
    assertThat(second.json().get("data")).hasSize(1);
    assertThat(second.json().get("data").get(0).get("id").asText())
        .isEqualTo(failed.get(2).toString());
    assertThat(second.json().get("nextCursor").isNull()).isTrue();

    assertThat(fixture.get("/api/v1/webhooks/" + id + "/deliveries").json().get("data")).hasSize(6);

    ApiFixture.Response one = fixture.get("/api/v1/deliveries/" + failed.get(0));
    assertThat(one.status()).isEqualTo(200);
    JsonNode delivery = one.json();
    assertThat(delivery.get("webhookId").asText()).isEqualTo(id);
    assertThat(delivery.get("eventType").asText()).isEqualTo("payment_received");
    assertThat(delivery.get("messageId").asText())
        .as("the webhook-id its requests carry")
        .isEqualTo(
            dev.hookline.schemas.EventIdentity.webhookId(
                delivery.get("eventSource").asText(), delivery.get("eventId").asText()));
    assertThat(delivery.get("attemptCount").asInt()).isEqualTo(2);
    assertThat(delivery.at("/payload/payment_id").asInt()).isEqualTo(1201);
    assertThat(delivery.get("attempts")).hasSize(2);
    assertThat(delivery.get("attempts").get(1).get("statusCode").asInt()).isEqualTo(500);
    assertThat(delivery.get("attempts").get(1).get("responseExcerpt").asText()).isEqualTo("oops");
    assertThat(delivery.get("attempts").get(0).get("errorClass").asText()).isEqualTo("timeout");
  }

  @Test
  void servesTheEventCatalog() {
    ApiFixture.Response list = fixture.get("/api/v1/event-types");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("data").findValuesAsText("name")).contains("payment_received");

    ApiFixture.Response one = fixture.get("/api/v1/event-types/payment_received");
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("title").asText()).isEqualTo("Payment Received");
    assertThat(one.json().get("description").asText()).isNotBlank();
    assertThat(one.json().at("/schema/type").asText()).isEqualTo("object");
    assertThat(one.json().at("/example/payment_id").asInt()).isEqualTo(1201);
  }

  @Test
  void publishesAnEvent() {
    JsonNode example = ApiFixture.CATALOG.find("payment_received").orElseThrow().example();
    ApiFixture.Response accepted =
        fixture.post(
            "/api/v1/events",
            "{\"type\":\"payment_received\",\"data\":" + example + ",\"key\":\"customer-88\"}");

    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(fixture.publishing.published).hasSize(1);
    FakePublishing.Published published = fixture.publishing.published.get(0);
    assertThat(accepted.json().get("id").asText()).isEqualTo(published.id());
    assertThat(published.type()).isEqualTo("payment_received");
    assertThat(published.data()).isEqualTo(example);
    assertThat(published.key()).isEqualTo("customer-88");
  }

  @Test
  void aPublisherOutageIs503() {
    fixture.publishing.failure = new java.io.IOException("kafka down");
    JsonNode example = ApiFixture.CATALOG.find("payment_received").orElseThrow().example();
    ApiFixture.Response response =
        fixture.post("/api/v1/events", "{\"type\":\"payment_received\",\"data\":" + example + "}");
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.contentType()).startsWith("application/problem+json");
  }

  private static DeliveryView delivery(UUID id, UUID webhookId, DeliveryStatus status) {
    JsonNode payload =
        Json.MAPPER.valueToTree(
            ApiFixture.CATALOG.find("payment_received").orElseThrow().example());
    Instant now = Instant.now();
    List<DeliveryView.AttemptView> attempts =
        List.of(
            new DeliveryView.AttemptView(
                1, "event", now, 15000, null, null, "timeout", "read timed out", "worker-1"),
            new DeliveryView.AttemptView(2, "retry", now, 40, 500, "oops", null, null, "worker-2"));
    return new DeliveryView(
        id,
        webhookId,
        "evt_" + id,
        "urn:test",
        "payment_received",
        "event",
        status,
        2,
        500,
        "HTTP 500",
        null,
        now,
        now,
        payload,
        attempts);
  }
}
