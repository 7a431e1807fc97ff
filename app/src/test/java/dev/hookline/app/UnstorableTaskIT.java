package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 2, on the real broker and PostgreSQL: a task whose event PostgreSQL cannot index
 * (an id of 7 KB, as an older router or a foreign writer of {@code hookline.deliveries} could
 * write) shares a worker's batches with good tasks. Before, the batch's transaction failed, every
 * task of it was released and sent again, and the broker archived them: requests sent, no delivery
 * row, no dead letter.
 */
class UnstorableTaskIT {
  @Test
  void aTaskPostgresCannotIndexIsRecordedFailedAndDeadLetteredAndItsBatchMatesSucceed()
      throws Exception {
    TestStack stack = TestStack.get();
    Api api = new Api(stack);
    try (ScriptedReceiver receiver = new ScriptedReceiver()) {
      String webhookId = api.createWebhook(receiver.url("/unstorable"), "payment_updated", null);
      UUID webhook = UUID.fromString(webhookId);
      String data = "{\"payment_id\": 1}";
      StringBuilder hugeId = new StringBuilder("evt_");
      for (int i = 0; i < 200; i++) hugeId.append(UUID.randomUUID()); // random: no compression
      DeliveryTask bad = task(webhook, hugeId.toString(), data);
      List<DeliveryTask> good =
          List.of(
              task(webhook, "evt_ok_" + UUID.randomUUID(), data),
              task(webhook, "evt_ok_" + UUID.randomUUID(), data),
              task(webhook, "evt_ok_" + UUID.randomUUID(), data));
      DirectTasks.write(stack, List.of(good.get(0), bad, good.get(1), good.get(2)));

      for (DeliveryTask t : good) {
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions() // 404 until the worker recorded it
            .until(
                () -> api.delivery(t.deliveryId().toString()).get("status").asText(),
                "succeeded"::equals);
      }
      JsonNode failed = api.delivery(bad.deliveryId().toString());
      assertThat(failed.get("status").asText()).isEqualTo("failed");
      assertThat(failed.get("lastError").asText()).startsWith("unstorable: SQLState 54000");
      assertThat(failed.get("eventId").asText()).startsWith("unstorable:");
      assertThat(failed.get("attempts")).hasSize(1);

      List<ConsumerRecord<String, byte[]>> letters =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> TopicReader.recordsWithKey(Topics.DEAD_LETTER, webhookId),
                  l -> !l.isEmpty());
      JsonNode letter = Json.readTree(letters.get(0).value());
      assertThat(letter.get("task").get("deliveryId").asText())
          .isEqualTo(bad.deliveryId().toString());
      assertThat(letter.get("lastError").get("errorClass").asText()).isEqualTo("unstorable");
      // each task sent once: none was released and sent again
      assertThat(receiver.received()).hasSize(4);
    }
  }

  private static DeliveryTask task(UUID webhook, String eventId, String data) {
    return DirectTasks.task(webhook, eventId, "payment_updated", data);
  }
}
