package dev.hookline.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.DeliveredBody;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import dev.hookline.schemas.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payload filters of the routes, compiled once per webhook version and shared by the router's
 * stream threads. The routes index keeps each filter's JSON beside the webhook's version (see
 * {@link RoutesIndex}); the first event that meets a filtered route compiles it, and the index's
 * updater forgets a webhook on every change of it, so the map holds one entry per filtered webhook
 * that events met, never an outdated one.
 */
final class RouteFilters {
  private static final Logger log = LoggerFactory.getLogger(RouteFilters.class);

  /** A compiled filter of one webhook version; {@code filter} null: unreadable, matches nothing. */
  private record Compiled(long version, Filter filter) {}

  private final ConcurrentHashMap<UUID, Compiled> compiled = new ConcurrentHashMap<>();

  /**
   * The routes whose webhook takes the event: those without a filter, and those whose filter the
   * event's delivered body passes. The body is built once, and only when a route has a filter.
   */
  List<RoutesIndex.Route> admitted(List<RoutesIndex.Route> routes, Event event) {
    JsonNode body = null;
    List<RoutesIndex.Route> admitted = null;
    for (int i = 0; i < routes.size(); i++) {
      RoutesIndex.Route route = routes.get(i);
      if (route.filter() == null) {
        if (admitted != null) admitted.add(route);
        continue;
      }
      if (body == null) body = DeliveredBody.of(withTree(event));
      if (passes(route, body)) {
        if (admitted != null) admitted.add(route);
      } else if (admitted == null) {
        admitted = new ArrayList<>(routes.subList(0, i));
      }
    }
    return admitted == null ? routes : admitted;
  }

  /**
   * The event with its data as a tree: data kept as its text ({@link WrittenData}) is read into one
   * here, only for an event that meets a filter. The text is the tree's own written form, so the
   * tree is the one the data would have been read into.
   */
  private static Event withTree(Event event) {
    String raw = RawData.textOf(event.data());
    if (raw == null) return event;
    return new Event(
        event.id(),
        event.type(),
        event.source(),
        event.time(),
        Json.readTree(raw.getBytes(StandardCharsets.UTF_8)),
        event.tenant());
  }

  /** Whether the body passes the route's filter; an unreadable filter passes nothing. */
  private boolean passes(RoutesIndex.Route route, JsonNode body) {
    Compiled entry = compiled.get(route.webhookId());
    if (entry == null || entry.version() != route.version()) {
      entry = new Compiled(route.version(), compile(route));
      compiled.put(route.webhookId(), entry);
    }
    return entry.filter() != null && entry.filter().matches(body);
  }

  private static Filter compile(RoutesIndex.Route route) {
    try {
      return Filter.compile(Json.readTree(route.filter()), "filter");
    } catch (RuntimeException e) {
      log.error(
          "Unreadable filter of webhook {} version {}; routing nothing to it: {}",
          route.webhookId(),
          route.version(),
          e.getMessage());
      return null;
    }
  }

  /** Drops what was compiled for the webhook: it changed or went away. */
  void forget(UUID webhookId) {
    compiled.remove(webhookId);
  }

  /** How many webhooks' filters are compiled (for tests). */
  int size() {
    return compiled.size();
  }
}
