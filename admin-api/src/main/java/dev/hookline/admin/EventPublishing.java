package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seam behind {@code POST /api/v1/events}: puts one already validated event onto Kafka. The
 * {@code app} module adapts the producer library to it.
 */
@FunctionalInterface
public interface EventPublishing {
  /**
   * Publishes the event and returns its id once Kafka acknowledged it.
   *
   * @param type a type of the catalog
   * @param data the event data, valid against the type's schema
   * @param key partition key, null to let the publisher choose
   * @param tenant the event's tenant (a valid tenant id), null for none
   * @throws IllegalArgumentException when the publisher rejects the event itself (answered 400)
   * @throws Exception when it could not be published (answered 503)
   */
  String publish(String type, JsonNode data, String key, String tenant) throws Exception;

  /**
   * Publishes several events, each on its own: one future per event, in order, completing with its
   * id once Kafka acknowledged it, or failing as {@link #publish} throws. Implementations hand
   * every event to Kafka before waiting for any acknowledgement; this default publishes one at a
   * time.
   */
  default List<CompletableFuture<String>> publishAll(List<EventInput> events) {
    List<CompletableFuture<String>> results = new ArrayList<>(events.size());
    for (EventInput e : events) {
      try {
        results.add(
            CompletableFuture.completedFuture(publish(e.type(), e.data(), e.key(), e.tenant())));
      } catch (Exception failure) {
        results.add(CompletableFuture.failedFuture(failure));
      }
    }
    return results;
  }

  /** An event without a tenant. */
  default String publish(String type, JsonNode data, String key) throws Exception {
    return publish(type, data, key, null);
  }
}
