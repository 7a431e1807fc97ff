package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryView;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Deliveries for the fake store: as a worker would record them. */
final class Deliveries {
  private Deliveries() {}

  static JsonNode example() {
    return ApiFixture.CATALOG.find("payment_received").orElseThrow().example();
  }

  /**
   * A delivery of {@code payment_received} with {@code attempts} attempts, the last one answered
   * 500.
   */
  static DeliveryView delivery(
      UUID id,
      UUID webhookId,
      String trigger,
      DeliveryStatus status,
      int attempts,
      Instant createdAt) {
    List<DeliveryView.AttemptView> views = new java.util.ArrayList<>();
    for (int i = 1; i <= attempts; i++) {
      views.add(
          new DeliveryView.AttemptView(
              i, i == 1 ? trigger : "retry", createdAt, 40, 500, "oops", null, null, "worker-1"));
    }
    return new DeliveryView(
        id,
        webhookId,
        "evt_" + id,
        "urn:test",
        "payment_received",
        trigger,
        status,
        attempts,
        500,
        "HTTP 500",
        null,
        createdAt,
        createdAt,
        example(),
        views);
  }

  /** What the worker records for a test task: one attempt, succeeded on 2xx, failed otherwise. */
  static DeliveryView testAttempt(
      DeliveryTask task,
      Integer statusCode,
      String excerpt,
      String errorClass,
      String errorMessage) {
    boolean ok = statusCode != null && statusCode / 100 == 2;
    Instant now = Instant.now();
    return new DeliveryView(
        task.deliveryId(),
        task.webhookId(),
        task.event().id(),
        task.event().source(),
        task.event().type(),
        task.trigger().wireName(),
        ok ? DeliveryStatus.SUCCEEDED : DeliveryStatus.FAILED,
        1,
        statusCode,
        errorClass,
        null,
        now,
        now,
        task.event().data(),
        List.of(
            new DeliveryView.AttemptView(
                1, "test", now, 87, statusCode, excerpt, errorClass, errorMessage, "worker-1")));
  }
}
