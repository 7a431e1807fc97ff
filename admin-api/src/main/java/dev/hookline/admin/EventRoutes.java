package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import dev.hookline.store.IdempotencyKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/event-types...} (the catalog) and {@code POST /api/v1/events}. */
final class EventRoutes {
  private static final Logger log = LoggerFactory.getLogger(EventRoutes.class);
  private static final Set<String> FIELDS = Set.of("type", "data", "key", "tenant");
  static final int KEY_MAX = 256;

  private final EventCatalog catalog;
  private final EventPublishing publishing;
  private final IdempotencyKeys idempotencyKeys;
  private final int maxBodyBytes;

  EventRoutes(
      EventCatalog catalog,
      EventPublishing publishing,
      IdempotencyKeys idempotencyKeys,
      int maxBodyBytes) {
    this.catalog = catalog;
    this.publishing = publishing;
    this.idempotencyKeys = idempotencyKeys;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The catalog is every caller's; publishing is the platform's (admin tokens only). */
  void register(RoutesConfig routes, String base) {
    routes.get(
        base + "/event-types",
        ctx ->
            Responses.json(
                ctx,
                200,
                new Views.Page<>(catalog.types().stream().map(Views::eventType).toList(), null)),
        Caller.Access.TENANT);
    routes.get(
        base + "/event-types/{type}",
        ctx -> {
          String type = ctx.pathParam("type");
          Responses.json(
              ctx,
              200,
              Views.eventType(
                  catalog
                      .find(type)
                      .orElseThrow(
                          () ->
                              ApiProblem.notFound(
                                  "no event type '" + type + "'; see GET /api/v1/event-types"))));
        },
        Caller.Access.TENANT);
    routes.post(base + "/events", this::publish);
  }

  private void publish(Context ctx) throws Exception {
    String idempotencyKey = IdempotentRequests.key(ctx);
    // the body may be a little larger than the data it carries: check the data on its own below
    JsonNode body = Requests.jsonObject(ctx, Math.max(maxBodyBytes, Event.MAX_DATA_BYTES + 4096));
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> property : body.properties()) {
      if (!FIELDS.contains(property.getKey()))
        errors.add(new FieldError(property.getKey(), "unknown field"));
    }
    JsonNode type = body.get("type");
    JsonNode data = body.get("data");
    JsonNode key = body.get("key");
    if (type == null || type.isNull()) errors.add(new FieldError("type", "is required"));
    else if (!type.isTextual()) errors.add(new FieldError("type", "must be a string"));
    if (data == null || data.isNull()) errors.add(new FieldError("data", "is required"));
    // the workers keep the data of every delivered event in PostgreSQL (jsonb)
    else Storable.check(data, "data", errors);
    if (key != null
        && !key.isNull()
        && (!key.isTextual() || key.asText().isEmpty() || key.asText().length() > KEY_MAX)) {
      errors.add(new FieldError("key", "must be a string of 1 to " + KEY_MAX + " characters"));
    }
    // the event's tenant: only that tenant's webhooks (and the network-wide ones) receive it
    String tenant = WebhookRequests.tenant(body, errors);
    if (!errors.isEmpty()) throw ApiProblem.invalid(errors);
    if (Json.toBytes(data).length > Event.MAX_DATA_BYTES)
      throw ApiProblem.tooLarge("the event data", Event.MAX_DATA_BYTES);
    List<FieldError> violations = catalog.validate(type.asText(), data);
    if (!violations.isEmpty()) throw ApiProblem.invalid(violations);

    if (idempotencyKey != null) {
      String answered = IdempotentRequests.claim(idempotencyKeys, idempotencyKey, body);
      if (answered != null) {
        ctx.header(IdempotentRequests.REPLAYED_HEADER, "true");
        Responses.json(ctx, 202, new Views.EventAccepted(answered));
        return;
      }
    }
    String id = null;
    try {
      id =
          publishing.publish(
              type.asText(), data, key == null || key.isNull() ? null : key.asText(), tenant);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          "data", e.getMessage() == null ? "rejected by the publisher" : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiProblem.unavailable("the server is shutting down; retry later");
    } catch (Exception e) {
      log.warn("publishing a {} event failed", type.asText(), e);
      throw ApiProblem.unavailable("the event could not be published right now; retry later");
    } finally {
      if (idempotencyKey != null) IdempotentRequests.settle(idempotencyKeys, idempotencyKey, id);
    }
    Responses.json(ctx, 202, new Views.EventAccepted(id));
  }
}
