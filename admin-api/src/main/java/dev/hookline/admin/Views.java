package dev.hookline.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.EventType;
import dev.hookline.store.CreatedTenantToken;
import dev.hookline.store.CreatedWebhook;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.Tenant;
import dev.hookline.store.TenantToken;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookListing;
import dev.hookline.store.WebhookStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON shapes of the API (camelCase, like the request fields). Kept apart from the store
 * records so a store change cannot silently change the public interface.
 */
final class Views {
  private Views() {}

  /** A page of a list; {@code nextCursor} is null on the last page. */
  record Page<T>(List<T> data, String nextCursor) {}

  /**
   * A webhook; {@code secret} only in the answer to its creation; {@code tenant} null for a
   * network-wide one; {@code filter} null when it takes every event of its types; {@code rateLimit}
   * (deliveries per second) null when unlimited.
   */
  record WebhookJson(
      UUID id,
      String tenant,
      long version,
      String name,
      String url,
      String description,
      List<String> events,
      boolean active,
      String status,
      Instant disabledAt,
      String disabledReason,
      int timeoutSeconds,
      List<Integer> retrySchedule,
      Map<String, String> headers,
      JsonNode filter,
      Integer rateLimit,
      Instant createdAt,
      Instant updatedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) StatsJson stats,
      @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {}

  /** Delivery counters; test deliveries are not counted. */
  record StatsJson(long deliveries, long succeeded, long failed, Instant lastDeliveryAt) {}

  static WebhookJson webhook(Webhook w) {
    return webhook(w, null, null);
  }

  static WebhookJson webhook(CreatedWebhook created) {
    return webhook(created.webhook(), null, created.secret());
  }

  static WebhookJson webhook(WebhookListing listing) {
    WebhookStats s = listing.stats() == null ? WebhookStats.NONE : listing.stats();
    return webhook(
        listing.webhook(),
        new StatsJson(s.deliveries(), s.succeeded(), s.failed(), s.lastDeliveryAt()),
        null);
  }

  private static WebhookJson webhook(Webhook w, StatsJson stats, String secret) {
    // status sums up active + disabledAt for UIs: "disabled" wins, Hookline turned it off
    String status = w.disabledAt() != null ? "disabled" : w.active() ? "active" : "inactive";
    return new WebhookJson(
        w.id(),
        w.tenant(),
        w.version(),
        w.name(),
        w.url(),
        w.description(),
        w.events(),
        w.active(),
        status,
        w.disabledAt(),
        w.disabledReason(),
        w.timeoutSeconds(),
        w.retrySchedule(),
        w.headers() == null ? Map.of() : w.headers(),
        w.filter(),
        w.rateLimit(),
        w.createdAt(),
        w.updatedAt(),
        stats,
        secret);
  }

  /** A delivery; {@code payload} and {@code attempts} only on {@code GET /deliveries/{id}}. */
  record DeliveryJson(
      UUID id,
      UUID webhookId,
      String eventId,
      String eventSource,
      String messageId,
      String eventType,
      String trigger,
      String status,
      int attemptCount,
      Integer lastStatusCode,
      String lastError,
      Instant nextAttemptAt,
      Instant createdAt,
      Instant updatedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode payload,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<AttemptJson> attempts) {}

  record AttemptJson(
      int attempt,
      String trigger,
      Instant startedAt,
      int durationMs,
      Integer statusCode,
      String responseExcerpt,
      String errorClass,
      String errorMessage,
      String workerId) {}

  static DeliveryJson deliverySummary(DeliveryView d) {
    return delivery(d, false);
  }

  static DeliveryJson deliveryDetail(DeliveryView d) {
    return delivery(d, true);
  }

  private static DeliveryJson delivery(DeliveryView d, boolean detail) {
    List<AttemptJson> attempts =
        detail
            ? (d.attempts() == null ? List.<DeliveryView.AttemptView>of() : d.attempts())
                .stream()
                    .map(
                        a ->
                            new AttemptJson(
                                a.attempt(),
                                a.trigger(),
                                a.startedAt(),
                                a.durationMs(),
                                a.statusCode(),
                                a.responseExcerpt(),
                                a.errorClass(),
                                a.errorMessage(),
                                a.workerId()))
                    .toList()
            : null;
    return new DeliveryJson(
        d.id(),
        d.webhookId(),
        d.eventId(),
        d.eventSource(),
        messageId(d),
        d.eventType(),
        d.trigger(),
        d.status().dbName(),
        d.attemptCount(),
        d.lastStatusCode(),
        d.lastError(),
        d.nextAttemptAt(),
        d.createdAt(),
        d.updatedAt(),
        detail ? d.payload() : null,
        attempts);
  }

  /**
   * The {@code webhook-id} the delivery's requests carry ({@link EventIdentity#webhookId}): the
   * bare event id for a delivery routed before V13.
   */
  private static String messageId(DeliveryView d) {
    if (d.eventSource() == null
        || d.id().equals(EventIdentity.legacyDeliveryId(d.eventId(), d.webhookId()))) {
      return d.eventId();
    }
    return EventIdentity.webhookId(d.eventSource(), d.eventId());
  }

  record EventTypeJson(
      String name,
      String title,
      String description,
      String domain,
      JsonNode schema,
      JsonNode example) {}

  static EventTypeJson eventType(EventType t) {
    return new EventTypeJson(
        t.name(), t.title(), t.description(), t.domain(), t.schema(), t.example());
  }

  record EventAccepted(String id) {}

  /**
   * The outcome of a test delivery's one attempt; {@code error} is set when no response came back.
   */
  record TestResult(
      UUID deliveryId,
      String eventId,
      String eventType,
      boolean success,
      Integer statusCode,
      int durationMs,
      String responseExcerpt,
      String error) {}

  record RetryAccepted(UUID deliveryId, int attempt) {}

  /**
   * {@code hasMore}: more failed deliveries are in the window than one call re-queues; call again.
   */
  record RecoverAccepted(int count, boolean hasMore) {}

  record RotatedSecret(String secret, Instant previousSecretExpiresAt, long version) {}

  record Health(String status, Map<String, String> checks) {}

  record TenantJson(
      String id, String name, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {}

  static TenantJson tenant(Tenant t) {
    return new TenantJson(t.id(), t.name(), t.metadata(), t.createdAt(), t.updatedAt());
  }

  /** A tenant token as listed: never the token itself. */
  record TokenJson(String id, Instant createdAt) {}

  static TokenJson token(TenantToken t) {
    return new TokenJson(t.id(), t.createdAt());
  }

  /** A tenant token just created: the token is in this answer only. */
  record CreatedTokenJson(String id, String token, Instant createdAt) {}

  static CreatedTokenJson createdToken(CreatedTenantToken created) {
    return new CreatedTokenJson(
        created.token().id(), created.secret(), created.token().createdAt());
  }

  record PortalLinkJson(String url, Instant expiresAt) {}

  /** A portal session: a tenant token that ends at {@code expiresAt}. */
  record PortalSession(String token, Instant expiresAt, TenantJson tenant) {}

  /** Who the caller is: {@code admin}, or {@code tenant} with its tenant. */
  record Me(
      String role, @JsonInclude(JsonInclude.Include.NON_NULL) TenantJson tenant, boolean portal) {}
}
