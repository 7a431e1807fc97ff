package dev.hookline.app.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublishedEvent;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A quick, bounded measurement of the router on a real broker (not a test with a timing assertion;
 * only runs with {@code -Dhookline.bench=true}): 10,000 webhooks spread over every catalog type, of
 * which exactly {@code k} per type are active, so each event matches {@code k}; 20,000 events
 * spread over every type, published before the router starts; then the real router (in this JVM,
 * one stream thread, exactly_once_v2) routes them and a read_committed reader counts the tasks.
 *
 * <pre>./mvnw -B -q -pl app -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=RoutingBenchIT -Dhookline.bench=true</pre>
 */
@EnabledIfSystemProperty(named = "hookline.bench", matches = "true")
class RoutingBenchIT {
  private static final Logger log = LoggerFactory.getLogger(RoutingBenchIT.class);
  private static final int WEBHOOKS = 10_000;
  private static final int EVENTS = 20_000;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} matching webhook(s) per event")
  @ValueSource(ints = {1, 10})
  void routes(int matching) throws Exception {
    List<EventType> types = EventCatalog.load().types();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0)) {
      String bootstrap = kafka.bootstrapServers();
      TopicProvisioner.provision(bootstrap);

      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(OutboxRelay.producerProperties(bootstrap))) {
        for (int i = 0; i < WEBHOOKS; i++) {
          UUID id = UUID.randomUUID();
          boolean active = i / types.size() < matching; // the first k webhooks of each type
          Subscription s =
              new Subscription(
                  id, 1, List.of(types.get(i % types.size()).name()), active, null, null);
          var unused =
              producer.send(
                  new ProducerRecord<>(Topics.SUBSCRIPTIONS, id.toString(), Json.toString(s)));
        }
        producer.flush();
      }
      long publishStart = System.nanoTime();
      List<CompletableFuture<PublishedEvent>> sent = new ArrayList<>(EVENTS);
      try (EventPublisher publisher =
          EventPublisher.create(PublisherConfig.defaults(bootstrap), EventCatalog.load())) {
        for (int i = 0; i < EVENTS; i++) {
          EventType type = types.get(i % types.size());
          JsonNode data = type.example();
          sent.add(publisher.publish(type.name(), data, "aggregate-" + (i % 1000)));
        }
        publisher.flush();
      }
      double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
      long published = sent.stream().filter(f -> !f.isCompletedExceptionally()).count();
      assertThat(published).as("events the broker acknowledged").isEqualTo(EVENTS);

      long expected = published * matching;
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      long start = System.nanoTime();
      long firstTask = 0;
      long count = 0;
      long running;
      try (Router router =
              new Router(
                  RouterConfig.builder(bootstrap, dir.resolve("router"))
                      .applicationId("bench-" + matching)
                      .kafkaOverrides(overrides())
                      .build(),
                  EventCatalog.load(),
                  registry);
          KafkaConsumer<byte[], byte[]> tasks = committedReader(bootstrap)) {
        router.start();
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> router.state() == KafkaStreams.State.RUNNING);
        running = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (count < expected && System.nanoTime() < deadline) {
          int n = tasks.poll(Duration.ofMillis(100)).count();
          if (n > 0 && firstTask == 0) firstTask = System.nanoTime();
          count += n;
        }
      }
      long end = System.nanoTime();
      assertThat(count).as("every task, once").isEqualTo(expected);
      double steady = (end - firstTask) / 1e9;
      double total = (end - start) / 1e9;
      log.info(
          String.format(
              "BENCH k=%d: %d webhooks, %d events -> %d tasks | first task to last: %.2f s = %.0f events/s, %.0f tasks/s"
                  + " | router start to last task: %.2f s = %.0f events/s (startup incl. %d-record global restore: %.2f s)"
                  + " | events published at %.0f/s | load average %s",
              matching,
              WEBHOOKS,
              EVENTS,
              count,
              steady,
              EVENTS / steady,
              count / steady,
              total,
              EVENTS / total,
              WEBHOOKS,
              (running - start) / 1e9,
              EVENTS / publishSeconds,
              loadAverage()));
    }
  }

  /** Extra Kafka Streams properties to compare, e.g. {@code -Dhookline.bench.overrides=a=1,b=2}. */
  private static java.util.Map<String, String> overrides() {
    String raw = System.getProperty("hookline.bench.overrides", "");
    java.util.Map<String, String> map = new java.util.HashMap<>();
    for (String pair : raw.split(",")) {
      if (pair.isBlank()) continue;
      String[] kv = pair.split("=", 2);
      map.put(kv[0].trim(), kv[1].trim());
    }
    if (!map.isEmpty()) log.info("BENCH overrides {}", map);
    return map;
  }

  private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20000");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.DELIVERIES).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
