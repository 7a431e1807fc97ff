package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookHealthTest {
  private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  private Database db;
  private WebhookHealth health;

  @BeforeEach
  void open() {
    db = TestPostgres.freshStore();
    health = db.webhookHealth();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private UUID webhook() {
    return db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
  }

  @Test
  void aWebhookIsFailingFromItsFirstFailureAfterItsLastSuccess() {
    UUID failing = webhook();
    UUID recovered = webhook();
    UUID young = webhook();
    health.record(
        List.of(
            new WebhookHealth.Outcome(failing, null, T0),
            new WebhookHealth.Outcome(recovered, null, T0),
            new WebhookHealth.Outcome(young, null, T0.plus(Duration.ofDays(4)))));
    health.record(
        List.of(
            new WebhookHealth.Outcome(failing, null, T0.plusSeconds(60)),
            new WebhookHealth.Outcome(recovered, T0.plusSeconds(30), null)));
    // a success recorded late, from before the failure streak began, does not end it
    health.record(List.of(new WebhookHealth.Outcome(failing, T0.minusSeconds(60), null)));

    assertThat(health.failingSince(T0.plus(Duration.ofDays(1)), 10)).containsExactly(failing);
  }

  @Test
  void disablingStopsRoutingCancelsRetriesAndHappensOnce() throws Exception {
    UUID id = webhook();
    String eventId = "evt_" + UUID.randomUUID();
    Event event =
        new Event(
            eventId, "payment_received", "urn:test", T0, Json.readTree("{}".getBytes()), null);
    DeliveryTask task =
        new DeliveryTask(
            DeliveryTask.deliveryIdFor(event, id), id, 1, 1, Trigger.EVENT, event, null);
    db.attempts()
        .recordAll(
            List.of(
                new AttemptRecord(
                    task,
                    Instant.now(),
                    5,
                    500,
                    "",
                    "http_status",
                    "HTTP 500",
                    "w1",
                    DeliveryStatus.RETRYING,
                    Instant.now().plusSeconds(60))));
    health.record(List.of(new WebhookHealth.Outcome(id, null, T0)));
    db.outbox().relayBatch(100, records -> {});

    Webhook disabled = health.disable(id, "endpoint_gone").orElseThrow();

    assertThat(disabled.disabledAt()).isNotNull();
    assertThat(disabled.disabledReason()).isEqualTo("endpoint_gone");
    assertThat(disabled.version()).isEqualTo(2);
    assertThat(disabled.routable()).isFalse();
    assertThat(db.deliveries().find(task.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.CANCELLED);
    List<OutboxRecord> outbox = new ArrayList<>();
    db.outbox().relayBatch(100, outbox::addAll);
    assertThat(outbox)
        .singleElement()
        .satisfies(
            r -> {
              Subscription routing = Json.MAPPER.readValue(r.payload(), Subscription.class);
              assertThat(routing.id()).isEqualTo(id);
              assertThat(routing.version()).isEqualTo(2);
              assertThat(routing.active()).isFalse();
            });
    assertThat(health.failingSince(Instant.now(), 10)).isEmpty();
    assertThat(health.disable(id, "failing_for_5_days")).as("already disabled").isEmpty();
  }
}
