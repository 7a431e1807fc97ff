package dev.hookline.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.admin.EventInput;
import dev.hookline.admin.EventPublishing;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.InvalidEventException;
import dev.hookline.producer.PublishOptions;
import dev.hookline.producer.PublishedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The admin API's {@code POST /api/v1/events} and its batch form on the producer library: a batch
 * is handed to the Kafka producer whole, so its events share produce requests, and each is answered
 * when Kafka acknowledged it.
 */
final class KafkaEventPublishing implements EventPublishing {
  private final EventPublisher publisher;

  KafkaEventPublishing(EventPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public String publish(String type, JsonNode data, String key, String tenant) {
    try {
      return publisher.publishSync(type, data, options(key, tenant)).id();
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public List<CompletableFuture<String>> publishAll(List<EventInput> events) {
    List<CompletableFuture<String>> results = new ArrayList<>(events.size());
    for (EventInput e : events) {
      results.add(
          publisher
              .publish(e.type(), e.data(), e.json(), options(e.key(), e.tenant()))
              .handle(
                  (PublishedEvent published, Throwable error) -> {
                    if (error == null) return published.id();
                    Throwable cause =
                        error instanceof CompletionException && error.getCause() != null
                            ? error.getCause()
                            : error;
                    if (cause instanceof InvalidEventException invalid)
                      throw new CompletionException(
                          new IllegalArgumentException(invalid.getMessage(), invalid));
                    throw new CompletionException(cause);
                  }));
    }
    return results;
  }

  private static PublishOptions options(String key, String tenant) {
    return PublishOptions.none().withKey(key).withTenant(tenant);
  }
}
