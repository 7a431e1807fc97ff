package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.InMemoryStore;
import dev.hookline.store.InMemoryWebhooks;
import dev.hookline.store.TestWebhooks;
import dev.hookline.store.WebhookStats;
import dev.hookline.store.WebhookStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Test events, retry, recover, secret rotation, and the list's search, filter and counters. */
@ExtendWith(ApiFixtureExtension.class)
class ActionsTest {
  private final ApiFixture fixture;

  ActionsTest(ApiFixture fixture) {
    this.fixture = fixture;
  }

  private String create(String body) {
    ApiFixture.Response created = fixture.post("/api/v1/webhooks", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asText();
  }

  private String webhook(String events, boolean active) {
    return create(
        "{\"name\":\"w\",\"url\":\"https://example.com/h\",\"events\":"
            + events
            + ",\"active\":"
            + active
            + ",\"timeoutSeconds\":1}");
  }

  /** A worker that reports a little later, from another thread, like the real one. */
  private void workerAnswers(
      Integer status, String excerpt, String errorClass, String errorMessage) {
    fixture.tasks.worker =
        task ->
            CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS)
                .execute(
                    () ->
                        fixture.deliveries.add(
                            Deliveries.testAttempt(
                                task, status, excerpt, errorClass, errorMessage)));
  }

  @Test
  void aTestEventGoesThroughTheWorkerAndAnswersWithTheOutcome() {
    String id = webhook("[\"customer_created\", \"payment_received\"]", true);
    workerAnswers(200, "thanks", null, null);

    ApiFixture.Response response =
        fixture.send("POST", "/api/v1/webhooks/" + id + "/test", null, null, ApiFixture.TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode result = response.json();
    assertThat(result.get("success").asBoolean()).isTrue();
    assertThat(result.get("statusCode").asInt()).isEqualTo(200);
    assertThat(result.get("durationMs").asInt()).isEqualTo(87);
    assertThat(result.get("responseExcerpt").asText()).isEqualTo("thanks");
    assertThat(result.get("error").isNull()).isTrue();
    assertThat(result.get("eventType").asText())
        .as("the first subscribed type")
        .isEqualTo("customer_created");

    assertThat(fixture.tasks.published).hasSize(1);
    DeliveryTask task = fixture.tasks.published.get(0);
    assertThat(task.trigger()).isEqualTo(Trigger.TEST);
    assertThat(task.attempt()).isEqualTo(1);
    assertThat(task.webhookId().toString()).isEqualTo(id);
    assertThat(task.webhookVersion()).isEqualTo(1);
    assertThat(task.deliveryId().toString()).isEqualTo(result.get("deliveryId").asText());
    assertThat(task.event().id()).startsWith("evt_test_").isEqualTo(result.get("eventId").asText());
    assertThat(task.event().source()).isEqualTo("urn:hookline:admin-api");
    assertThat(task.event().type()).isEqualTo("customer_created");
    assertThat(task.event().data())
        .isEqualTo(ApiFixture.CATALOG.find("customer_created").orElseThrow().example());
    assertThat(task.event().time()).isBetween(Instant.now().minusSeconds(10), Instant.now());
  }

  @Test
  void aTestEventOfAChosenTypeToAnInactiveWebhookReportsTheEndpointsFailure() {
    String id = webhook("[\"*\"]", false);
    workerAnswers(500, "boom", null, null);

    ApiFixture.Response response =
        fixture.post("/api/v1/webhooks/" + id + "/test", "{\"event\":\"invoice_sent\"}");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("success").asBoolean()).isFalse();
    assertThat(response.json().get("statusCode").asInt()).isEqualTo(500);
    assertThat(response.json().get("eventType").asText()).isEqualTo("invoice_sent");
    assertThat(fixture.tasks.published.get(0).event().type()).isEqualTo("invoice_sent");
  }

