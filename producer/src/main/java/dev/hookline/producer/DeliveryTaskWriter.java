package dev.hookline.producer;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

/**
 * How a delivery task is written to {@code hookline.deliveries}, whoever writes it: the router (its
 * Kafka Streams producer uses {@link #partition}, {@link #key} and {@link #TUNING}), the retry
 * timers, and the admin API's test events, retries and recoveries (both through an instance).
 *
 * <ul>
 *   <li>Key: the webhook id. Value: the task's JSON. No headers: the {@code ce_*} headers of an
 *       event describe the event, not the task. (The router alone adds {@code
 *       hookline_routed_from}, the event record a task came from: docs/design.md, Departures.)
 *   <li>Partition: a task with a tenant goes to its tenant's lane, one partition chosen by the
 *       tenant id ({@link #lane}); a task without a tenant by the task's bytes. A share group hands
 *       the records of a partition out in offset order, so a tenant's backlog in a partition delays
 *       every task written behind it: lanes keep one tenant's backlog out of the partitions of the
 *       tenants that do not share its lane (tenants hashing to one lane share its order). The price
 *       is the reason keyed partitioning was dropped: a share group gives a partition to a single
 *       member while it has fewer members than partitions, so one tenant's tasks are served by one
 *       share consumer until the group has more members than partitions (docs/benchmarks.md,
 *       noisy-tenant). One partition per lane, not a few spread by bytes: a wider lane overlaps
 *       more of the other lanes (with 6 partitions, two tenants' lanes of 2 overlap one time in
 *       two) and an overlap puts part of the quiet tenant behind the noisy one. Tasks without a
 *       tenant (network-wide webhooks) are spread by their bytes, as before lanes: one busy webhook
 *       is still served by every consumer.
 *   <li>Producer: {@link ProducerSettings#reliable} with {@link #TUNING}.
 * </ul>
 *
 * <p>Tasks that failed for good go to {@code hookline.dead-letter} the same way, keyed by webhook
 * id and partitioned by that key (operators read them per webhook).
 */
public final class DeliveryTaskWriter implements AutoCloseable {
  /** Producer tuning for tasks: one event fans out to many small tasks, so batch and compress. */
  public static final Map<String, String> TUNING =
      Map.of(
          ProducerConfig.LINGER_MS_CONFIG, "5",
          ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024),
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

  /** How long a write waits for the broker's acknowledgements. */
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<String, byte[]> producer;
  private final boolean ownsProducer;

  private DeliveryTaskWriter(Producer<String, byte[]> producer, boolean ownsProducer) {
    this.producer = producer;
    this.ownsProducer = ownsProducer;
  }

  /**
   * A writer with a producer of its own, closed with it.
   *
   * @param overrides the deployment's client properties, see {@link ProducerSettings#reliable}
   */
  public static DeliveryTaskWriter create(
      String bootstrapServers, String clientId, Map<String, ?> overrides) {
    return new DeliveryTaskWriter(
        new KafkaProducer<>(producerProperties(bootstrapServers, clientId, overrides)), true);
  }

  /**
   * A writer on a producer the caller owns (built from {@link #producerProperties}, or a {@code
   * MockProducer} in tests); {@link #close()} leaves it open.
   */
  public static DeliveryTaskWriter over(Producer<String, byte[]> producer) {
    return new DeliveryTaskWriter(producer, false);
  }

  /** {@link ProducerSettings#reliable} with {@link #TUNING}. */
  public static Properties producerProperties(
      String bootstrapServers, String clientId, Map<String, ?> overrides) {
    Properties props = ProducerSettings.reliable(bootstrapServers, clientId, overrides);
    props.putAll(TUNING);
    return props;
  }

  /** The record key of a task (and of its dead letter). */
  public static String key(DeliveryTask task) {
    return task.webhookId().toString();
  }

  /**
   * The partition of a task: its tenant's {@link #lane}, or, without a tenant, by its serialised
   * value.
   */
  public static int partition(String tenant, byte[] value, int numPartitions) {
    return tenant == null
        ? Utils.toPositive(Utils.murmur2(value)) % numPartitions
        : lane(tenant, numPartitions);
  }

  /** The one partition of a tenant's tasks. */
  public static int lane(String tenant, int numPartitions) {
    return Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }

  /** Writes one task; returns once Kafka acknowledged it. */
  public void write(DeliveryTask task) throws Exception {
    writeAll(List.of(task));
  }

  /** Writes the tasks; returns once Kafka acknowledged all of them, else throws. */
  public void writeAll(List<DeliveryTask> tasks) throws Exception {
    int partitions = producer.partitionsFor(Topics.DELIVERIES).size();
    List<Future<RecordMetadata>> sent = new ArrayList<>(tasks.size());
    for (DeliveryTask task : tasks) {
      byte[] value = Json.toBytes(task);
      // no partition count (a mock producer without a cluster): let the producer choose
      Integer partition = partitions == 0 ? null : partition(task.tenant(), value, partitions);
      sent.add(producer.send(new ProducerRecord<>(Topics.DELIVERIES, partition, key(task), value)));
    }
    awaitAll(sent);
  }

  /** Writes the dead letters; returns once Kafka acknowledged all of them, else throws. */
  public void deadLetterAll(List<DeadLetter> letters) throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
    for (DeadLetter letter : letters) {
      sent.add(
          producer.send(
              new ProducerRecord<>(Topics.DEAD_LETTER, key(letter.task()), Json.toBytes(letter))));
    }
    awaitAll(sent);
  }

  /** The first failure aborts: the caller marks nothing and writes the batch again later. */
  private void awaitAll(List<Future<RecordMetadata>> sent) throws Exception {
    if (sent.isEmpty()) return;
    producer.flush();
    long end = System.nanoTime() + ACK_TIMEOUT.toNanos();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } catch (TimeoutException e) {
        throw new TimeoutException("Kafka did not acknowledge the records within " + ACK_TIMEOUT);
      }
    }
  }

  @Override
  public void close() {
    if (ownsProducer) producer.close();
  }
}
