package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.Database;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.TestPostgres;
import dev.hookline.store.TestWebhooks;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookHealth;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retry timer loop against a real PostgreSQL, with Kafka mocked. */
class RetrySchedulerTest {
  private Database db;
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RetryScheduler scheduler;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    WorkerMetrics metrics = new WorkerMetrics(meters);
    WebhookDisabler disabler =
        new WebhookDisabler(
            db.webhookHealth(),
            EventPublisher.wrap(
                producer, EventCatalog.load(), PublisherConfig.defaults("unused:9092")),
            new WebhookDirectory(db.webhooks(), Duration.ofSeconds(5)),
            metrics);
    scheduler =
        new RetryScheduler(
            WorkerConfig.Scheduling.defaults(),
            db.retryTimers(),
            db.webhookHealth(),
            disabler,
            DeliveryTaskWriter.over(producer),
            Clock.systemUTC(),
            metrics,
            "w1");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Webhook webhook() {
    return db.webhooks()
        .create(TestWebhooks.newWebhook().name("hook").url("https://example.com/hook").build())
        .webhook();
  }

  private static AttemptRecord failedAttempt(DeliveryTask t, DeliveryStatus status, Instant next) {
    return new AttemptRecord(
        t, Instant.now(), 10, 503, "later", "http_status", "HTTP 503", "w1", status, next);
  }

  private List<ProducerRecord<String, byte[]>> sentTo(String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  @Test
  void dueRetriesGoBackOntoTheDeliveriesTopicAsTheNextAttempt() {
    Webhook w = webhook();
    DeliveryTask first = Fixtures.task(w.id(), 1, Trigger.EVENT);
    db.attempts()
        .recordAll(
            List.of(failedAttempt(first, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1))));

    scheduler.tick();

    assertThat(sentTo(Topics.DELIVERIES))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(w.id().toString());
              DeliveryTask retry = Json.fromBytes(r.value(), DeliveryTask.class);
              assertThat(retry.deliveryId()).isEqualTo(first.deliveryId());
              assertThat(retry.attempt()).isEqualTo(2);
              assertThat(retry.trigger()).isEqualTo(Trigger.RETRY);
              assertThat(retry.event()).isEqualTo(first.event());
            });
    assertThat(meters.get(WorkerMetrics.RETRIES_SCHEDULED).gauge().value()).isEqualTo(1.0);
    assertThat(meters.get(WorkerMetrics.RETRIES_DUE).gauge().value()).isZero();
    scheduler.tick();
    assertThat(sentTo(Topics.DELIVERIES)).as("leased").hasSize(1);
  }

  @Test
  void aDeliveryThatFailedForGoodGoesToTheDeadLetterTopicWithItsLastError() throws Exception {
    Webhook w = webhook();
    DeliveryTask last = Fixtures.task(w.id(), 1, Trigger.EVENT).nextAttempt(Trigger.RETRY);
    db.attempts().recordAll(List.of(failedAttempt(last, DeliveryStatus.FAILED, null)));

    scheduler.tick();
    scheduler.tick();

    assertThat(sentTo(Topics.DEAD_LETTER))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(w.id().toString());
              JsonNode value = Json.readTree(r.value());
              DeliveryTask task = Json.MAPPER.treeToValue(value.get("task"), DeliveryTask.class);
              assertThat(task.deliveryId()).isEqualTo(last.deliveryId());
              assertThat(task.attempt()).isEqualTo(2);
              assertThat(value.get("lastError").get("statusCode").asInt()).isEqualTo(503);
              assertThat(value.get("lastError").get("errorClass").asText())
                  .isEqualTo("http_status");
              assertThat(value.get("lastError").get("message").asText()).contains("HTTP 503");
            });
    assertThat(meters.get(WorkerMetrics.DEAD_LETTERS).counter().count()).isEqualTo(1);
  }

  @Test
  void aWebhookFailingForFiveDaysIsDisabledAndAnnouncedOnce() {
    Webhook failing = webhook();
    Webhook recent = webhook();
    db.webhookHealth()
        .record(
            List.of(
                new WebhookHealth.Outcome(
                    failing.id(), null, Instant.now().minus(Duration.ofDays(6))),
                new WebhookHealth.Outcome(
                    recent.id(), null, Instant.now().minus(Duration.ofDays(4)))));

    scheduler.tick();

    Webhook disabled = db.webhooks().find(failing.id()).orElseThrow();
    assertThat(disabled.disabledAt()).isNotNull();
    assertThat(disabled.disabledReason()).isEqualTo("failing_for_5_days");
    assertThat(db.webhooks().find(recent.id()).orElseThrow().disabledAt()).isNull();
    assertThat(sentTo(Topics.HOOKLINE_EVENTS))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(failing.id().toString());
              assertThat(
                      new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                  .isEqualTo("hookline.webhook.disabled");
              JsonNode data = Json.readTree(r.value());
              assertThat(data.get("webhook_id").asText()).isEqualTo(failing.id().toString());
              assertThat(data.get("reason").asText()).isEqualTo("failing_for_5_days");
            });
    assertThat(RetryScheduler.reason(Duration.ofHours(36))).isEqualTo("failing_for_129600_seconds");
  }

  @Test
  void aKafkaFailureMarksNothing() {
    Webhook w = webhook();
    DeliveryTask first = Fixtures.task(w.id(), 1, Trigger.EVENT);
    db.attempts()
        .recordAll(
            List.of(failedAttempt(first, DeliveryStatus.RETRYING, Instant.now().minusSeconds(1))));
    MockProducer<String, byte[]> broken =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    broken.sendException = new org.apache.kafka.common.errors.TimeoutException("broker down");
    RetryScheduler failing =
        new RetryScheduler(
            WorkerConfig.Scheduling.defaults(),
            db.retryTimers(),
            db.webhookHealth(),
            null,
            DeliveryTaskWriter.over(broken),
            Clock.systemUTC(),
            new WorkerMetrics(meters),
            "w2");

    org.assertj.core.api.Assertions.assertThatThrownBy(failing::tick)
        .hasMessageContaining("broker down");

    scheduler.tick();
    assertThat(sentTo(Topics.DELIVERIES)).as("published again by a healthy worker").hasSize(1);
    UUID id = first.deliveryId();
    assertThat(db.deliveries().find(id).orElseThrow().status()).isEqualTo(DeliveryStatus.RETRYING);
  }
}
