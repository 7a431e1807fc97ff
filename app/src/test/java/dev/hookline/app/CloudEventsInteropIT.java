package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.schemas.EventIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Any CloudEvents Kafka producer can publish: this one uses plain kafka-clients and the CloudEvents
 * binary-mode headers, and no Hookline code at all.
 */
class CloudEventsInteropIT {

  @Test
  void anEventFromAPlainKafkaProducerIsDelivered() throws Exception {
    TestStack stack = TestStack.get();
    try (Receiver receiver = new Receiver()) {
      JsonNode created =
          stack.call(
              "POST",
              "/webhooks",
              """
          {"name": "CRM sync", "url": "%s", "events": ["customer_created"]}"""
                  .formatted(receiver.url("/crm")),
              201);
      String secret = created.get("secret").asText();
      stack.awaitRouted("customer_created", receiver);

      String id = "ce-" + UUID.randomUUID();
      String data =
          """
          {"customer_id": 4242, "customer_name": "Grace Hopper", "customer_user_id": 77,
           "customer_user_email": "grace@example.com", "customer_email_verification": "verified",
           "customer_manage_url": "https://network.example.com/customers/4242"}""";
      try (KafkaProducer<String, String> producer = CloudEventRecords.producer(stack)) {
        ProducerRecord<String, String> record =
            CloudEventRecords.binary(
                "events.customers",
                "4242",
                null,
                id,
                "https://crm.example.com/customers",
                "customer_created",
                "2026-11-28T09:30:00Z",
                data);
        producer.send(record).get();
      }

      await().atMost(Duration.ofSeconds(90)).until(() -> !receiver.receivedFor(id).isEmpty());
      Receiver.Request request = receiver.receivedFor(id).get(0);
      String webhookId = EventIdentity.webhookId("https://crm.example.com/customers", id);
      assertThat(request.header("webhook-id")).isEqualTo(webhookId);
      assertThat(
              StandardWebhooksVerifier.verifies(
                  secret,
                  webhookId,
                  request.header("webhook-timestamp"),
                  request.body(),
                  request.header("webhook-signature")))
          .isTrue();
      JsonNode body = new ObjectMapper().readTree(request.body());
      assertThat(body.get("type").asText()).isEqualTo("customer_created");
      assertThat(body.get("timestamp").asText()).isEqualTo("2026-11-28T09:30:00Z");
      assertThat(body.get("data")).isEqualTo(new ObjectMapper().readTree(data));
    }
  }

  /**
   * A producer that writes an event again (its own retry after a timeout, a replayed outbox) makes
   * no second delivery: the router remembers the (source, id) it routed.
   */
  @Test
  void theSameEventWrittenTwiceThreeSecondsApartArrivesOnce() throws Exception {
    TestStack stack = TestStack.get();
    try (Receiver receiver = new Receiver()) {
      stack.call(
          "POST",
          "/webhooks",
          """
          {"name": "CRM once", "url": "%s", "events": ["customer_created"]}"""
              .formatted(receiver.url("/crm-once")),
          201);
      stack.awaitRouted("customer_created", receiver);

      String id = "ce-" + UUID.randomUUID();
      String after = "ce-after-" + UUID.randomUUID();
      long first = System.currentTimeMillis();
      try (KafkaProducer<String, String> producer = CloudEventRecords.producer(stack)) {
        producer.send(customerCreated(id, "https://crm.example.com/customers", first)).get();
        await().atMost(Duration.ofSeconds(90)).until(() -> !receiver.receivedFor(id).isEmpty());
        // the copy, 3 s later by its Kafka timestamp; then an event behind it on its partition
        producer
            .send(customerCreated(id, "https://crm.example.com/customers", first + 3_000))
            .get();
        producer
            .send(customerCreated(after, "https://crm.example.com/customers", first + 3_001))
            .get();
      }
      await().atMost(Duration.ofSeconds(90)).until(() -> !receiver.receivedFor(after).isEmpty());
      assertThat(receiver.receivedFor(id)).as("the copy was dropped by the router").hasSize(1);
    }
  }

