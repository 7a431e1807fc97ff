package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.Database;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestWebhooks;
import dev.hookline.store.Webhook;
import dev.hookline.worker.DispatcherWorker;
import dev.hookline.worker.WorkerAssembly;
import dev.hookline.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A worker whose allow-list lacks loopback refuses a webhook on 127.0.0.1, on a real broker and
 * PostgreSQL. It runs beside any {@link TestStack}, with a database and a share group of its own.
 */
class SsrfIT {

  @Test
  void aLoopbackTargetIsRefusedAndNotRetriedWhenLoopbackIsNotAllowListed() throws Exception {
    String group = "ssrf-it-" + UUID.randomUUID();
    TestInfra.shareGroupFromEarliest(group);
    WorkerConfig config =
        WorkerConfig.builder(TestInfra.bootstrapServers(), "ssrf-it")
            .allowedNetworks(List.of("10.99.0.0/16")) // something, but not loopback
            .consumerProperties(Map.of("group.id", group))
            .build();
    try (Database db =
            Database.open(
                TestInfra.freshDatabase(), SecretCipher.fromBase64Key(SecretCipher.generateKey()));
        Receiver receiver = new Receiver();
        DispatcherWorker worker = WorkerAssembly.assemble(config, db, new SimpleMeterRegistry())) {
      worker.start();
      Webhook webhook =
          db.webhooks()
              .create(
                  TestWebhooks.newWebhook()
                      .name("internal")
                      .url(receiver.url("/admin"))
                      .timeoutSeconds(5)
                      .retrySchedule(List.of(1, 1))
                      .build())
              .webhook();
      Event event =
          new Event(
              "evt_" + UUID.randomUUID(),
              "payment_received",
              "urn:test",
              Instant.now(),
              Json.readTree("{\"payment_id\": 1}".getBytes()),
              null);
      DeliveryTask task =
          new DeliveryTask(
              DeliveryTask.deliveryIdFor(event, webhook.id()),
              webhook.id(),
              webhook.version(),
              1,
              Trigger.EVENT,
              event,
              null);
      send(task);

      DeliveryView delivery =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(250))
              .until(
                  () -> db.deliveries().find(task.deliveryId()).orElse(null),
                  d -> d != null && d.status() == DeliveryStatus.FAILED);

      assertThat(delivery.attempts())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.errorClass()).isEqualTo("ssrf_blocked");
                assertThat(a.errorMessage()).contains("127.0.0.1").contains("loopback");
                assertThat(a.statusCode()).isNull();
              });
      assertThat(receiver.received()).isEmpty();
    }
  }

  private static void send(DeliveryTask task) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.DELIVERIES, task.webhookId().toString(), Json.toBytes(task)))
          .get(30, TimeUnit.SECONDS);
    }
  }
}
