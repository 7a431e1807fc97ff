package dev.hookline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/** Records what {@code POST /events} published; can be told to fail. */
final class FakePublishing implements EventPublishing {
  record Published(String id, String type, JsonNode data, String key, String tenant) {}

  final List<Published> published = new CopyOnWriteArrayList<>();
  volatile Exception failure;

  /**
   * Where each publication completes, as Kafka's producer completes it on its own thread once the
   * broker acknowledged it; null: at once, on the caller's thread.
   */
  volatile Executor completeOn;

  @Override
  public List<CompletableFuture<String>> publishAll(List<EventInput> events) {
    List<CompletableFuture<String>> now = EventPublishing.super.publishAll(events);
    Executor executor = completeOn;
    if (executor == null) return now;
    List<CompletableFuture<String>> later = new ArrayList<>();
    for (CompletableFuture<String> result : now) {
      CompletableFuture<String> completion = new CompletableFuture<>();
      executor.execute(
          () -> {
            var unused =
                result.whenComplete(
                    (id, error) -> {
                      if (error == null) completion.complete(id);
                      else completion.completeExceptionally(new CompletionException(error));
                    });
          });
      later.add(completion);
    }
    return later;
  }

  @Override
  public String publish(String type, JsonNode data, String key, String tenant) throws Exception {
    if (failure != null) throw failure;
    String id = UUID.randomUUID().toString();
    published.add(new Published(id, type, data, key, tenant));
    return id;
  }
}
