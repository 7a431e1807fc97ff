package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 3, on the real broker, PostgreSQL and worker: a task whose webhook's secret no
 * configured key decrypts is released (the share group hands it out again at once, the worker's
 * loop backs off) until its last delivery by the group's count (10, as provisioned; read by the
 * worker from Kafka), then dead-lettered with the reason and accepted. Before, it was released
 * every time and the broker archived it: no row, no dead letter.
 */
class UnrecordedTaskIT {
  @Test
  void aTaskWhoseSecretNoKeyDecryptsReachesTheDeadLetterTopicAtItsLastDelivery() throws Exception {
    TestStack stack = TestStack.get();
    Api api = new Api(stack);
    try (ScriptedReceiver receiver = new ScriptedReceiver()) {
      String webhookId =
          api.createWebhook(receiver.url("/undecryptable"), "customer_updated", null);
      UUID webhook = UUID.fromString(webhookId);
      // encrypted with a key the worker does not have (or damaged at rest)
      try (Connection c = stack.db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement("update webhooks set secret_enc = ? where id = ?")) {
        ps.setBytes(1, "not a ciphertext of any key".getBytes(StandardCharsets.UTF_8));
        ps.setObject(2, webhook);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      String eventId = "evt_undecryptable_" + UUID.randomUUID();
      DeliveryTask task =
          DirectTasks.task(webhook, eventId, "customer_updated", "{\"customer_id\": 1}");
      DirectTasks.write(stack, List.of(task));

      // released ten times with the loop's backoff (1 s doubling to 30 s): about 2.5 minutes
      List<ConsumerRecord<String, byte[]>> letters =
          await()
              .atMost(Duration.ofMinutes(5))
              .pollInterval(Duration.ofSeconds(2))
              .until(
                  () -> TopicReader.recordsWithKey(Topics.DEAD_LETTER, webhookId),
                  l -> !l.isEmpty());
      assertThat(letters).hasSize(1);
      JsonNode letter = Json.readTree(letters.get(0).value());
      assertThat(letter.get("task").get("deliveryId").asText())
          .isEqualTo(task.deliveryId().toString());
      assertThat(letter.get("lastError").get("errorClass").asText()).isEqualTo("webhook_lookup");
      assertThat(letter.get("lastError").get("message").asText())
          .startsWith("webhook lookup failed: ")
          .endsWith("at delivery 10 of 10");
      assertThat(receiver.received()).as("nothing was sent unsigned").isEmpty();
    }
  }
}
