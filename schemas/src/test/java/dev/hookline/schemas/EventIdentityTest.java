package dev.hookline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdentityTest {
  private static final UUID WEBHOOK = UUID.fromString("00000000-0000-0000-0000-00000000000a");

  @Test
  void theSameIdFromTwoSourcesIsTwoDeliveriesAndTwoMessages() {
    assertThat(EventIdentity.deliveryId("urn:shop:eu", "evt_1", WEBHOOK))
        .isNotEqualTo(EventIdentity.deliveryId("urn:shop:us", "evt_1", WEBHOOK));
    assertThat(EventIdentity.webhookId("urn:shop:eu", "evt_1"))
        .isNotEqualTo(EventIdentity.webhookId("urn:shop:us", "evt_1"));
  }

  @Test
  void aSeparatorInsideSourceOrIdIsNotAmbiguous() {
    assertThat(EventIdentity.deliveryId("a:b", "c", WEBHOOK))
        .isNotEqualTo(EventIdentity.deliveryId("a", "b:c", WEBHOOK));
    assertThat(EventIdentity.deliveryId("a|b", "c", WEBHOOK))
        .isNotEqualTo(EventIdentity.deliveryId("a", "b|c", WEBHOOK));
    assertThat(EventIdentity.webhookId("a:b", "c"))
        .isNotEqualTo(EventIdentity.webhookId("a", "b:c"));
    // the readable part cannot be forged either: an id ending in what looks like a digest
    String forged = EventIdentity.webhookId("s", "x");
    assertThat(EventIdentity.webhookId("s", forged)).isNotEqualTo(forged);
  }

  @Test
  void theFormulaIsPinned() {
    // delivery ids are row keys across versions: a new formula would duplicate rows on upgrade
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(200);
    b.put("delivery/v2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (String part : new String[] {"a:b", "c", WEBHOOK.toString()}) {
      b.putInt(part.length()).put(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(EventIdentity.deliveryId("a:b", "c", WEBHOOK))
        .isEqualTo(UUID.nameUUIDFromBytes(java.util.Arrays.copyOf(b.array(), b.position())));
    assertThat(EventIdentity.legacyDeliveryId("c", WEBHOOK))
        .isEqualTo(
            UUID.nameUUIDFromBytes(
                ("c|" + WEBHOOK).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void theSameEventGetsTheSameIdsEveryTime() {
    assertThat(EventIdentity.deliveryId("s", "e", WEBHOOK))
        .isEqualTo(EventIdentity.deliveryId("s", "e", WEBHOOK))
        .isNotEqualTo(EventIdentity.deliveryId("s", "e", UUID.randomUUID()))
        .isNotEqualTo(EventIdentity.legacyDeliveryId("e", WEBHOOK));
    assertThat(EventIdentity.webhookId("s", "e")).isEqualTo(EventIdentity.webhookId("s", "e"));
  }

  @Test
  void theWebhookIdShowsTheEventIdAndIsStandardWebhooksSafe() {
    String id = EventIdentity.webhookId("https://shop.example/orders", "evt_42");
    assertThat(id).matches("evt_42~[0-9a-f]{32}");
    assertThat(EventIdentity.isWebhookIdOf(id, "evt_42")).isTrue();
    assertThat(EventIdentity.isWebhookIdOf(id, "evt_4")).isFalse();
    assertThat(EventIdentity.isWebhookIdOf("evt_42", "evt_42")).isFalse();
    assertThat(EventIdentity.eventIdOf(id)).isEqualTo("evt_42");
    assertThat(EventIdentity.eventIdOf("evt_42")).as("sent before V13").isEqualTo("evt_42");
  }

  @Test
  void everyAttemptOfADeliveryCarriesOneWebhookId() {
    Event event = event("urn:a", "evt_1");
    DeliveryTask first = task(DeliveryTask.deliveryIdFor(event, WEBHOOK), event);
    assertThat(EventIdentity.webhookId(first))
        .isEqualTo(EventIdentity.webhookId(first.nextAttempt(Trigger.RETRY)))
        .isEqualTo(EventIdentity.webhookId(first.nextAttempt(Trigger.MANUAL)))
        .isEqualTo(EventIdentity.webhookId("urn:a", "evt_1"));
  }

  @Test
  void aDeliveryRoutedBeforeTheUpgradeKeepsTheBareEventIdItWasFirstSentWith() {
    Event event = event("urn:a", "evt_1");
    DeliveryTask legacy = task(EventIdentity.legacyDeliveryId("evt_1", WEBHOOK), event);
    assertThat(EventIdentity.webhookId(legacy.nextAttempt(Trigger.RETRY))).isEqualTo("evt_1");
    // a test event or any other delivery of its own id is not taken for one
    assertThat(EventIdentity.webhookId(task(UUID.randomUUID(), event)))
        .isEqualTo(EventIdentity.webhookId("urn:a", "evt_1"));
  }

  private static Event event(String source, String id) {
    return new Event(
        id, "payment_received", source, Instant.EPOCH, JsonNodeFactory.instance.objectNode(), null);
  }

  /** The ids stay what they were: those of UUID.nameUUIDFromBytes, over any bytes. */
  @Test
  void nameUuidIsTheJdksNameBasedUuid() {
    java.util.Random random = new java.util.Random(27);
    for (int i = 0; i < 2_000; i++) {
      byte[] name = new byte[random.nextInt(300)];
      random.nextBytes(name);
      assertThat(EventIdentity.nameUuid(name)).isEqualTo(UUID.nameUUIDFromBytes(name));
    }
  }

  private static DeliveryTask task(UUID deliveryId, Event event) {
    return new DeliveryTask(deliveryId, WEBHOOK, 1, 1, Trigger.EVENT, event, null);
  }
}
