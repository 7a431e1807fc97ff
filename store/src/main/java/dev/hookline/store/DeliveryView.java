package dev.hookline.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A delivery as shown in the delivery log; {@code attempts} is empty in list views. */
public record DeliveryView(
    UUID id,
    UUID webhookId,
    String eventId,
    String eventSource,
    String eventType,
    String trigger,
    DeliveryStatus status,
    int attemptCount,
    Integer lastStatusCode,
    String lastError,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant updatedAt,
    JsonNode payload,
    List<AttemptView> attempts) {

  public record AttemptView(
      int attempt,
      String trigger,
      Instant startedAt,
      int durationMs,
      Integer statusCode,
      String responseExcerpt,
      String errorClass,
      String errorMessage,
      String workerId) {}
}
