package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.app.ScriptedReceiver.Answer;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 2, end to end on a real broker, PostgreSQL and a receiver on loopback: a retry
 * sends the body of the first attempt byte for byte, and the delivery log shows that data. Before,
 * the retry's data came from jsonb (keys reordered), and a NUL escape in the data made PostgreSQL
 * refuse the worker's whole batch.
 */
class ExactPayloadIT {
  /** Keys out of order, odd whitespace and escapes, a NUL, numbers jsonb would rewrite. */
  private static final String DATA =
      "{ \"membership_id\" : 7,\n\t\"zeta\":\"caf\\u00e9 \\u0000 \\\"q\\\" \\/\",  \"customer_id\": 42,"
          + " \"customer_user_email\": \"ada@example.com\", \"alpha\": {\"z\": [1.50, 1e2, -0.0],"
          + " \"a\": null}, \"big\": 123456789012345678901234567890, \"b\": \"\\ud83d\\ude00\" }";

  /**
   * Two webhooks: an event matching several is serialised once by the router (its data as a raw
   * text), and the worker signs the task's data as it is, so every writer of tasks must give the
   * data in one form, or a retry (written from the recorded payload) differs from the first body.
   */
  @Test
  void aRetrySendsTheFirstAttemptsBodyByteForByteAndTheLogShowsItUnchanged() throws Exception {
    TestStack stack = TestStack.get();
    Api api = new Api(stack);
    try (ScriptedReceiver one = new ScriptedReceiver().then(Answer.status(500));
        ScriptedReceiver two = new ScriptedReceiver().then(Answer.status(500))) {
      Map<String, ScriptedReceiver> webhooks = new java.util.LinkedHashMap<>();
      for (ScriptedReceiver receiver : List.of(one, two)) {
        webhooks.put(
            api.createWebhook(
                receiver.url("/exact"), "membership_updated", "\"retrySchedule\": [1]"),
            receiver);
      }
      api.awaitRoutesLoaded();
      String id = "exact-" + UUID.randomUUID();
      publish(stack, id);

      for (Map.Entry<String, ScriptedReceiver> w : webhooks.entrySet()) {
        JsonNode delivery =
            await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(
                    () -> api.deliveries(w.getKey()),
                    p -> p.size() == 1 && "succeeded".equals(p.get(0).get("status").asText()))
                .get(0);

        List<ScriptedReceiver.Request> requests = w.getValue().received();
        assertThat(requests).hasSize(2);
        assertThat(EventIdentity.eventIdOf(requests.get(0).header("webhook-id"))).isEqualTo(id);
        byte[] first = requests.get(0).body().getBytes(StandardCharsets.UTF_8);
        byte[] retry = requests.get(1).body().getBytes(StandardCharsets.UTF_8);
        assertThat(retry).as("the retry's body").isEqualTo(first);
        // "data" comes last in the body: {"type":...,"timestamp":...,"data":{...}}
        String body = requests.get(0).body();
        String sentData = body.substring(body.indexOf("\"data\":") + 7, body.length() - 1);
        assertThat(sentData).startsWith("{\"membership_id\":7,\"zeta\":\"café \\u0000 ");

        JsonNode detail = api.delivery(delivery.get("id").asText());
        assertThat(new String(Json.toBytes(detail.get("payload")), StandardCharsets.UTF_8))
            .isEqualTo(sentData);
        assertThat(detail.get("attempts")).hasSize(2);
      }
    }
  }

  /** As any CloudEvents producer would: the value is the data exactly as written above. */
  private static void publish(TestStack stack, String id) throws Exception {
    try (KafkaProducer<String, String> producer = CloudEventRecords.producer(stack)) {
      producer.send(membershipUpdated("7", id, DATA)).get();
    }
  }

  /** A {@code membership_updated} CloudEvent whose value is {@code data}, byte for byte. */
  static ProducerRecord<String, String> membershipUpdated(String key, String id, String data) {
    return CloudEventRecords.binary(
        "events.memberships",
        key,
        null,
        id,
        "https://crm.example.com/m",
        "membership_updated",
        "2026-11-28T09:30:00Z",
        data);
  }
}
