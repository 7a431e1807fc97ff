package dev.hookline.app;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tasks written straight to {@code hookline.deliveries}, as an older router or a foreign writer
 * could: what the worker must survive whatever the router lets through.
 */
final class DirectTasks {
  private DirectTasks() {}

  /** A first attempt of the event (type, data) to the webhook. */
  static DeliveryTask task(UUID webhook, String eventId, String type, String data) {
    Event event =
        new Event(
            eventId,
            type,
            "urn:it",
            Instant.parse("2026-12-05T10:00:00Z"),
            Json.readTree(data.getBytes(StandardCharsets.UTF_8)),
            null);
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhook), webhook, 1, 1, Trigger.EVENT, event, null);
  }

  static void write(TestStack stack, List<DeliveryTask> tasks) throws Exception {
    write(stack.config.kafkaBootstrapServers(), tasks);
  }

  static void write(String bootstrapServers, List<DeliveryTask> tasks) throws Exception {
    try (DeliveryTaskWriter writer =
        DeliveryTaskWriter.create(bootstrapServers, "direct-tasks", Map.of())) {
      writer.writeAll(tasks);
    }
  }
}
