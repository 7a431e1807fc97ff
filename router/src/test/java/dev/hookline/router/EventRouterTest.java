package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventRouterTest {
  private static DeliveryTask task(Event event) {
    UUID webhook = UUID.fromString("7b0b4c64-64f7-4f5b-9b0e-2d1a7c9d8e01");
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhook), webhook, 3, 1, Trigger.EVENT, event, null);
  }

  @Test
  void anEventSerialisedOnceMakesTheSameTaskBytesAsItsTree() {
    Event event =
        new Event(
            "evt_1",
            "payment_received",
            "urn:test",
            Instant.parse("2026-11-28T10:15:30.123Z"),
            Json.readTree(
                "{\"amount\": 12.5, \"note\": \"caf\\u00e9 \\\"quoted\\\"\\n\", \"items\": [1, {\"a\": null}]}"
                    .getBytes(StandardCharsets.UTF_8)),
            null);

    byte[] fromTree = Json.toBytes(task(event));
    byte[] once = Json.toBytes(task(EventRouter.withDataSerialisedOnce(event)));

    assertThat(new String(once, StandardCharsets.UTF_8))
        .isEqualTo(new String(fromTree, StandardCharsets.UTF_8));
    assertThat(Json.fromBytes(once, DeliveryTask.class)).isEqualTo(task(event));
  }
}
