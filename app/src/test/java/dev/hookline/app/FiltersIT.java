package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Payload filters on the real stack (broker, PostgreSQL, router, worker): a webhook created with a
 * filter over the API receives the events its filter passes and no other.
 */
class FiltersIT {
  private static final String TYPE = "payment_received";

  private final TestStack stack = TestStack.get();

  @Test
  void onlyTheEventsTheFilterPassesArrive() throws Exception {
    try (Receiver filtered = new Receiver();
        Receiver everything = new Receiver()) {
      String filter =
          "{\"data.payment_total_raw\": {\"$gte\": 100}, \"data.payment_gateway\": {\"$in\":"
              + " [\"paypal\"]}}";
      webhook(filtered.url("/big-paypal"), filter);
      webhook(everything.url("/all"), null);
      // the routes are loaded once a matching event reaches the filtered webhook
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                publish(500, "paypal");
                return !filtered.received().isEmpty();
              });

      String small = publish(50, "paypal");
      String stripe = publish(500, "stripe");
      String match = publish(150, "paypal");

      // the router writes all tasks of an event at once: once the unfiltered webhook has an
      // event, the filtered one's fate for it is decided
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !everything.receivedFor(small).isEmpty()
                      && !everything.receivedFor(stripe).isEmpty()
                      && !filtered.receivedFor(match).isEmpty());
      assertThat(filtered.receivedFor(small)).as("payment_total_raw under 100").isEmpty();
      assertThat(filtered.receivedFor(stripe)).as("not paypal").isEmpty();
      assertThat(filtered.receivedFor(match).get(0).body()).contains("\"payment_total_raw\":150");
    }
  }

  private void webhook(String url, String filter) throws Exception {
    String body =
        "{\"name\": \"filters\", \"url\": \"%s\", \"events\": [\"%s\"]%s}"
            .formatted(url, TYPE, filter == null ? "" : ", \"filter\": " + filter);
    assertThat(stack.call("POST", "/webhooks", body, 201).get("id").asText()).isNotBlank();
  }

  /** Publishes the catalog example with this total and gateway over the API; returns its id. */
  private String publish(int total, String gateway) throws Exception {
    ObjectNode data = EventCatalog.load().find(TYPE).orElseThrow().example().deepCopy();
    data.put("payment_total_raw", total);
    data.put("payment_gateway", gateway);
    data.put("payment_reference_code", "PAY-" + UUID.randomUUID());
    String body = "{\"type\": \"%s\", \"data\": %s}".formatted(TYPE, Json.toString(data));
    return stack.call("POST", "/events", body, 202).get("id").asText();
  }
}
