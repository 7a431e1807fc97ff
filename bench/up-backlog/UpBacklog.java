import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a backlog of events straight to Kafka through {@link EventPublisher} (run by
 * up-backlog.sh with the bench's class path): {@code java UpBacklog.java <bootstrap> <type> <events>}.
 * Data: the type's catalog example padded to 1,024 bytes (the bench's events). Prints the seconds
 * it took once every event is acknowledged.
 */
public final class UpBacklog {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String type = args[1];
    int events = Integer.parseInt(args[2]);
    EventCatalog catalog = EventCatalog.load();
    ObjectNode data = (ObjectNode) catalog.find(type).orElseThrow().example().deepCopy();
    int missing = 1024 - Json.toBytes(data).length - ",\"bench_padding\":\"\"".length();
    if (missing > 0) data.put("bench_padding", "x".repeat(missing));
    long start = System.nanoTime();
    try (EventPublisher publisher =
        EventPublisher.create(
            PublisherConfig.builder(bootstrap).source("urn:hookline:up-backlog").build(), catalog)) {
      CompletableFuture<?>[] sent = new CompletableFuture<?>[events];
      for (int i = 0; i < events; i++) sent[i] = publisher.publish(type, data);
      publisher.flush();
      CompletableFuture.allOf(sent).join();
    }
    System.out.printf("published %d events in %.2f s%n", events, (System.nanoTime() - start) / 1e9);
  }
}
