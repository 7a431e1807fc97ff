package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Json;
import dev.hookline.store.WebhookPatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code --fanout-filters}: a payload filter on every other webhook of the fan-out scenario. Each
 * filter has two clauses, on the body's type and on the first field of the type's data, that the
 * catalog examples pass: the scenario's events then make the same tasks as without filters, and the
 * difference in the router's CPU per task is the cost of the evaluations.
 */
final class FanoutFilters {
  private FanoutFilters() {}

  /** Puts the filters on; returns how many webhooks got one. */
  static int apply(Bench b, List<EventType> types) throws Exception {
    List<UUID> ids = new ArrayList<>();
    List<String> typeOf = new ArrayList<>();
    try (Connection c = b.stack.db().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select id, events[1] from webhooks where name like 'bench fan %' and deleted_at is"
                    + " null order by created_at, id")) {
      try (ResultSet rs = s.executeQuery()) {
        for (int i = 0; rs.next(); i++) {
          if (i % 2 == 0) {
            ids.add(rs.getObject(1, UUID.class));
            typeOf.add(rs.getString(2));
          }
        }
      }
    }
    Map<String, JsonNode> filters = new HashMap<>();
    for (EventType t : types) filters.put(t.name(), filterFor(t));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        int slice = s;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = slice; i < ids.size(); i += 4) {
                    b.stack
                        .db()
                        .webhooks()
                        .update(
                            ids.get(i),
                            WebhookPatch.empty().withFilter(filters.get(typeOf.get(i))));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    return ids.size();
  }

  /** {@code {"type": {"$in": [<type>]}, "data.<first field>": {"$eq": <its example value>}}}. */
  static JsonNode filterFor(EventType t) {
    ObjectNode filter = Json.MAPPER.createObjectNode();
    filter.putObject("type").putArray("$in").add(t.name());
    String field = t.example().fieldNames().next();
    filter.putObject("data." + field).set("$eq", t.example().get(field));
    return filter;
  }

  /**
   * Waits until the router routes with the filters: an event of the last type whose first field
   * fails them makes tasks for the unfiltered webhooks of the type only.
   */
  static void awaitApplied(Bench b, List<EventType> types) throws Exception {
    EventType last = types.get((b.options.fanoutWebhooks() - 1) % types.size());
    long routable = FanoutScenario.routableFor(b, last.name());
    long filtered =
        FanoutScenario.count(
            b,
            "select count(*) from webhooks where deleted_at is null and active and filter is not"
                + " null and ? = any(events)",
            last.name());
    ObjectNode failing = last.example().deepCopy();
    String field = failing.fieldNames().next();
    JsonNode value = failing.get(field);
    // another value of the same JSON type, so the event still validates against its schema
    if (value.isIntegralNumber()) failing.put(field, value.longValue() + 1);
    else if (value.isNumber()) failing.put(field, value.doubleValue() + 1);
    else if (value.isBoolean()) failing.put(field, !value.booleanValue());
    else failing.put(field, "not-" + value.asText());
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      double events = b.stack.routedEvents();
      double tasks = b.stack.routedTasks();
      b.publisher.publishSync(last.name(), failing, "probe");
      while (b.stack.routedEvents() <= events && System.nanoTime() < deadline) Bench.sleep(20);
      Bench.sleep(300); // the counters of one event's tasks settle with it
      if (b.stack.routedTasks() - tasks == routable - filtered) return;
    }
    throw new IllegalStateException("the router did not apply the filters within 120 s");
  }

  /** The router's extra CPU per filter evaluation, from the two runs' CPU per task. */
  static void compare(ScenarioResult plain, ScenarioResult filtered) {
    Object before = plain.figures().get("routerCpuNanosPerTask");
    Object after = filtered.figures().get("routerCpuNanosPerTask");
    Object webhooks = plain.figures().get("webhooks");
    Object withFilter = filtered.figures().get("filteredWebhooks");
    if (!(before instanceof Number b0)
        || !(after instanceof Number a0)
        || !(webhooks instanceof Number w)
        || !(withFilter instanceof Number n)) return;
    double evaluationsPerTask = n.doubleValue() / w.doubleValue();
    filtered
        .figures()
        .put(
            "routerExtraCpuNanosPerEvaluation",
            Math.round((a0.doubleValue() - b0.doubleValue()) / evaluationsPerTask));
  }
}
