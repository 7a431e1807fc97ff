package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import dev.hookline.store.CreatedWebhook;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookListing;
import dev.hookline.store.WebhookPatch;
import dev.hookline.store.WebhookQuery;
import dev.hookline.store.WebhookStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** {@code /api/v1/webhooks...} and {@code /api/v1/deliveries...}. */
final class WebhookRoutes {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final int SEARCH_MAX = 200;

  private final WebhookStore webhooks;
  private final DeliveryStore deliveries;
  private final WebhookRequests requests;
  private final int maxBodyBytes;

  WebhookRoutes(
      WebhookStore webhooks, DeliveryStore deliveries, WebhookRequests requests, int maxBodyBytes) {
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.requests = requests;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + "/webhooks", this::create);
    routes.get(base + "/webhooks", this::list);
    routes.get(base + "/webhooks/{id}", this::get);
    routes.patch(base + "/webhooks/{id}", this::patch);
    routes.delete(base + "/webhooks/{id}", this::delete);
    routes.get(base + "/webhooks/{id}/deliveries", this::deliveries);
    routes.get(base + "/deliveries/{id}", this::delivery);
    routes.post(base + "/webhooks/{id}/rotate-secret", this::rotateSecret);
  }

  private void create(Context ctx) {
    JsonNode body = Requests.jsonObject(ctx, maxBodyBytes);
    CreatedWebhook created = webhooks.create(requests.create(body));
    ctx.header("Location", ctx.path() + "/" + created.webhook().id());
    Responses.json(ctx, 201, Views.webhook(created));
  }

  private void list(Context ctx) {
    WebhookQuery query =
        new WebhookQuery(search(ctx.queryParam("q")), active(ctx.queryParam("active")));
    UUID after = Requests.queryUuid(ctx, "after");
    int limit = Requests.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    // one more than asked tells whether there is a next page without a count query
    List<WebhookListing> found = webhooks.list(query, after, limit + 1);
    List<WebhookListing> page = found.subList(0, Math.min(limit, found.size()));
    String next = found.size() > limit ? page.get(page.size() - 1).webhook().id().toString() : null;
    Responses.json(ctx, 200, new Views.Page<>(page.stream().map(Views::webhook).toList(), next));
  }

  private void get(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    Responses.json(
        ctx, 200, Views.webhook(webhooks.findListing(id).orElseThrow(() -> notFound(id))));
  }

  private void rotateSecret(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    JsonNode body = Requests.optionalJsonObject(ctx, maxBodyBytes);
    List<FieldError> unknown = Requests.unknownFields(body, Set.of());
    if (!unknown.isEmpty()) throw ApiProblem.invalid(unknown);
    CreatedWebhook rotated = webhooks.rotateSecret(id).orElseThrow(() -> notFound(id));
    Instant previousExpires =
        rotated.webhook().updatedAt().plus(WebhookStore.PREVIOUS_SECRET_GRACE);
    Responses.json(
        ctx,
        200,
        new Views.RotatedSecret(rotated.secret(), previousExpires, rotated.webhook().version()));
  }

  private void patch(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    JsonNode body = Requests.jsonObject(ctx, maxBodyBytes);
    WebhookPatch patch = requests.patch(body);
    // an empty patch changes nothing: no version bump, no outbox record
    Webhook updated =
        (patch.equals(WebhookPatch.empty()) ? webhooks.find(id) : webhooks.update(id, patch))
            .orElseThrow(() -> notFound(id));
    Responses.json(ctx, 200, Views.webhook(updated));
  }

  private void delete(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    if (!webhooks.delete(id)) throw notFound(id);
    ctx.status(204);
  }

  private void deliveries(Context ctx) {
    UUID webhookId = find(ctx).id();
    DeliveryStatus status = status(ctx.queryParam("status"));
    Instant since = Requests.queryInstant(ctx, "since");
    UUID cursor = Requests.queryUuid(ctx, "cursor");
    int limit = Requests.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    List<DeliveryView> found =
        deliveries.listForWebhook(webhookId, status, since, cursor, limit + 1);
    List<DeliveryView> page = found.subList(0, Math.min(limit, found.size()));
    String next = found.size() > limit ? page.get(page.size() - 1).id().toString() : null;
    Responses.json(
        ctx, 200, new Views.Page<>(page.stream().map(Views::deliverySummary).toList(), next));
  }

  private void delivery(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "delivery");
    DeliveryView delivery =
        deliveries
            .find(id)
            .orElseThrow(() -> ApiProblem.notFound("no delivery with id '" + id + "'"));
    Responses.json(ctx, 200, Views.deliveryDetail(delivery));
  }

  private Webhook find(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    return webhooks.find(id).orElseThrow(() -> notFound(id));
  }

  private static String search(String raw) {
    if (raw == null || raw.isBlank()) return null;
    if (raw.length() > SEARCH_MAX)
      throw ApiProblem.invalid("q", "must be at most " + SEARCH_MAX + " characters");
    String problem = Storable.problem(raw);
    if (problem != null) throw ApiProblem.invalid("q", problem);
    return raw;
  }

  private static Boolean active(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    return switch (raw) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw ApiProblem.invalid("active", "must be true or false");
    };
  }

  private static DeliveryStatus status(String raw) {
    if (raw == null || raw.isEmpty()) return null;
    for (DeliveryStatus status : DeliveryStatus.values()) {
      if (status.dbName().equals(raw.toLowerCase(Locale.ROOT))) return status;
    }
    throw ApiProblem.invalid(
        "status",
        "must be one of "
            + Arrays.stream(DeliveryStatus.values())
                .map(DeliveryStatus::dbName)
                .collect(Collectors.joining(", ")));
  }

  static ApiProblem notFound(UUID id) {
    return ApiProblem.notFound("no webhook with id '" + id + "'");
  }
}