  @Test
  void aWildcardWebhookGetsAPaymentReceivedExampleAndAConnectErrorIsReported() {
    String id = webhook("[\"*\"]", true);
    workerAnswers(null, null, "connect", "connection refused");

    ApiFixture.Response response = fixture.post("/api/v1/webhooks/" + id + "/test", "{}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("eventType").asText()).isEqualTo("payment_received");
    assertThat(response.json().get("success").asBoolean()).isFalse();
    assertThat(response.json().get("statusCode").isNull()).isTrue();
    assertThat(response.json().get("error").asText()).isEqualTo("connect: connection refused");
  }

  @Test
  void aTestTheWorkerNeverReportsIs504WithTheDeliveryId() {
    String id = webhook("[\"payment_received\"]", true); // timeout 1 s + the fixture's short grace
    long started = System.nanoTime();

    ApiFixture.Response response = fixture.post("/api/v1/webhooks/" + id + "/test", "{}");

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(response.status()).isEqualTo(504);
    assertThat(response.contentType()).startsWith("application/problem+json");
    String deliveryId = fixture.tasks.published.get(0).deliveryId().toString();
    assertThat(response.json().get("deliveryId").asText()).isEqualTo(deliveryId);
    assertThat(response.json().get("detail").asText()).contains(deliveryId);
    assertThat(response.header("Location")).isEqualTo("/api/v1/deliveries/" + deliveryId);
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1).plus(ApiFixture.TEST_REPORT_GRACE));
  }

  @Test
  void aKafkaOutageIs503AndNothingIsAwaited() {
    String id = webhook("[\"payment_received\"]", true);
    fixture.tasks.failure = new java.io.IOException("kafka down");
    assertThat(fixture.post("/api/v1/webhooks/" + id + "/test", "{}").status()).isEqualTo(503);
    String deliveries = "/api/v1/deliveries/";
    UUID failed = UUID.randomUUID();
    fixture.deliveries.add(
        Deliveries.delivery(
            failed, UUID.fromString(id), "event", DeliveryStatus.FAILED, 1, Instant.now()));
    assertThat(
            fixture
                .send("POST", deliveries + failed + "/retry", null, null, ApiFixture.TOKEN)
                .status())
        .isEqualTo(503);
    assertThat(fixture.deliveries.find(failed).orElseThrow().status())
        .as("not marked")
        .isEqualTo(DeliveryStatus.FAILED);
  }

  @Test
  void withoutATaskPublisherTheActionsAre503() {
    AdminApiConfig config = AdminApiConfig.builder(List.of("t0ken")).host("127.0.0.1").build();
    InMemoryStore store = new InMemoryStore();
    InMemoryWebhooks webhooks = store.webhooks();
    UUID id =
        webhooks
            .create(
                TestWebhooks.newWebhook()
                    .name("w")
                    .url("https://e.com/")
                    .events("*")
                    .timeoutSeconds(1)
                    .build())
            .webhook()
            .id();
    try (AdminApi api =
            AdminApi.builder(config)
                .webhooks(webhooks)
                .deliveries(store.deliveries())
                .tenants(store.tenants())
                .idempotencyKeys(store.idempotencyKeys())
                .catalog(ApiFixture.CATALOG)
                .metrics(fixture.metrics)
                .health(() -> HealthReport.up(null))
                .events(new FakePublishing())
                .build()
                .start();
        var client = java.net.http.HttpClient.newHttpClient()) {
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(
                      "http://127.0.0.1:" + api.port() + "/api/v1/webhooks/" + id + "/test"))
              .header("Authorization", "Bearer t0ken")
              .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
              .build();
      assertThat(
              client
                  .send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(503);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void retryQueuesTheNextAttemptAsManualAndMarksItPending() {
    String id = webhook("[\"payment_received\"]", true);
    fixture.patch("/api/v1/webhooks/" + id, "{\"name\":\"v2\"}"); // version 2
    UUID delivery = UUID.randomUUID();
    fixture.deliveries.add(
        Deliveries.delivery(
            delivery, UUID.fromString(id), "event", DeliveryStatus.RETRYING, 3, Instant.now()));

    ApiFixture.Response response =
        fixture.send(
            "POST", "/api/v1/deliveries/" + delivery + "/retry", null, null, ApiFixture.TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(response.json().get("deliveryId").asText()).isEqualTo(delivery.toString());
    assertThat(response.json().get("attempt").asInt()).isEqualTo(4);
    DeliveryTask task = fixture.tasks.published.get(0);
    assertThat(task.trigger()).isEqualTo(Trigger.MANUAL);
    assertThat(task.attempt()).isEqualTo(4);
    assertThat(task.webhookVersion()).isEqualTo(2);
    assertThat(task.event().id()).isEqualTo("evt_" + delivery);
    assertThat(fixture.deliveries.find(delivery).orElseThrow().status())
        .isEqualTo(DeliveryStatus.PENDING);
  }

  @Test
  void testDeliveriesAndDeliveriesOfDeletedWebhooksAreNotRetried() {
    String id = webhook("[\"payment_received\"]", true);
    UUID test = UUID.randomUUID();
    UUID orphan = UUID.randomUUID();
    fixture.deliveries.add(
        Deliveries.delivery(
            test, UUID.fromString(id), "test", DeliveryStatus.FAILED, 1, Instant.now()));
    fixture.deliveries.add(
        Deliveries.delivery(
            orphan, UUID.randomUUID(), "event", DeliveryStatus.FAILED, 1, Instant.now()));

    assertThat(fixture.post("/api/v1/deliveries/" + test + "/retry", "{}").status()).isEqualTo(409);
    assertThat(fixture.post("/api/v1/deliveries/" + orphan + "/retry", "{}").status())
        .isEqualTo(409);
    assertThat(fixture.tasks.published).isEmpty();
  }

  @Test
  void recoverQueuesTheFailedDeliveriesOfTheWindowOnce() {
    String id = webhook("[\"payment_received\"]", true);
    UUID webhookId = UUID.fromString(id);
    Instant t0 = Instant.parse("2020-01-20T00:00:00Z");
    UUID inside1 = UUID.randomUUID();
    UUID inside2 = UUID.randomUUID();
    fixture.deliveries.add(
        Deliveries.delivery(inside1, webhookId, "event", DeliveryStatus.FAILED, 8, t0));
    fixture.deliveries.add(
        Deliveries.delivery(
            inside2, webhookId, "event", DeliveryStatus.FAILED, 2, t0.plusSeconds(30)));
    fixture.deliveries.add(
        Deliveries.delivery(
            UUID.randomUUID(), webhookId, "event", DeliveryStatus.FAILED, 8, t0.plusSeconds(3600)));
    fixture.deliveries.add(
        Deliveries.delivery(
            UUID.randomUUID(), webhookId, "event", DeliveryStatus.SUCCEEDED, 1, t0.plusSeconds(5)));
    fixture.deliveries.add(
        Deliveries.delivery(
            UUID.randomUUID(), webhookId, "test", DeliveryStatus.FAILED, 1, t0.plusSeconds(5)));
    String atT0 =
        "{\"since\":\"2020-01-19T00:00:00Z\",\"until\":\"2020-01-20T01:00:00+01:00\"}"; // until =
    // t0
    String until1h = "{\"since\":\"2020-01-20T00:00:00Z\",\"until\":\"2020-01-20T00:59:59Z\"}";
    assertThat(
            fixture.post("/api/v1/webhooks/" + id + "/recover", atT0).json().get("count").asInt())
        .as("until is exclusive")
        .isZero();

    ApiFixture.Response response = fixture.post("/api/v1/webhooks/" + id + "/recover", until1h);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(response.json().get("count").asInt()).isEqualTo(2);
    assertThat(response.json().get("hasMore").asBoolean()).isFalse();
    assertThat(fixture.tasks.published)
        .extracting(DeliveryTask::deliveryId)
        .containsExactly(inside1, inside2);
    assertThat(fixture.tasks.published).extracting(DeliveryTask::attempt).containsExactly(9, 3);
    assertThat(fixture.tasks.published)
        .allSatisfy(t -> assertThat(t.trigger()).isEqualTo(Trigger.MANUAL));

    ApiFixture.Response again = fixture.post("/api/v1/webhooks/" + id + "/recover", until1h);
    assertThat(again.json().get("count").asInt()).as("pending now: not queued twice").isZero();
    assertThat(fixture.tasks.published).hasSize(2);
  }

  @Test
  void rotatingTheSecretAnswersTheNewOneAndWhenThePreviousExpires() {
    String id = webhook("[\"payment_received\"]", true);

    ApiFixture.Response response =
        fixture.send(
            "POST", "/api/v1/webhooks/" + id + "/rotate-secret", null, null, ApiFixture.TOKEN);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("secret").asText()).startsWith("whsec_");
    assertThat(response.json().get("version").asLong()).isEqualTo(2);
    Instant updatedAt =
        Instant.parse(fixture.get("/api/v1/webhooks/" + id).json().get("updatedAt").asText());
    assertThat(Instant.parse(response.json().get("previousSecretExpiresAt").asText()))
        .isEqualTo(updatedAt.plus(WebhookStore.PREVIOUS_SECRET_GRACE));
    assertThat(fixture.get("/api/v1/webhooks/" + id).json().has("secret")).isFalse();
  }

  @Test
  void theListSearchesFiltersAndCarriesCounters() {
    String orders =
        create(
            "{\"name\":\"Orders\",\"url\":\"https://zapier.example.com/o\",\"events\":[\"payment_received\"]}");
    String crm =
        create(
            "{\"name\":\"CRM\",\"url\":\"https://crm.example.com/\",\"events\":[\"customer_created\"],\"active\":false}");
    fixture.webhooks.stats(
        UUID.fromString(orders), new WebhookStats(10, 7, 2, Instant.parse("2026-11-28T10:00:00Z")));

    JsonNode all = fixture.get("/api/v1/webhooks").json().get("data");
    assertThat(all.findValuesAsText("id")).containsExactly(orders, crm);
    assertThat(all.get(0).at("/stats/deliveries").asLong()).isEqualTo(10);
    assertThat(all.get(0).at("/stats/succeeded").asLong()).isEqualTo(7);
    assertThat(all.get(0).at("/stats/failed").asLong()).isEqualTo(2);
    assertThat(all.get(0).at("/stats/lastDeliveryAt").asText()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(all.get(1).at("/stats/deliveries").asLong()).isZero();
    assertThat(all.get(1).at("/stats/lastDeliveryAt").isNull()).isTrue();

    assertThat(ids("/api/v1/webhooks?q=ZAPIER")).containsExactly(orders);
    assertThat(ids("/api/v1/webhooks?q=customer")).containsExactly(crm);
    assertThat(ids("/api/v1/webhooks?active=false")).containsExactly(crm);
    assertThat(ids("/api/v1/webhooks?active=true&q=crm")).isEmpty();
    assertThat(fixture.get("/api/v1/webhooks/" + orders).json().at("/stats/deliveries").asLong())
        .isEqualTo(10);
  }

  private List<String> ids(String path) {
    ApiFixture.Response page = fixture.get(path);
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    return page.json().get("data").findValuesAsText("id");
  }

  @Test
  void patchResetsTheRetryScheduleAndActiveTrueReEnables() {
    String id =
        create(
            "{\"name\":\"w\",\"url\":\"https://e.com/\",\"events\":[\"*\"],\"retrySchedule\":[5,60]}");
    fixture.webhooks.disable(UUID.fromString(id), "410 Gone", Instant.now());
    assertThat(fixture.get("/api/v1/webhooks/" + id).json().get("status").asText())
        .isEqualTo("disabled");

    JsonNode reset = fixture.patch("/api/v1/webhooks/" + id, "{\"retrySchedule\":null}").json();
    assertThat(reset.get("retrySchedule").isNull()).isTrue();
    assertThat(reset.get("status").asText())
        .as("other changes leave it disabled")
        .isEqualTo("disabled");

    JsonNode enabled = fixture.patch("/api/v1/webhooks/" + id, "{\"active\":true}").json();
    assertThat(enabled.get("status").asText()).isEqualTo("active");
    assertThat(enabled.get("disabledAt").isNull()).isTrue();
    assertThat(enabled.get("disabledReason").isNull()).isTrue();
  }

  @Test
  void theDeliveryLogFiltersBySince() {
    String id = webhook("[\"payment_received\"]", true);
    UUID old = UUID.randomUUID();
    UUID recent = UUID.randomUUID();
    fixture.deliveries.add(
        Deliveries.delivery(
            old,
            UUID.fromString(id),
            "event",
            DeliveryStatus.SUCCEEDED,
            1,
            Instant.parse("2026-11-01T00:00:00Z")));
    fixture.deliveries.add(
        Deliveries.delivery(
            recent,
            UUID.fromString(id),
            "event",
            DeliveryStatus.SUCCEEDED,
            1,
            Instant.parse("2026-11-27T00:00:00Z")));

    assertThat(ids("/api/v1/webhooks/" + id + "/deliveries?since=2026-11-20T00:00:00Z"))
        .containsExactly(recent.toString());
    assertThat(ids("/api/v1/webhooks/" + id + "/deliveries?since=2026-11-20T01:00:00%2B01:00"))
        .containsExactly(recent.toString());
    assertThat(ids("/api/v1/webhooks/" + id + "/deliveries"))
        .containsExactly(recent.toString(), old.toString());
  }

  @Test
  void theOpenApiDocumentIsServedBehindTheToken() {
    ApiFixture.Response document = fixture.get("/api/v1/openapi.yaml");
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.contentType()).startsWith("application/yaml");
    assertThat(document.body()).startsWith("openapi: 3.1").contains("/api/v1/webhooks/{id}/test:");
    assertThat(fixture.send("GET", "/api/v1/openapi.yaml", null, null, null).status())
        .isEqualTo(401);
  }
}
