package dev.hookline.app;

import dev.hookline.admin.TaskPublishing;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test events, manual retries and recoveries onto {@code hookline.deliveries}, keyed by webhook id.
 */
final class KafkaTaskPublishing implements TaskPublishing, AutoCloseable {
  private static final long ACK_TIMEOUT_SECONDS = 30;
  private final KafkaProducer<String, byte[]> producer;

  KafkaTaskPublishing(String bootstrapServers) {
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                10_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "hookline-admin-tasks",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
  }

  @Override
  public void publish(DeliveryTask task) throws Exception {
    send(task).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void publishAll(List<DeliveryTask> tasks) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>(tasks.size());
    for (DeliveryTask task : tasks) acks.add(send(task));
    producer.flush();
    for (Future<RecordMetadata> ack : acks) ack.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private Future<RecordMetadata> send(DeliveryTask task) {
    return producer.send(
        new ProducerRecord<>(Topics.DELIVERIES, task.webhookId().toString(), Json.toBytes(task)));
  }

  @Override
  public void close() {
    producer.close();
  }
}
