package dev.hookline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tenant ids, and the tenant on the wire records, which must stay readable both ways. */
class TenantWireTest {
  private static final UUID WEBHOOK = UUID.fromString("0190c8a2-0000-7000-8000-000000000001");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "acme",
        "Acme-Corp_1.eu:prod",
        "0",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      })
  void validTenantIds(String id) {
    assertThat(TenantIds.isValid(id)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "a b",
        "a|b",
        "a/b",
        "ä",
        "a\u0000",
        "a\n",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "%41",
        "a,b"
      })
  void invalidTenantIds(String id) {
    assertThat(TenantIds.isValid(id)).isFalse();
  }

  @Test
  void nullIsNoTenantIdAtAll() {
    assertThat(TenantIds.isValid(null)).isFalse();
  }

  @Test
  void recordsWithoutATenantWriteAsBefore() {
    Event event =
        new Event(
            "evt-1",
            "payment_received",
            "urn:x",
            Instant.EPOCH,
            Json.MAPPER.createObjectNode(),
            null);
    assertThat(Json.toString(event)).doesNotContain("tenant");
    assertThat(Json.toString(new Subscription(WEBHOOK, 1, List.of("*"), true, null, null)))
        .isEqualTo("{\"id\":\"" + WEBHOOK + "\",\"version\":1,\"events\":[\"*\"],\"active\":true}");
    assertThat(
            Json.toString(
                new DeliveryTask(UUID.randomUUID(), WEBHOOK, 1, 1, Trigger.EVENT, event, null)))
        .doesNotContain("tenant");
  }

  @Test
  void aTenantRoundTripsAndOldRecordsReadAsNetworkWide() {
    Subscription tenants =
        new Subscription(WEBHOOK, 3, List.of("payment_received"), true, "acme", null);
    assertThat(Json.fromBytes(Json.toBytes(tenants), Subscription.class)).isEqualTo(tenants);
    Subscription old =
        Json.fromBytes(
            ("{\"id\":\"" + WEBHOOK + "\",\"version\":1,\"events\":[\"*\"],\"active\":true}")
                .getBytes(StandardCharsets.UTF_8),
            Subscription.class);
    assertThat(old.tenant()).isNull();

    Event event =
        new Event(
            "evt-1",
            "payment_received",
            "urn:x",
            Instant.EPOCH,
            Json.MAPPER.createObjectNode(),
            "acme");
    DeliveryTask task =
        new DeliveryTask(UUID.randomUUID(), WEBHOOK, 1, 1, Trigger.EVENT, event, "acme");
    DeliveryTask read = Json.fromBytes(Json.toBytes(task), DeliveryTask.class);
    assertThat(read).isEqualTo(task);
    assertThat(read.nextAttempt(Trigger.RETRY).tenant()).isEqualTo("acme");
  }

  @Test
  void aTenantsWebhookMatchesOnlyItsTenantAndANetworkWideOneEveryTenant() {
    Subscription acme =
        new Subscription(WEBHOOK, 1, List.of("payment_received"), true, "acme", null);
    Subscription network =
        new Subscription(WEBHOOK, 1, List.of("payment_received"), true, null, null);
    assertThat(acme.matches("acme", "payment_received")).isTrue();
    assertThat(acme.matches("globex", "payment_received")).isFalse();
    assertThat(acme.matches(null, "payment_received")).isFalse();
    assertThat(acme.matches("acme", "invoice_sent")).isFalse();
    assertThat(network.matches("acme", "payment_received")).isTrue();
    assertThat(network.matches(null, "payment_received")).isTrue();
  }
}
