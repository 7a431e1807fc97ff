package dev.hookline.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.producer.EventPublisher;
import dev.hookline.schemas.Json;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookHealth;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disables a webhook (410 Gone, or failing for days) and announces it with a {@code
 * hookline.webhook.disabled} event on {@code events.hookline}, keyed by the webhook id. The store
 * makes the disabling happen once across workers, so the event is published once too. The event is
 * published after the commit: should Kafka refuse it, it is logged and lost, while the webhook
 * stays disabled (PostgreSQL is the source of truth; the admin page shows the reason).
 */
final class WebhookDisabler {
  static final String EVENT_TYPE = "hookline.webhook.disabled";
  static final String ENDPOINT_GONE = "endpoint_gone";
  private static final Logger log = LoggerFactory.getLogger(WebhookDisabler.class);

  private final WebhookHealth health;
  private final EventPublisher events;
  private final WebhookDirectory directory;
  private final WorkerMetrics metrics;

  WebhookDisabler(
      WebhookHealth health,
      EventPublisher events,
      WebhookDirectory directory,
      WorkerMetrics metrics) {
    this.health = health;
    this.events = events;
    this.directory = directory;
    this.metrics = metrics;
  }

  /** Disables up to {@code limit} webhooks without a success since {@code cutoff}. */
  void disableFailingSince(Instant cutoff, int limit, String reason) {
    for (UUID id : health.failingSince(cutoff, limit)) disable(id, reason);
  }

  /** True when this call disabled it (false: unknown, deleted, or already disabled). */
  boolean disable(UUID webhookId, String reason) {
    Webhook w = health.disable(webhookId, reason).orElse(null);
    directory.invalidate(webhookId);
    if (w == null) return false;
    log.warn("disabled webhook {} ({}): {}", w.id(), w.url(), reason);
    metrics.webhookDisabled(reason);
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.put("webhook_id", w.id().toString());
    data.put("webhook_name", w.name());
    data.put("url", w.url());
    data.put("reason", reason);
    data.put("disabled_at", DateTimeFormatter.ISO_INSTANT.format(w.disabledAt()));
    try {
      events.publishSync(EVENT_TYPE, data, w.id().toString());
    } catch (RuntimeException e) {
      log.error(
          "webhook {} is disabled but its {} event could not be published: {}",
          w.id(),
          EVENT_TYPE,
          e.toString());
    }
    return true;
  }
}
