package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.Redelivery;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/deliveries/{id}/retry} and {@code POST /api/v1/webhooks/{id}/recover}: queue
 * another attempt of existing deliveries now, as {@code manual} tasks. The deliveries are then
 * marked {@code pending}, so recovering twice does not queue them twice and a pending retry timer
 * does not fire a duplicate.
 */
final class Redeliveries {
  private static final Logger log = LoggerFactory.getLogger(Redeliveries.class);
  private static final Set<String> RECOVER_FIELDS = Set.of("since", "until");

  private final WebhookStore webhooks;
  private final DeliveryStore deliveries;
  private final TaskPublishing tasks;
  private final int maxBodyBytes;

  Redeliveries(
      WebhookStore webhooks, DeliveryStore deliveries, TaskPublishing tasks, int maxBodyBytes) {
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.tasks = tasks;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + "/deliveries/{id}/retry", this::retry, Caller.Access.TENANT);
    routes.post(base + "/webhooks/{id}/recover", this::recover, Caller.Access.TENANT);
  }

  private void retry(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "delivery");
    JsonNode body = Requests.optionalJsonObject(ctx, maxBodyBytes);
    List<FieldError> unknown = Requests.unknownFields(body, Set.of());
    if (!unknown.isEmpty()) throw ApiProblem.invalid(unknown);
    Caller caller = Caller.of(ctx);
    // another tenant's delivery answers as a missing one, before anything tells them apart
    Redelivery redelivery =
        deliveries
            .redelivery(id)
            .filter(r -> WebhookRoutes.visible(caller, webhooks, r.webhookId()))
            .orElseThrow(() -> WebhookRoutes.deliveryNotFound(id));
    if (redelivery.trigger() == Trigger.TEST) {
      throw ApiProblem.conflict("test deliveries are never retried; send a new test event instead");
    }
    Webhook webhook =
        webhooks
            .find(redelivery.webhookId())
            .orElseThrow(() -> ApiProblem.conflict("the webhook of this delivery was deleted"));
    DeliveryTask task = redelivery.task(webhook, Trigger.MANUAL);
    Publish.run(() -> tasks.publish(task), "the retry", log);
    deliveries.markRequeued(List.of(redelivery));
    Responses.json(ctx, 202, new Views.RetryAccepted(task.deliveryId(), task.attempt()));
  }

  private void recover(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    JsonNode body = Requests.jsonObject(ctx, maxBodyBytes);
    Instant now = Instant.now();
    List<FieldError> errors = Requests.unknownFields(body, RECOVER_FIELDS);
    Instant since = instant(body, "since", true, errors).orElse(null);
    Instant until = instant(body, "until", false, errors).orElse(now);
    if (since != null && since.isAfter(now))
      errors.add(new FieldError("since", "must not be in the future"));
    else if (since != null && !until.isAfter(since))
      errors.add(new FieldError("until", "must be after since"));
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    Webhook webhook = WebhookRoutes.find(Caller.of(ctx), webhooks, id);

    // one more than the cap tells whether another call is needed
    List<Redelivery> found =
        deliveries.failedBetween(webhook.id(), since, until, DeliveryStore.MAX_RECOVER + 1);
    List<Redelivery> batch = found.subList(0, Math.min(found.size(), DeliveryStore.MAX_RECOVER));
    List<DeliveryTask> queued = new ArrayList<>(batch.size());
    for (Redelivery r : batch) queued.add(r.task(webhook, Trigger.MANUAL));
    if (!queued.isEmpty()) {
      Publish.run(() -> tasks.publishAll(queued), "the recovered deliveries", log);
      deliveries.markRequeued(batch);
    }
    log.info(
        "recovered {} failed deliveries of webhook {} created in [{}, {})",
        batch.size(),
        id,
        since,
        until);
    Responses.json(ctx, 202, new Views.RecoverAccepted(batch.size(), found.size() > batch.size()));
  }

  private static Optional<Instant> instant(
      JsonNode body, String field, boolean required, List<FieldError> errors) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      if (required) errors.add(new FieldError(field, "is required"));
      return Optional.empty();
    }
    Optional<Instant> parsed =
        node.isTextual() ? Requests.parseInstant(node.asText()) : Optional.empty();
    if (parsed.isEmpty()) errors.add(new FieldError(field, Requests.INSTANT_FORMAT));
    return parsed;
  }
}
