package dev.hookline.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.IdempotencyKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /api/v1/events/batch}: 1 to {@value #MAX_EVENTS} events in one request, each checked
 * and answered on its own, in request order. The valid ones are all handed to Kafka before any
 * acknowledgement is awaited (one HTTP exchange and one produce batch for many events: the single
 * form's cost is mostly per request), and each is answered once Kafka acknowledged it ({@code
 * acks=all}). A rejected item publishes nothing and does not stop the others.
 *
 * <p>Idempotency is per event: an item's {@code idempotencyKey} has the semantics of the single
 * form's {@code Idempotency-Key} header (24 hours; the same key and event answer the first id and
 * publish nothing; the key with another event is a 409 for that item). The header itself is refused
 * on a batch: one key cannot answer for events that succeed and fail separately.
 */
final class EventBatches {
  static final int MAX_EVENTS = 1000;

  /** The largest batch body: 1,000 events of 5 KB; larger events go one by one. */
  static final int MAX_BODY_BYTES = 5 * 1024 * 1024;

  static final String ITEM_KEY = "idempotencyKey";

  /** The answer: how many were accepted and rejected, and each event's outcome in order. */
  record BatchResult(int accepted, int rejected, List<ItemResult> results) {}

  /**
   * One event's outcome: {@code status} 202 with its {@code id} ({@code replayed} when an earlier
   * request with its {@code idempotencyKey} published it), or the status and problem of the error.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ItemResult(int index, int status, String id, Boolean replayed, ApiProblem.Body problem) {
    static ItemResult accepted(int index, String id, boolean replayed) {
      return new ItemResult(index, 202, id, replayed ? Boolean.TRUE : null, null);
    }

    static ItemResult rejected(int index, ApiProblem problem) {
      return new ItemResult(index, problem.status(), null, null, problem.body(null));
    }
  }

  private final EventCatalog catalog;
  private final EventPublishing publishing;
  private final IdempotencyKeys idempotencyKeys;
  private final int maxBodyBytes;

  EventBatches(
      EventCatalog catalog,
      EventPublishing publishing,
      IdempotencyKeys idempotencyKeys,
      int maxBodyBytes) {
    this.catalog = catalog;
    this.publishing = publishing;
    this.idempotencyKeys = idempotencyKeys;
    this.maxBodyBytes = Math.max(maxBodyBytes, MAX_BODY_BYTES);
  }

  void register(RoutesConfig routes, String base) {
    routes.post(base + "/events/batch", this::publish);
  }

  private void publish(Context ctx) {
    if (ctx.header(IdempotentRequests.HEADER) != null) {
      throw ApiProblem.invalid(
          IdempotentRequests.HEADER,
          "is not accepted on a batch; give each event its own '" + ITEM_KEY + "'");
    }
    EventBodies parsed = EventBodies.read(ctx, maxBodyBytes);
    JsonNode body = parsed.tree();
    var unknown = Requests.unknownFields(body, Set.of("events"));
    if (!unknown.isEmpty()) throw ApiProblem.invalid(unknown);
    JsonNode events = body.get("events");
    if (events == null || events.isNull()) throw ApiProblem.invalid("events", "is required");
    if (!events.isArray() || events.isEmpty() || events.size() > MAX_EVENTS) {
      throw ApiProblem.invalid(
          "events", "must be an array of 1 to " + MAX_EVENTS + " events; send more in several");
    }

    int n = events.size();
    ItemResult[] results = new ItemResult[n];
    List<Integer> indexes = new ArrayList<>(n);
    List<EventInput> outgoing = new ArrayList<>(n);
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String prefix = "events[" + i + "].";
      JsonNode item = events.get(i);
      try {
        EventInput event =
            EventInput.check(
                item, prefix, catalog, Set.of(ITEM_KEY), parsed.dataOf(item.get("data")));
        String key = itemKey(item, prefix);
        if (key != null) {
          // the event as the single form would hash it: the same event is the same request
          ObjectNode request = ((ObjectNode) item).deepCopy();
          request.remove(ITEM_KEY);
          String answered = IdempotentRequests.claim(idempotencyKeys, key, request);
          if (answered != null) {
            results[i] = ItemResult.accepted(i, answered, true);
            continue;
          }
        }
        indexes.add(i);
        outgoing.add(event);
        keys.add(key);
      } catch (ApiProblem problem) {
        results[i] = ItemResult.rejected(i, problem);
      }
    }

    List<CompletableFuture<String>> published = publishAll(outgoing);
    for (int j = 0; j < outgoing.size(); j++) {
      int i = indexes.get(j);
      String id = null;
      try {
        id = published.get(j).get();
        results[i] = ItemResult.accepted(i, id, false);
      } catch (ExecutionException e) {
        results[i] =
            ItemResult.rejected(
                i, EventRoutes.failure("events[" + i + "].", outgoing.get(j), e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        results[i] =
            ItemResult.rejected(
                i, ApiProblem.unavailable("the server is shutting down; retry later"));
      } finally {
        if (keys.get(j) != null) IdempotentRequests.settle(idempotencyKeys, keys.get(j), id);
      }
    }
    int accepted = 0;
    for (ItemResult r : results) if (r.status() == 202) accepted++;
    Responses.json(ctx, 200, new BatchResult(accepted, n - accepted, List.of(results)));
  }

  private List<CompletableFuture<String>> publishAll(List<EventInput> outgoing) {
    if (outgoing.isEmpty()) return List.of();
    try {
      return publishing.publishAll(outgoing);
    } catch (RuntimeException e) { // a closed producer: every event fails alike
      List<CompletableFuture<String>> failed = new ArrayList<>(outgoing.size());
      for (int i = 0; i < outgoing.size(); i++) failed.add(CompletableFuture.failedFuture(e));
      return failed;
    }
  }

  /** The item's {@code idempotencyKey}, null without one; a 400 naming it when malformed. */
  private static String itemKey(JsonNode item, String prefix) {
    JsonNode key = item.get(ITEM_KEY);
    if (key == null || key.isNull()) return null;
    if (!key.isTextual() || !IdempotentRequests.isValid(key.textValue())) {
      throw ApiProblem.invalid(prefix + ITEM_KEY, IdempotentRequests.RULE);
    }
    return key.textValue();
  }
}
