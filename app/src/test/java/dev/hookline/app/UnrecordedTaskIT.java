package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.store.Database;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestWebhooks;
import dev.hookline.worker.DispatcherWorker;
import dev.hookline.worker.WorkerAssembly;
import dev.hookline.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 3, on the real broker, PostgreSQL and worker: a task whose webhook's secret no
 * configured key decrypts is released (the share group hands it out again at once, the worker's
 * loop backs off) until its last delivery by the group's count (read by the worker from Kafka),
 * then dead-lettered with the reason and accepted. Before, it was released every time and the
 * broker archived it: no row, no dead letter.
 *
 * <p>A worker of its own, in a share group of its own whose count is 3 (the broker's lowest is 2):
 * with the provisioned 10, the loop's backoff (1 s doubling to 30 s) makes this 2.5 minutes, and
 * the shared stack's worker would spend one of its consumers on it all that time.
 */
class UnrecordedTaskIT {
  private static final int DELIVERY_LIMIT = 3;

  @Test
  void aTaskWhoseSecretNoKeyDecryptsReachesTheDeadLetterTopicAtItsLastDelivery() throws Exception {
    String group = "unrecorded-it-" + UUID.randomUUID();
    TestInfra.shareGroupFromEarliest(group);
    TestInfra.shareGroupDeliveryLimit(group, DELIVERY_LIMIT);
    WorkerConfig config =
        WorkerConfig.builder(TestInfra.bootstrapServers(), "unrecorded-it")
            .allowedNetworks(List.of("127.0.0.0/8"))
            .consumers(1)
            .consumerProperties(Map.of("group.id", group))
            .build();
    try (Database db =
            Database.open(
                TestInfra.freshDatabase(), SecretCipher.fromBase64Key(SecretCipher.generateKey()));
        ScriptedReceiver receiver = new ScriptedReceiver();
        DispatcherWorker worker = WorkerAssembly.assemble(config, db, new SimpleMeterRegistry())) {
      UUID webhook =
          db.webhooks()
              .create(
                  TestWebhooks.newWebhook()
                      .name("undecryptable")
                      .url(receiver.url("/undecryptable"))
                      .build())
              .webhook()
              .id();
      String webhookId = webhook.toString();
      // encrypted with a key the worker does not have (or damaged at rest)
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement("update webhooks set secret_enc = ? where id = ?")) {
        ps.setBytes(1, "not a ciphertext of any key".getBytes(StandardCharsets.UTF_8));
        ps.setObject(2, webhook);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      String eventId = "evt_undecryptable_" + UUID.randomUUID();
      DeliveryTask task =
          DirectTasks.task(webhook, eventId, "customer_updated", "{\"customer_id\": 1}");
      DirectTasks.write(TestInfra.bootstrapServers(), List.of(task));
      worker.start();

      // released at deliveries 1 and 2 with the loop's backoff (1 s, 2 s), dead-lettered at 3
      List<ConsumerRecord<String, byte[]>> letters =
          await()
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofSeconds(1))
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
          .endsWith("at delivery " + DELIVERY_LIMIT + " of " + DELIVERY_LIMIT);
      assertThat(receiver.received()).as("nothing was sent unsigned").isEmpty();
    }
  }
}
