package dev.hookline.app.routing;

import static dev.hookline.app.routing.RoutingKit.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublishedEvent;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router killed with {@code kill -9} in the middle of a stream of events and restarted counts
 * exactly: every (event, matching webhook) task appears once on hookline.deliveries for a
 * read_committed reader, none missing, none twice.
 *
 * <p>Runs on a broker of its own: on the shared broker, the router of TestStack would route the
 * same events to the same webhooks (they come from the shared subscriptions topic) and produce the
 * same delivery ids a second time; and a second router there would deliver the events of other
 * tests twice.
 */
class RouterCrashIT {
  private static final Logger log = LoggerFactory.getLogger(RouterCrashIT.class);
  private static final String APP_ID = "router-crash-it";
  private static final String TYPE = "payment_received";

  /** How long the router has to route its first tasks, and the first 1,500 of the stream. */
  private static final Duration ROUTING_WITHIN = Duration.ofSeconds(120);

  /** How long the restarted (or remaining) router has to route again. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(150);

  /**
   * A safety cap on the stream, which normally stops soon after the restarted router routes again.
   * Not a deadline: at ~1,000 events/s it is reached only after the test waited {@link
   * #ROUTING_WITHIN} and {@link #BACK_WITHIN} to the full. (At 30,000, with 60 s and 90 s waits,
   * the restarted router had to route again within about 30 s of the kill, a new JVM's start and
   * Kafka Streams' on a busy machine included.)
   */
  private static final int MAX_EVENTS = 300_000;

  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void aRouterKilledMidStreamAndRestartedEmitsEveryTaskExactlyOnce() throws Exception {
    killOneMidStream(false);
  }

  /**
   * Two routers share the events partitions, each with a state directory of its own (issue #19);
   * one is killed with {@code kill -9} and not restarted: the other takes its partitions over (once
   * the dead one's session times out) and exactly-once still holds.
   */
  @Test
  void oneOfTwoRoutersKilledMidStreamTheOtherTakesOverExactlyOnce() throws Exception {
    killOneMidStream(true);
  }

