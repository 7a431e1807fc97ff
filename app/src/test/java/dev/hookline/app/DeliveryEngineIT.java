package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.app.ScriptedReceiver.Answer;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery engine end to end on a real broker and PostgreSQL: retries from the timer in
 * PostgreSQL, Retry-After, dead letters, 410 Gone disabling, and a hanging endpoint that must not
 * slow the others. Each test uses its own event type, so they never see each other's events.
 */
class DeliveryEngineIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static Api api;
  private final List<ScriptedReceiver> receivers = new ArrayList<>();

  @BeforeAll
  static void start() {
    api = new Api(TestStack.get());
  }

  @AfterEach
  void stopReceivers() {
    receivers.forEach(ScriptedReceiver::close);
  }

  private ScriptedReceiver receiver() {
    ScriptedReceiver r = new ScriptedReceiver();
    receivers.add(r);
    return r;
  }

  /** The webhook's only delivery, once it reached the status. */
  private JsonNode onlyDelivery(String webhookId, String status) {
    JsonNode page =
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> api.deliveries(webhookId),
                p -> p.size() == 1 && status.equals(p.get(0).get("status").asText()));
    return page.get(0);
  }

  private static List<Integer> field(JsonNode attempts, String name) {
    List<Integer> values = new ArrayList<>();
    attempts.forEach(a -> values.add(a.get(name).isNull() ? null : a.get(name).asInt()));
    return values;
  }

  @Test
  void aServerErrorIsRetriedFromTheTimerAndBothAttemptsAreLogged() throws Exception {
    ScriptedReceiver receiver = receiver().then(Answer.status(500));
    String webhook =
        api.createWebhook(
            receiver.url("/retry"), "membership_created", "\"retrySchedule\": [1, 1]");
    api.awaitRoutesLoaded();
    String eventId = api.publishExample("membership_created");

    JsonNode delivery = onlyDelivery(webhook, "succeeded");

    JsonNode detail = api.delivery(delivery.get("id").asText());
    assertThat(field(detail.get("attempts"), "statusCode")).containsExactly(500, 200);
    List<String> triggers = new ArrayList<>();
    detail.get("attempts").forEach(a -> triggers.add(a.get("trigger").asText()));
    assertThat(triggers).containsExactly("event", "retry");
    assertThat(receiver.received())
        .hasSize(2)
        .allSatisfy(
            r -> assertThat(EventIdentity.isWebhookIdOf(r.header("webhook-id"), eventId)).isTrue())
        .extracting(r -> r.header("webhook-id"))
        .as("the retry keeps its webhook-id")
        .containsOnly(receiver.received().get(0).header("webhook-id"));
  }

  @Test
  void retryAfterOfA429IsHonoured() throws Exception {
    ScriptedReceiver receiver = receiver().then(Answer.status(429).header("Retry-After", "4"));
    // our own step is 2 s (1.6 to 2.4 with jitter); the receiver asks for 4, within the cap of 2 x
    // 2 s
    String webhook =
        api.createWebhook(receiver.url("/busy"), "invoice_sent", "\"retrySchedule\": [2]");
    api.awaitRoutesLoaded();
    api.publishExample("invoice_sent");

    onlyDelivery(webhook, "succeeded");

    List<ScriptedReceiver.Request> requests = receiver.received();
    assertThat(requests).hasSize(2);
    long gapMs =
        TimeUnit.NANOSECONDS.toMillis(
            requests.get(1).arrivedNanos() - requests.get(0).arrivedNanos());
    assertThat(gapMs).as("the second attempt waited for Retry-After").isGreaterThanOrEqualTo(3_800);
  }

  @Test
  void afterTheLastAttemptTheDeliveryFailsAndGoesToTheDeadLetterTopic() throws Exception {
    ScriptedReceiver receiver = receiver().otherwise(Answer.status(503));
    String webhook =
        api.createWebhook(receiver.url("/down"), "payment_created", "\"retrySchedule\": [1]");
    api.awaitRoutesLoaded();
    api.publishExample("payment_created");

    JsonNode delivery = onlyDelivery(webhook, "failed");

    JsonNode detail = api.delivery(delivery.get("id").asText());
    assertThat(field(detail.get("attempts"), "statusCode")).containsExactly(503, 503);
    List<ConsumerRecord<String, byte[]>> letters =
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> TopicReader.recordsWithKey(Topics.DEAD_LETTER, webhook), l -> !l.isEmpty());
    assertThat(letters).hasSize(1);
    JsonNode letter = Json.readTree(letters.get(0).value());
    assertThat(letter.get("task").get("deliveryId").asText())
        .isEqualTo(delivery.get("id").asText());
    assertThat(letter.get("task").get("attempt").asInt()).isEqualTo(2);
    assertThat(letter.get("lastError").get("statusCode").asInt()).isEqualTo(503);
  }

  @Test
  void goneDisablesTheWebhookAnnouncesItAndRoutingStops() throws Exception {
    ScriptedReceiver watcher = receiver();
    api.createWebhook(watcher.url("/ops"), "hookline.webhook.disabled", null);
    ScriptedReceiver gone = receiver().otherwise(Answer.status(410));
    String webhook = api.createWebhook(gone.url("/gone"), "payment_failed", null);
    api.awaitRoutesLoaded();
    api.publishExample("payment_failed");

    JsonNode disabled =
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> api.call("GET", "/webhooks/" + webhook, null, 200),
                w -> "disabled".equals(w.get("status").asText()));
    assertThat(disabled.get("disabledReason").asText()).isEqualTo("endpoint_gone");
    assertThat(onlyDelivery(webhook, "failed").get("lastStatusCode").asInt()).isEqualTo(410);

    // announced on events.hookline, and routed like any event to whoever subscribed to it
    ScriptedReceiver.Request announcement =
        await()
            .atMost(DEADLINE)
            .until(
                () ->
                    watcher.received().stream()
                        .filter(
                            r ->
                                Json.readTree(r.body().getBytes())
                                    .get("data")
                                    .get("webhook_id")
                                    .asText()
                                    .equals(webhook))
                        .findFirst()
                        .orElse(null),
                r -> r != null);
    JsonNode body = Json.readTree(announcement.body().getBytes());
    assertThat(body.get("type").asText()).isEqualTo("hookline.webhook.disabled");
    assertThat(body.get("data").get("reason").asText()).isEqualTo("endpoint_gone");
    assertThat(TopicReader.recordsWithKey(Topics.HOOKLINE_EVENTS, webhook)).hasSize(1);

    // routing stops: the routing record says so, and a later event reaches nobody
    List<ConsumerRecord<String, byte[]>> routing =
        TopicReader.recordsWithKey(Topics.SUBSCRIPTIONS, webhook);
    JsonNode last = Json.readTree(routing.get(routing.size() - 1).value());
    assertThat(last.get("active").asBoolean()).isFalse();
    api.publishExample("payment_failed");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(60))
        .until(() -> gone.received().size() == 1);
  }

  @Test
  void aHangingEndpointDoesNotSlowDeliveryToTheOthers() throws Exception {
    ScriptedReceiver hanging =
        receiver().otherwise(Answer.status(200).after(Duration.ofSeconds(30)));
    ScriptedReceiver fast = receiver();
    api.createWebhook(hanging.url("/hang"), "customer_created", "\"timeoutSeconds\": 3");
    api.createWebhook(fast.url("/fast"), "customer_created", null);
    api.awaitRoutesLoaded();

    // one event every 250 ms for 3.5 s: every poll of the worker holds a task of the hanging
    // webhook
    Map<String, Long> publishedAt = new HashMap<>();
    for (int i = 0; i < 14; i++) {
      publishedAt.put(api.publishExample("customer_created"), System.nanoTime());
      Thread.sleep(250); // pacing the load, not waiting for an outcome
    }

    await().atMost(DEADLINE).until(() -> fast.received().size() >= publishedAt.size());
    Map<String, Long> latencyMs = new HashMap<>();
    for (ScriptedReceiver.Request r : fast.received()) {
      String eventId = EventIdentity.eventIdOf(r.header("webhook-id"));
      Long sent = publishedAt.get(eventId);
      if (sent != null)
        latencyMs.put(eventId, TimeUnit.NANOSECONDS.toMillis(r.arrivedNanos() - sent));
    }
    assertThat(latencyMs).hasSize(publishedAt.size());
    // waiting on the hanging endpoint would cost up to its 3 s timeout per batch
    assertThat(latencyMs.values())
        .as("latency of each event to the fast endpoint, ms")
        .allMatch(ms -> ms < 2_500);
    assertThat(hanging.received()).isNotEmpty();
  }
}
