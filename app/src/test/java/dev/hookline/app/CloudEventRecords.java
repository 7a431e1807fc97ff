package dev.hookline.app;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * CloudEvents in Kafka's binary mode, written as any CloudEvents producer would (not through {@code
 * EventPublisher}): the attributes in {@code ce_*} headers, the data as the value, byte for byte.
 */
final class CloudEventRecords {
  private CloudEventRecords() {}

  /** A plain string producer on the stack's broker. */
  static KafkaProducer<String, String> producer(TestStack stack) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config.kafkaBootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
  }

  /**
   * One event.
   *
   * @param timestamp the record's Kafka timestamp; null for the producer's clock
   * @param time its {@code ce_time}
   */
  static ProducerRecord<String, String> binary(
      String topic,
      String key,
      Long timestamp,
      String id,
      String source,
      String type,
      String time,
      String data) {
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, timestamp, key, data);
    record
        .headers()
        .add("ce_specversion", bytes("1.0"))
        .add("ce_id", bytes(id))
        .add("ce_source", bytes(source))
        .add("ce_type", bytes(type))
        .add("ce_time", bytes(time))
        .add("content-type", bytes("application/json"));
    return record;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
