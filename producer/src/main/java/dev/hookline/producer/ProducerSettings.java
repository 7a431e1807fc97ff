package dev.hookline.producer;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The settings every Hookline producer starts from, written once: idempotent and acknowledged by
 * every in-sync replica (a send that completed is not lost, a retried one is not written twice),
 * string keys, byte-array values. Each writer adds its own tuning on top.
 */
public final class ProducerSettings {
  private ProducerSettings() {}

  /**
   * @param clientId Kafka {@code client.id}, shows up in broker logs and metrics
   * @param overrides the deployment's client properties (security, tuning), applied first, so they
   *     cannot turn off {@code acks=all} or idempotence. Keys only a consumer knows are left out:
   *     one map of client settings serves a role's consumers and producers alike.
   */
  public static Properties reliable(
      String bootstrapServers, String clientId, Map<String, ?> overrides) {
    Properties props = new Properties();
    overrides.forEach(
        (key, value) -> {
          boolean consumerOnly =
              ConsumerConfig.configNames().contains(key)
                  && !ProducerConfig.configNames().contains(key);
          if (!consumerOnly) props.put(key, value);
        });
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }
}
