package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SpreadTasksTest {
  private final RouterTopology.SpreadTasks partitioner = new RouterTopology.SpreadTasks();

  private static EventRouter.Delivery task(UUID webhook, int n, String tenant) {
    Event event =
        new Event(
            "evt_" + n,
            "payment_received",
            "urn:test",
            Instant.parse("2026-11-28T10:00:00Z"),
            Json.readTree("{\"n\": 1}".getBytes(StandardCharsets.UTF_8)),
            tenant);
    return new EventRouter.Delivery(
        Json.toBytes(
            new DeliveryTask(
                DeliveryTask.deliveryIdFor(event, webhook),
                webhook,
                1,
                1,
                Trigger.EVENT,
                event,
                tenant)),
        tenant);
  }

  @Test
  void oneWebhooksTasksGoToEveryPartitionAlwaysTheSameForTheSameTask() {
    UUID webhook = UUID.fromString("7b0b4c64-64f7-4f5b-9b0e-2d1a7c9d8e01");
    byte[] key = webhook.toString().getBytes(StandardCharsets.UTF_8);
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      EventRouter.Delivery value = task(webhook, i, null);
      Set<Integer> chosen =
          partitioner.partitions("hookline.deliveries", key, value, 6).orElseThrow();
      assertThat(chosen).hasSize(1).allSatisfy(p -> assertThat(p).isBetween(0, 5));
      assertThat(partitioner.partitions("hookline.deliveries", key, value, 6)).contains(chosen);
      used.addAll(chosen);
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
  }

  @Test
  void aTenantsTasksAllGoToItsLaneTheWriterPartitionTheSame() {
    UUID webhook = UUID.fromString("7b0b4c64-64f7-4f5b-9b0e-2d1a7c9d8e02");
    byte[] key = webhook.toString().getBytes(StandardCharsets.UTF_8);
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      used.addAll(
          partitioner
              .partitions("hookline.deliveries", key, task(webhook, i, "acme"), 6)
              .orElseThrow());
    }
    assertThat(used).containsExactly(DeliveryTaskWriter.lane("acme", 6));
  }
}
