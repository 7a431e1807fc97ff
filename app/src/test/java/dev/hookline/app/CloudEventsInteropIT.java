package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
      Map<String, Object> props =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config.kafkaBootstrapServers(),
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>("events.customers", "4242", data);
        record
            .headers()
            .add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
            .add("ce_id", id.getBytes(StandardCharsets.UTF_8))
            .add("ce_source", "https://crm.example.com/customers".getBytes(StandardCharsets.UTF_8))
            .add("ce_type", "customer_created".getBytes(StandardCharsets.UTF_8))
            .add("ce_time", "2026-11-28T09:30:00Z".getBytes(StandardCharsets.UTF_8))
            .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
      }

      await().atMost(Duration.ofSeconds(90)).until(() -> !receiver.receivedFor(id).isEmpty());
      Receiver.Request request = receiver.receivedFor(id).get(0);
      assertThat(request.header("webhook-id")).isEqualTo(id);
      assertThat(
              StandardWebhooksVerifier.verifies(
                  secret,
                  id,
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
}