  private void killOneMidStream(boolean twoRouters) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
        Database db = RoutingKit.freshDatabase()) {
      String bootstrap = kafka.bootstrapServers();
      TopicProvisioner.provision(bootstrap);

      UUID explicit = db.webhooks().create(webhook("explicit", true, List.of(TYPE))).webhook().id();
      UUID twoTypes =
          db.webhooks()
              .create(webhook("two-types", true, List.of("invoice_sent", TYPE)))
              .webhook()
              .id();
      UUID wildcard = db.webhooks().create(webhook("wildcard", true, List.of("*"))).webhook().id();
      UUID otherType =
          db.webhooks().create(webhook("other-type", true, List.of("invoice_sent"))).webhook().id();
      UUID inactive =
          db.webhooks().create(webhook("inactive", false, List.of(TYPE))).webhook().id();
      Set<UUID> matching = Set.of(explicit, twoTypes, wildcard);
      try (RoutingKit.Relay relay =
          RoutingKit.Relay.start(db, bootstrap, OutboxRelay.Settings.defaults(), "crash-relay")) {
        RoutingKit.awaitDrained(db, Duration.ofSeconds(30));
      }

      try (RoutingKit.Tasks tasks =
              new RoutingKit.Tasks(
                  bootstrap, List.of(explicit, twoTypes, wildcard, otherType, inactive), true);
          EventPublisher publisher =
              EventPublisher.create(PublisherConfig.defaults(bootstrap), EventCatalog.load())) {
        Process first = startRouter(bootstrap, "first", "router-state");
        awaitRunning(first, "first");
        Process other = null;
        if (twoRouters) {
          other = startRouter(bootstrap, "other", "router-state-other");
          awaitRunning(other, "other");
          awaitMembersSharingPartitions(bootstrap, 2);
        }

        // ~1,000 events/s in the background, from before the kill until the restarted router routes
        // again
        List<CompletableFuture<PublishedEvent>> published = new CopyOnWriteArrayList<>();
        JsonNode data = EventCatalog.load().find(TYPE).orElseThrow().example();
        // a first event, to be sure the router is routing before the stream starts
        published.add(
            CompletableFuture.completedFuture(publisher.publishSync(TYPE, data, "warm-up")));
        await()
            .atMost(ROUTING_WITHIN)
            .pollInSameThread()
            .pollInterval(Duration.ZERO)
            .until(() -> tasks.poll().size() >= matching.size());
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        var unusedPacing =
            pacer.scheduleAtFixedRate(
                () -> {
                  for (int i = 0; i < 25 && published.size() < MAX_EVENTS; i++) {
                    published.add(
                        publisher.publish(TYPE, data, "customer-" + published.size() % 97));
                  }
                },
                0,
                25,
                TimeUnit.MILLISECONDS);

        try {
          await()
              .atMost(ROUTING_WITHIN)
              .pollInSameThread()
              .pollInterval(Duration.ZERO)
              .until(() -> tasks.poll().size() >= 1_500);
          first.destroyForcibly();
          assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
          int atKill = tasks.poll().size();
          log.info(
              "killed the router after {} tasks, {} events published so far",
              atKill,
              published.size());

          if (!twoRouters) startRouter(bootstrap, "second", "router-state");
          await()
              .atMost(BACK_WITHIN)
              .pollInSameThread()
              .pollInterval(Duration.ZERO)
              .until(() -> tasks.poll().size() >= atKill + 600);
        } finally {
          pacer.shutdownNow();
          assertThat(pacer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        publisher.flush();
        Set<String> eventIds = new HashSet<>();
        for (CompletableFuture<PublishedEvent> f : published)
          eventIds.add(f.get(30, TimeUnit.SECONDS).id());
        int events = published.size();
        assertThat(eventIds).hasSize(events).hasSizeLessThan(MAX_EVENTS);

        await()
            .atMost(Duration.ofSeconds(300))
            .pollInSameThread()
            .pollInterval(Duration.ZERO)
            .until(
                () ->
                    tasks.poll().stream().map(DeliveryTask::deliveryId).distinct().count()
                        >= (long) events * 3);
        awaitAllEventsConsumed(bootstrap);
        List<DeliveryTask> all = tasks.catchUp();

        Set<UUID> expected =
            eventIds.stream()
                .flatMap(
                    e ->
                        matching.stream()
                            .map(
                                w ->
                                    EventIdentity.deliveryId(PublisherConfig.DEFAULT_SOURCE, e, w)))
                .collect(Collectors.toSet());
        assertThat(all)
            .extracting(DeliveryTask::webhookId)
            .containsOnly(explicit, twoTypes, wildcard);
        assertThat(all.stream().map(DeliveryTask::deliveryId).collect(Collectors.toSet()))
            .as("none missing")
            .isEqualTo(expected);
        assertThat(all).as("none twice").hasSize(expected.size());
        if (other != null) assertThat(other.isAlive()).as("the other router").isTrue();
        log.info(
            twoRouters
                ? "after kill -9 of one of two routers: {} tasks"
                    + " for {} events x {} webhooks, no duplicates"
                : "after kill -9 and restart: {} tasks for {} events x {} webhooks, no duplicates",
            all.size(),
            events,
            matching.size());
      }
    }
  }

  private Process startRouter(String bootstrap, String name, String stateDir) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                RouterProcess.class.getName(),
                bootstrap,
                APP_ID,
                dir.resolve(stateDir).toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("router-" + name + ".log").toFile());
    Process process = builder.start();
    children.add(process);
    return process;
  }

  private void awaitRunning(Process process, String name) {
    Path logFile = dir.resolve("router-" + name + ".log");
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive())
                throw new AssertionError("router exited: " + Files.readString(logFile));
              return Files.readString(logFile, StandardCharsets.UTF_8).contains("-> RUNNING");
            });
  }

  /** Until the group has {@code n} members, each assigned some partitions. */
  private static void awaitMembersSharingPartitions(String bootstrap, int n) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, (Object) bootstrap))) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                var members =
                    admin
                        .describeConsumerGroups(List.of(APP_ID))
                        .all()
                        .get(10, TimeUnit.SECONDS)
                        .get(APP_ID)
                        .members();
                return members.size() == n
                    && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });
    }
  }

  /**
   * Until the router's committed offsets on the events topic reach its end: nothing left to route.
   */
  private static void awaitAllEventsConsumed(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Properties consumerProps = new Properties();
    consumerProps.put("bootstrap.servers", bootstrap);
    consumerProps.put("key.deserializer", ByteArrayDeserializer.class.getName());
    consumerProps.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (Admin admin = Admin.create(props);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      String topic = EventCatalog.load().find(TYPE).orElseThrow().topic();
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin
                        .listConsumerGroupOffsets(APP_ID)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                return partitions.stream()
                    .allMatch(
                        p -> committed.get(p) != null && committed.get(p).offset() >= end.get(p));
              });
    }
  }
}
