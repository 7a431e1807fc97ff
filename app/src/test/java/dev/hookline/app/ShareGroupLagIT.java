package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The {@code hookline.share.group.lag} gauge follows the broker: records nobody has taken count,
 * and they stop counting once a share consumer acknowledges them. A topic and a share group of the
 * test's own, so other tests' workers do not move the figure; NaN while the broker is unreachable.
 */
class ShareGroupLagIT {
  private static final int RECORDS = 7;

  @Test
  void theGaugeCountsRecordsNotYetAcknowledgedAndDropsToZeroOnceTheyAre() throws Exception {
    String run = UUID.randomUUID().toString();
    String topic = "lag-check." + run;
    String group = "lag-check-" + run;
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(10, SECONDS);
      // like the dispatchers' group: a new group starts at the earliest record
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, group),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("share.auto.offset.reset", "earliest"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(10, SECONDS);
    }
    produce(topic, RECORDS);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ShareGroupLag lag =
        new ShareGroupLag(
                TestInfra.bootstrapServers(),
                Map.of(),
                group,
                topic,
                Duration.ofMillis(200),
                registry)
            .start()) {
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> assertThat(gauge(registry)).isEqualTo(RECORDS));

      acknowledgeAll(topic, group, RECORDS);

      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> assertThat(gauge(registry)).isZero());
    }
  }

  @Test
  void anUnreachableBrokerMakesTheLagUnknownNotZero() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // a port nothing listens on: every read fails
    try (ShareGroupLag lag =
        new ShareGroupLag("127.0.0.1:1", Map.of(), "g", "t", Duration.ofMillis(200), registry)
            .start()) {
      assertThat(gauge(registry)).isNaN();
      // a read gives up after its interval plus 5 s: watch past the first failed one
      await()
          .during(Duration.ofSeconds(7))
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(gauge(registry)).isNaN());
    }
  }

  private static double gauge(SimpleMeterRegistry registry) {
    return registry.get(ShareGroupLag.METRIC).gauge().value();
  }

  private static void produce(String topic, int n) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++)
        sent.add(producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)));
      for (Future<RecordMetadata> f : sent) f.get(10, SECONDS);
    }
  }

  /** A share consumer takes and accepts {@code n} records. */
  private static void acknowledgeAll(String topic, String group, int n) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put("share.acknowledgement.mode", "explicit");
    int accepted = 0;
    try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (accepted < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          consumer.acknowledge(record, AcknowledgeType.ACCEPT);
          accepted++;
        }
        consumer.commitSync();
      }
    }
    assertThat(accepted).as("records taken by the share consumer").isEqualTo(n);
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.bootstrapServers()));
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
}
