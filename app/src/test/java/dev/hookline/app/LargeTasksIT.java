package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventIdentity;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The workers' share fetches ask for a bounded number of bytes, which the broker splits over the
 * fetch's partitions (WorkerAssembly.consumerProperties). On a real broker, PostgreSQL and a
 * receiver on loopback: tasks nearly as large as an event may be, spread over the partitions, are
 * all delivered and recorded, none left behind a fetch too small for it.
 */
class LargeTasksIT {
  private static final int EVENTS = 12;

  @Test
  void tasksOfTheLargestEventsAreAllDeliveredAndRecorded() throws Exception {
    TestStack stack = TestStack.get();
    Api api = new Api(stack);
    try (ScriptedReceiver receiver = new ScriptedReceiver()) {
      String webhook = api.createWebhook(receiver.url("/large"), "membership_updated", null);
      api.awaitRoutesLoaded();
      Set<String> ids = new HashSet<>();
      Random random = new Random(33);
      try (KafkaProducer<String, String> producer = CloudEventRecords.producer(stack)) {
        for (int i = 0; i < EVENTS; i++) {
          String id = "large-" + UUID.randomUUID();
          ids.add(id);
          // keyed by its id, so the events and their tasks spread over the partitions
          producer.send(ExactPayloadIT.membershipUpdated(id, id, data(random))).get();
        }
      }

      // another test's events of this type may reach this webhook too: count only ours
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> succeeded(api.deliveries(webhook), ids), n -> n == EVENTS);
      List<ScriptedReceiver.Request> requests = receiver.received();
      Set<String> delivered = new HashSet<>();
      for (ScriptedReceiver.Request r : requests) {
        String id = EventIdentity.eventIdOf(r.header("webhook-id"));
        if (!ids.contains(id)) continue;
        delivered.add(id);
        assertThat(r.body().length()).isGreaterThan(Event.MAX_DATA_BYTES - 8 * 1024);
      }
      assertThat(delivered).isEqualTo(ids);
    }
  }

  private static long succeeded(JsonNode deliveries, Set<String> ids) {
    long n = 0;
    for (JsonNode d : deliveries)
      if (ids.contains(d.get("eventId").asText()) && "succeeded".equals(d.get("status").asText()))
        n++;
    return n;
  }

  /** A JSON object just under the data limit, of letters lz4 cannot shrink much. */
  private static String data(Random random) {
    StringBuilder blob = new StringBuilder();
    String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    while (blob.length() < Event.MAX_DATA_BYTES - 4 * 1024)
      blob.append(letters.charAt(random.nextInt(letters.length())));
    return "{\"membership_id\": 7, \"blob\": \"" + blob + "\"}";
  }
}
