package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.IdempotencyKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/event-types...} (the catalog) and {@code POST /api/v1/events}. */
final class EventRoutes {
  private static final Logger log = LoggerFactory.getLogger(EventRoutes.class);

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
    Accepted accepted =
        publish(ctx.header(IdempotentRequests.HEADER), Requests.jsonBytes(ctx, maxBytes()));
    if (accepted.replayed()) ctx.header(IdempotentRequests.REPLAYED_HEADER, "true");
    ctx.status(202).contentType(Responses.JSON).result(accepted.body());
  }

  /** The body may be a little larger than the data it carries: the data is checked on its own. */
  int maxBytes() {
    return Math.max(maxBodyBytes, Event.MAX_DATA_BYTES + 4096);
  }

  /**
   * The 202 of {@code POST /api/v1/events}.
   *
   * @param body {@link Views.EventAccepted} as JSON
   * @param replayed the first answer to its {@code Idempotency-Key}, published before
   */
  record Accepted(byte[] body, boolean replayed) {}

  /**
   * Publishes the event of a request (its body as {@link Requests#jsonBytes} read it) and answers
   * once Kafka acknowledged it; an {@link ApiProblem} for anything wrong with it. Shared by the
   * Javalin route and {@link EventIngress}.
   *
   * @param idempotencyHeader the {@code Idempotency-Key} as sent, null without one
   */
  Accepted publish(String idempotencyHeader, byte[] bodyBytes) throws Exception {
    String idempotencyKey = IdempotentRequests.key(idempotencyHeader);
    EventBodies parsed = EventBodies.of(bodyBytes);
    JsonNode body = parsed.tree();
    EventInput event =
        EventInput.check(body, "", catalog, Set.of(), parsed.dataOf(body.get("data")));

    if (idempotencyKey != null) {
      String answered = IdempotentRequests.claim(idempotencyKeys, idempotencyKey, body);
      if (answered != null) return new Accepted(acceptedBody(answered), true);
    }
    String id = null;
    try {
      id = publishing.publishAll(List.of(event)).getFirst().get();
    } catch (ExecutionException e) {
      throw failure("", event, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiProblem.unavailable("the server is shutting down; retry later");
    } catch (RuntimeException e) { // a closed producer
      throw failure("", event, e);
    } finally {
      if (idempotencyKey != null) IdempotentRequests.settle(idempotencyKeys, idempotencyKey, id);
    }
    return new Accepted(acceptedBody(id), false);
  }

  /**
   * {@link Views.EventAccepted} as {@link Responses#json} writes it: written by hand when the id
   * needs no escaping (an event id, a ULID, never does), since Jackson took 3 % of a request's CPU
   * for it (issue 20).
   */
  private static byte[] acceptedBody(String id) {
    if (id == null || !id.chars().allMatch(EventRoutes::plain)) {
      return dev.hookline.schemas.Json.toBytes(new Views.EventAccepted(id));
    }
    return ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean plain(int c) {
    return (c >= '0' && c <= '9')
        || (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || c == '_'
        || c == '-';
  }

  /**
   * A publication that failed: 400 naming the data when the publisher refused the event itself,
   * else 503 (Kafka could not take it; the event may be sent again).
   *
   * @param prefix before the field name, e.g. {@code "events[3]."}
   */
  static ApiProblem failure(String prefix, EventInput event, Throwable cause) {
    if (cause instanceof IllegalArgumentException) {
      return ApiProblem.invalid(
          prefix + "data",
          cause.getMessage() == null ? "rejected by the publisher" : cause.getMessage());
    }
    log.warn("publishing a {} event failed", event.type(), cause);
    return ApiProblem.unavailable("the event could not be published right now; retry later");
  }
}