  /**
   * An event's identity is (source, id): two producers that happen to use the same id make two
   * events, two deliveries with two webhook-ids; a manual retry of one keeps its webhook-id.
   */
  @Test
  void twoSourcesWithTheSameIdAreTwoDeliveriesWithTwoWebhookIds() throws Exception {
    TestStack stack = TestStack.get();
    try (Receiver receiver = new Receiver()) {
      String webhook =
          stack
              .call(
                  "POST",
                  "/webhooks",
                  """
          {"name": "CRM two shops", "url": "%s", "events": ["customer_created"]}"""
                      .formatted(receiver.url("/crm-two")),
                  201)
              .get("id")
              .asText();
      stack.awaitRouted("customer_created", receiver);

      String id = "ce-shared-" + UUID.randomUUID();
      String eu = "https://eu.shop.example.com/customers";
      String us = "https://us.shop.example.com/customers";
      long now = System.currentTimeMillis();
      try (KafkaProducer<String, String> producer = CloudEventRecords.producer(stack)) {
        producer.send(customerCreated(id, eu, now)).get();
        producer.send(customerCreated(id, us, now + 1)).get();
      }

      await().atMost(Duration.ofSeconds(90)).until(() -> receiver.receivedFor(id).size() >= 2);
      assertThat(receiver.receivedFor(id))
          .extracting(r -> r.header("webhook-id"))
          .containsExactlyInAnyOrder(
              EventIdentity.webhookId(eu, id), EventIdentity.webhookId(us, id));

      // the log also holds the probes awaitRouted published: this event's deliveries only
      List<JsonNode> log =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> {
                    List<JsonNode> ofEvent = new ArrayList<>();
                    stack
                        .call("GET", "/webhooks/" + webhook + "/deliveries", null, 200)
                        .get("data")
                        .forEach(
                            d -> {
                              if (id.equals(d.get("eventId").asText())) ofEvent.add(d);
                            });
                    return ofEvent;
                  },
                  d ->
                      d.size() == 2
                          && d.stream()
                              .allMatch(x -> "succeeded".equals(x.get("status").asText())));
      Map<String, String> deliveryBySource = new HashMap<>();
      for (JsonNode d : log) {
        assertThat(d.get("attemptCount").asInt()).as("each its own delivery").isEqualTo(1);
        deliveryBySource.put(d.get("eventSource").asText(), d.get("id").asText());
      }
      assertThat(deliveryBySource).containsOnlyKeys(eu, us);

      // a manual retry of the US delivery: a third request, with the US event's webhook-id
      stack.call("POST", "/deliveries/" + deliveryBySource.get(us) + "/retry", null, 202);
      await().atMost(Duration.ofSeconds(90)).until(() -> receiver.receivedFor(id).size() >= 3);
      assertThat(receiver.receivedFor(id).get(2).header("webhook-id"))
          .isEqualTo(EventIdentity.webhookId(us, id));
      JsonNode retried =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> stack.call("GET", "/deliveries/" + deliveryBySource.get(us), null, 200),
                  d -> d.get("attempts").size() == 2);
      assertThat(retried.get("eventSource").asText()).isEqualTo(us);
      assertThat(
              stack
                  .call("GET", "/deliveries/" + deliveryBySource.get(eu), null, 200)
                  .get("attempts"))
          .hasSize(1);
    }
  }

  /** A customer_created CloudEvent in binary mode, keyed as the first test's, at this time. */
  private static ProducerRecord<String, String> customerCreated(
      String id, String source, long timestamp) {
    String data =
        """
        {"customer_id": 4243, "customer_name": "Ada Lovelace", "customer_user_id": 78,
         "customer_user_email": "ada@example.com", "customer_email_verification": "verified",
         "customer_manage_url": "https://network.example.com/customers/4243"}""";
    return CloudEventRecords.binary(
        "events.customers",
        "4243",
        timestamp,
        id,
        source,
        "customer_created",
        "2026-12-05T09:30:00Z",
        data);
  }
}
