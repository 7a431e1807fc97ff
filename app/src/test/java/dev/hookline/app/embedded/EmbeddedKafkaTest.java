package dev.hookline.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker of its own (not TestInfra's): it is stopped and restarted, and its share group is fresh.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedKafkaTest {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaTest.class);
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path dataDir;
  private EmbeddedKafka kafka;

  @BeforeAll
  void startBroker() {
    long began = System.nanoTime();
    kafka = EmbeddedKafka.start(dataDir, 0, 0);
    LOG.info("Broker cold start (format + start + ready): {} ms", millisSince(began));
    TopicProvisioner.provision(kafka.bootstrapServers());
  }

  @AfterAll
  void stopBroker() {
    if (kafka != null) kafka.close();
  }

  @Test
  void shareGroupReceivesRecordsProducedBeforeItJoined() {
    String run = UUID.randomUUID().toString();
    List<String> sent = IntStream.range(0, 10).mapToObj(i -> run + "-" + i).toList();
    produce(Topics.DELIVERIES, sent);

    List<String> received = new ArrayList<>();
    try (KafkaShareConsumer<String, String> consumer =
        new KafkaShareConsumer<>(shareConsumerProps())) {
      consumer.subscribe(List.of(Topics.DELIVERIES));
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value().startsWith(run)) received.add(record.value());
          consumer.acknowledge(record, AcknowledgeType.ACCEPT);
        }
        consumer.commitSync();
      }
    }
    assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void provisioningIsIdempotentAndCreatesEveryHooklineTopic() throws Exception {
    List<String> topics = TopicProvisioner.provision(kafka.bootstrapServers());

    try (Admin admin = admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .containsAll(topics)
          .contains(
              Topics.SUBSCRIPTIONS,
              Topics.DELIVERIES,
              Topics.DEAD_LETTER,
              Topics.INVALID_EVENTS,
              Topics.HOOKLINE_EVENTS,
              "events.payments");
      ConfigResource subscriptions =
          new ConfigResource(ConfigResource.Type.TOPIC, Topics.SUBSCRIPTIONS);
      Config config =
          admin
              .describeConfigs(List.of(subscriptions))
              .all()
              .get(10, TimeUnit.SECONDS)
              .get(subscriptions);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(
              admin
                  .describeTopics(List.of(Topics.DELIVERIES))
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .get(Topics.DELIVERIES)
                  .partitions())
          .hasSize(TopicProvisioner.DEFAULT_PARTITIONS);
    }
  }

  @Test
  void restartOnTheSameDirectoryKeepsTopicsRecordsAndGroupConfig() throws Exception {
    String topic = "restart.check." + UUID.randomUUID();
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(10, TimeUnit.SECONDS);
    }
    List<String> sent = IntStream.range(0, 10).mapToObj(i -> "kept-" + i).toList();
    produce(topic, sent);

    long stopping = System.nanoTime();
    kafka.close();
    LOG.info("Broker clean shutdown: {} ms", millisSince(stopping));
    long began = System.nanoTime();
    kafka = EmbeddedKafka.start(dataDir, 0, 0);
    LOG.info("Broker warm restart (start + ready): {} ms", millisSince(began));

    assertThat(readFromBeginning(topic, sent.size())).containsExactlyElementsOf(sent);
    try (Admin admin = admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .contains(Topics.DELIVERIES, topic);
      ConfigResource group =
          new ConfigResource(ConfigResource.Type.GROUP, Topics.DISPATCHER_SHARE_GROUP);
      Config config =
          admin.describeConfigs(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      assertThat(config.get("share.auto.offset.reset").value()).isEqualTo("earliest");
    }
  }

  private List<String> readFromBeginning(String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }

  private void produce(String topic, List<String> values) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (String value : values)
        producer.send(new ProducerRecord<>(topic, value, value)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("produce to " + topic + " failed", e);
    }
  }

  private Properties shareConsumerProps() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.DISPATCHER_SHARE_GROUP);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put("share.acknowledgement.mode", "explicit");
    return props;
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
