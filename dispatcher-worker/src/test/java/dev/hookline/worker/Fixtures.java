package dev.hookline.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.TestWebhooks;
import dev.hookline.store.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Test data of the worker's tests; the store's fakes are {@code InMemoryStore}'s. */
final class Fixtures {
  static final String SECRET = TestWebhooks.SECRET;
  static final Instant EVENT_TIME = Instant.parse("2026-11-28T10:15:30.123Z");
  private static final AtomicLong OFFSETS = new AtomicLong();

  private Fixtures() {}

  static Webhook webhook(String url) {
    return webhook(UUID.randomUUID(), url, 15, null, Map.of(), true);
  }

  static Webhook webhook(
      UUID id,
      String url,
      int timeoutSeconds,
      List<Integer> retrySchedule,
      Map<String, String> headers,
      boolean active) {
    return TestWebhooks.webhook()
        .id(id)
        .url(url)
        .active(active)
        .timeoutSeconds(timeoutSeconds)
        .retrySchedule(retrySchedule)
        .headers(headers)
        .build();
  }

  static Event event() {
    JsonNode data =
        Json.readTree("{\"amount\": 4200, \"currency\": \"EUR\"}".getBytes(StandardCharsets.UTF_8));
    return new Event(
        "evt_" + UUID.randomUUID(), "payment_received", "/payments", EVENT_TIME, data, null);
  }

  static DeliveryTask task(UUID webhookId, int attempt, Trigger trigger) {
    Event event = event();
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhookId), webhookId, 1, attempt, trigger, event, null);
  }

  /**
   * A task the worker decoded, with its data (kept as the record's text, {@code RawData}) read as a
   * tree again: to compare with the task the record was written from.
   */
  static DeliveryTask asWritten(DeliveryTask decoded) {
    return Json.fromBytes(Json.toBytes(decoded), DeliveryTask.class);
  }

  static ConsumerRecord<byte[], byte[]> record(DeliveryTask task) {
    return record(Json.toBytes(task));
  }

  static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>(Topics.DELIVERIES, 0, OFFSETS.incrementAndGet(), null, value);
  }

  /** A record as the share consumer hands it out for the {@code deliveryCount}-th time. */
  static ConsumerRecord<byte[], byte[]> record(DeliveryTask task, int deliveryCount) {
    return new ConsumerRecord<>(
        Topics.DELIVERIES,
        0,
        OFFSETS.incrementAndGet(),
        0L,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME,
        0,
        0,
        null,
        Json.toBytes(task),
        new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty(),
        java.util.Optional.of((short) deliveryCount));
  }
}
