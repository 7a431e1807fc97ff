package dev.hookline.app.routing;

import static org.awaitility.Awaitility.await;

import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.TestInfra;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.Database;
import dev.hookline.store.NewWebhook;
import dev.hookline.store.OutboxSignal;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestWebhooks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Shared helpers of the routing integration tests. */
public final class RoutingKit {
  private RoutingKit() {}

  /** A migrated database of its own on the shared PostgreSQL. */
  static Database freshDatabase() {
    return Database.open(
        TestInfra.freshDatabase(), SecretCipher.fromBase64Key(SecretCipher.generateKey()));
  }

  static NewWebhook webhook(String name, boolean active, List<String> events) {
    return TestWebhooks.newWebhook()
        .name(name)
        .url("https://hooks.example.com/" + name)
        .events(events)
        .active(active)
        .build();
  }

  /** An outbox relay wired as admin-api wires it (snapshots, signal), with its own producer. */
  record Relay(OutboxRelay relay, OutboxSignal signal, KafkaProducer<String, String> producer)
      implements AutoCloseable {
    static Relay start(
        Database db, String bootstrapServers, OutboxRelay.Settings settings, String clientId) {
      Properties props = OutboxRelay.producerProperties(bootstrapServers);
      props.put("client.id", clientId);
      KafkaProducer<String, String> producer = new KafkaProducer<>(props);
      OutboxSignal signal = db.outboxSignal();
      OutboxRelay relay =
          OutboxRelay.builder(db.outbox(), producer)
              .reconciledBy(db.subscriptionSnapshots())
              .wokenBy(signal)
              .settings(settings)
              .start();
      return new Relay(relay, signal, producer);
    }

    /** Records this relay's producer has sent (acknowledged or not). */
    long sent() {
      return producer.metrics().entrySet().stream()
          .filter(
              e ->
                  e.getKey().name().equals("record-send-total")
                      && e.getKey().group().equals("producer-metrics"))
          .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
          .sum();
    }

    @Override
    public void close() {
      relay.close();
      signal.close();
      producer.close(Duration.ofSeconds(5));
    }
  }

  static long unpublished(Database db) {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from outbox where published_at is null")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void awaitDrained(Database db, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> unpublished(db) == 0);
  }

  /** One row of the outbox, as the store wrote it. */
  record Row(long seq, String key, String payload) {}

  static List<Row> outboxRows(Database db) {
    List<Row> rows = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select seq, record_key, payload from outbox order by seq")) {
      while (rs.next()) rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  /**
   * Every record on {@code hookline.subscriptions} (up to its current end) whose key is in {@code
   * keys}, in order, as a {@code read_committed} reader sees them.
   */
  public static List<ConsumerRecord<String, String>> subscriptionRecords(
      String bootstrapServers, Set<String> keys) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.SUBSCRIPTIONS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInSameThread()
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  if (keys.contains(r.key())) out.add(r);
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
    }
    return out;
  }

  /**
   * Reads delivery tasks of the given webhooks with a {@code read_committed} consumer: only what
   * committed router transactions wrote. Use from one thread.
   */
  public static final class Tasks implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Collection<UUID> webhooks;
    private final List<DeliveryTask> seen = new ArrayList<>();
    private long records;

    /**
     * @param webhooks the webhooks of interest; read live, so a concurrent set may grow later
     * @param fromBeginning false: only tasks written after this call
     */
    public Tasks(String bootstrapServers, Collection<UUID> webhooks, boolean fromBeginning) {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      props.put(
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
      this.consumer = new KafkaConsumer<>(props);
      this.partitions =
          consumer.partitionsFor(Topics.DELIVERIES).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      this.webhooks = webhooks;
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      partitions.forEach(consumer::position); // fix the start now, not at the first poll
    }

    /** Reads what arrived; returns the tasks seen so far. */
    public List<DeliveryTask> poll() {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
        records++;
        DeliveryTask task = Json.fromBytes(r.value(), DeliveryTask.class);
        if (task.trigger() == Trigger.EVENT && webhooks.contains(task.webhookId())) seen.add(task);
      }
      return seen;
    }

    /** Reads everything committed up to now (the last stable offsets at this call). */
    public List<DeliveryTask> catchUp() {
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // read_committed: the LSO
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInSameThread()
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                poll();
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
      return seen;
    }

    public List<DeliveryTask> seen() {
      return seen;
    }

    /** Records read, of any webhook. */
    long records() {
      return records;
    }

    @Override
    public void close() {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
