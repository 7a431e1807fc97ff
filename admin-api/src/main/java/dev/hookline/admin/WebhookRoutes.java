package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.FieldError;
import dev.hookline.store.CreatedWebhook;
import dev.hookline.store.DeliveryQuery;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.NewWebhook;
import dev.hookline.store.UnknownTenantException;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookListing;
import dev.hookline.store.WebhookPatch;
import dev.hookline.store.WebhookQuery;
import dev.hookline.store.WebhookStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/webhooks...} and {@code /api/v1/deliveries...}. Open to tenant tokens, confined to
 * their tenant: another tenant's webhook or delivery, and a network-wide webhook, answer exactly as
 * a missing one does (404).
 */
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
    Caller.Access tenant = Caller.Access.TENANT;
    routes.post(base + "/webhooks", this::create, tenant);
    routes.get(base + "/webhooks", this::list, tenant);
    routes.get(base + "/webhooks/{id}", this::get, tenant);
    routes.patch(base + "/webhooks/{id}", this::patch, tenant);
    routes.delete(base + "/webhooks/{id}", this::delete, tenant);
    routes.get(base + "/webhooks/{id}/deliveries", this::deliveries, tenant);
    routes.get(base + "/deliveries", this::tenantDeliveries, tenant);
    routes.get(base + "/deliveries/{id}", this::delivery, tenant);
    routes.post(base + "/webhooks/{id}/rotate-secret", this::rotateSecret, tenant);
  }

  private void create(Context ctx) {
    JsonNode body = Requests.jsonObject(ctx, maxBodyBytes);
    NewWebhook webhook = requests.create(body);
    if (Caller.of(ctx) instanceof Caller.Member member) {
      // a tenant's webhooks are its own: another tenant is as unknown as a missing one
      if (webhook.tenant() != null && !webhook.tenant().equals(member.tenant()))
        throw unknownTenant(webhook.tenant());
      webhook = webhook.withTenant(member.tenant());
    }
    CreatedWebhook created;
    try {
      created = webhooks.create(webhook);
    } catch (UnknownTenantException e) {
      throw unknownTenant(e.tenantId());
    }
    ctx.header("Location", ctx.path() + "/" + created.webhook().id());
    Responses.json(ctx, 201, Views.webhook(created));
  }

  private static ApiProblem unknownTenant(String tenant) {
    return ApiProblem.invalid(
        "tenant", "no tenant with id '" + tenant + "'; create it first with POST /api/v1/tenants");
  }

  private void list(Context ctx) {
    WebhookQuery query =
        new WebhookQuery(
            search(ctx.queryParam("q")),
            active(ctx.queryParam("active")),
            Caller.of(ctx).confine(Requests.queryTenant(ctx)));
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
    Caller caller = Caller.of(ctx);
    Responses.json(
        ctx,
        200,
        Views.webhook(
            webhooks
                .findListing(id)
                .filter(l -> caller.sees(l.webhook().tenant()))
                .orElseThrow(() -> notFound(id))));
  }

  private void rotateSecret(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    JsonNode body = Requests.optionalJsonObject(ctx, maxBodyBytes);
    List<FieldError> unknown = Requests.unknownFields(body, Set.of());
    if (!unknown.isEmpty()) throw ApiProblem.invalid(unknown);
    find(ctx); // the caller's, or 404 before anything changes
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
    Webhook current = find(ctx);
    // a webhook's tenant is fixed at creation: its history and secret belong to that tenant
    if (body.has("tenant")
        && !Objects.equals(WebhookRequests.tenant(body, new ArrayList<>()), current.tenant())) {
      throw ApiProblem.conflict(
          "a webhook cannot move between tenants (or in or out of one); create a new webhook"
              + " for the other tenant instead");
    }
    // an empty patch changes nothing: no version bump, no outbox record
    Webhook updated =
        (patch.equals(WebhookPatch.empty()) ? Optional.of(current) : webhooks.update(id, patch))
            .orElseThrow(() -> notFound(id));
    Responses.json(ctx, 200, Views.webhook(updated));
  }

  private void delete(Context ctx) {
    UUID id = find(ctx).id();
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

  /**
   * A tenant's delivery log across its webhooks. A tenant's token sees its own (its live webhooks'
   * deliveries); the admin names the tenant, and sees the history of its deleted webhooks too.
   */
  private void tenantDeliveries(Context ctx) {
    Caller caller = Caller.of(ctx);
    String requested = Requests.queryTenant(ctx);
    if (caller instanceof Caller.Admin && requested == null) {
      throw ApiProblem.invalid(
          "tenant",
          "is required with an admin token; one webhook's deliveries are at"
              + " GET /api/v1/webhooks/{id}/deliveries");
    }
    DeliveryQuery query =
        new DeliveryQuery(
            caller.confine(requested),
            status(ctx.queryParam("status")),
            Requests.queryInstant(ctx, "since"),
            caller instanceof Caller.Member);
    UUID cursor = Requests.queryUuid(ctx, "cursor");
    int limit = Requests.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    List<DeliveryView> found = deliveries.list(query, cursor, limit + 1);
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
            .filter(d -> visible(ctx, d.webhookId()))
            .orElseThrow(() -> deliveryNotFound(id));
    Responses.json(ctx, 200, Views.deliveryDetail(delivery));
  }

  static ApiProblem deliveryNotFound(UUID id) {
    return ApiProblem.notFound("no delivery with id '" + id + "'");
  }

  /**
   * Whether the caller may reach a delivery of this webhook: the admin always (deleted webhooks'
   * history included), a tenant only through its own live webhooks.
   */
  private boolean visible(Context ctx, UUID webhookId) {
    return visible(Caller.of(ctx), webhooks, webhookId);
  }

  static boolean visible(Caller caller, WebhookStore webhooks, UUID webhookId) {
    if (caller instanceof Caller.Admin) return true;
    return webhooks.find(webhookId).filter(w -> caller.sees(w.tenant())).isPresent();
  }

  private Webhook find(Context ctx) {
    UUID id = Requests.pathId(ctx, "id", "webhook");
    return find(Caller.of(ctx), webhooks, id);
  }

  /** The webhook, if the caller may see it; 404 otherwise, as for a missing one. */
  static Webhook find(Caller caller, WebhookStore webhooks, UUID id) {
    return webhooks.find(id).filter(w -> caller.sees(w.tenant())).orElseThrow(() -> notFound(id));
  }

  /**
   * The {@code q} of a list: blank is none; refused past its length or when it cannot be stored.
   */
  static String search(String raw) {
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
