package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/events/batch} on the real stack: good and bad events in one request; the good
 * ones reach Kafka with the ids and tenants the answer gives, the bad ones nothing.
 */
class EventBatchIT {
  private static final String TYPE = "payment_received";
  private final TestStack stack = TestStack.get();

  @Test
  void goodEventsArePublishedAndBadOnesAnsweredEachOnItsOwn() throws Exception {
    String marker = UUID.randomUUID().toString();
    ObjectNode good =
        (ObjectNode) EventCatalog.load().find(TYPE).orElseThrow().example().deepCopy();
    good.put("it_marker", marker);
    String data = Json.toString(good);
    String badData = "{\"payment_id\":\"not a number\",\"it_marker\":\"" + marker + "\"}";
    String batch =
        "{\"events\":["
            + event(data, null)
            + ","
            + event(badData, null)
            + ","
            + event(data, "acme-batch")
            + ",{\"type\":\"nope\",\"data\":"
            + data
            + "},"
            + event(data, null)
            + "]}";

    JsonNode answer = stack.call("POST", "/events/batch", batch, 200);

    assertThat(answer.get("accepted").asInt()).isEqualTo(3);
    assertThat(answer.get("rejected").asInt()).isEqualTo(2);
    JsonNode results = answer.get("results");
    assertThat(results.valueStream().map(r -> r.get("status").asInt()))
        .containsExactly(202, 400, 202, 400, 202);
    assertThat(results.get(1).get("problem").get("errors").findValuesAsText("field"))
        .contains("events[1].data.payment_id");
    assertThat(results.get(3).get("problem").get("errors").findValuesAsText("field"))
        .containsExactly("events[3].type");
    Map<String, String> expected =
        Map.of(
            results.get(0).get("id").asText(), "",
            results.get(2).get("id").asText(), "acme-batch",
            results.get(4).get("id").asText(), "");

    // what reached Kafka with this test's marker: the three, with their ids and tenants
    Map<String, String> onKafka = new HashMap<>();
    withMarker(marker, expected.size())
        .forEach((id, r) -> onKafka.put(id, header(r, CloudEventHeaders.TENANT)));
    assertThat(onKafka).isEqualTo(expected);
  }

  /**
   * The data goes to Kafka as the client sent it, without being written again: the same JSON,
   * without the whitespace between its tokens (issue 20).
   */
  @Test
  void theDataReachesKafkaAsSentWithoutWhitespace() throws Exception {
    String marker = UUID.randomUUID().toString();
    ObjectNode data =
        (ObjectNode) EventCatalog.load().find(TYPE).orElseThrow().example().deepCopy();
    data.put("it_marker", marker).put("it_note", "two  spaces, a \"quote\"").put("it_a", "A");
    // an escape the client chose, which Jackson would not write: it stays
    String pretty =
        Json.MAPPER
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(data)
            .replace("\"it_a\" : \"A\"", "\"it_a\" : \"\\u0041\"");
    assertThat(pretty).contains("\n  ").contains("\\u0041");

    JsonNode single = stack.call("POST", "/events", event(pretty, null), 202);
    JsonNode batch =
        stack.call("POST", "/events/batch", "{\"events\":[" + event(pretty, null) + "]}", 200);

    Map<String, ConsumerRecord<String, byte[]>> onKafka = withMarker(marker, 2);
    byte[] compact =
        Json.toString(data)
            .replace("\"it_a\":\"A\"", "\"it_a\":\"\\u0041\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(onKafka.get(single.get("id").asText()).value()).isEqualTo(compact);
    assertThat(onKafka.get(batch.get("results").get(0).get("id").asText()).value())
        .isEqualTo(compact);
  }

  private static String event(String data, String tenant) {
    return "{\"type\":\""
        + TYPE
        + "\""
        + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
        + ",\"data\":"
        + data
        + "}";
  }

  /**
   * The records of events.payments whose data holds {@code marker}, by event id: once {@code
   * atLeast} came, and a second more (anything else of the marker would have come with them).
   */
  private Map<String, ConsumerRecord<String, byte[]>> withMarker(String marker, int atLeast) {
    Map<String, ConsumerRecord<String, byte[]>> found = new ConcurrentHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("events.payments").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Consumer<ConsumerRecord<String, byte[]>> keep =
          r -> {
            if (new String(r.value(), StandardCharsets.UTF_8).contains(marker))
              found.put(header(r, CloudEventHeaders.ID), r);
          };
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(keep);
                return found.size() >= atLeast;
              });
      consumer.poll(Duration.ofSeconds(1)).forEach(keep);
    }
    return found;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config.kafkaBootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
  }
}
