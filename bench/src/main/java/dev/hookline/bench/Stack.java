package dev.hookline.bench;

import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stack the bench runs on: a real Kafka broker (KRaft, in this JVM), a real PostgreSQL
 * (zonky, its own processes), the topics as {@code hookline up} provisions them, the outbox relay,
 * and the router (in this JVM, started when a scenario needs it). Workers and the receiver are
 * separate JVMs, started by the scenarios.
 */
final class Stack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stack.class);

  private final Path dataDir;
  private final Deque<AutoCloseable> closing = new ArrayDeque<>();
  private final EventCatalog catalog = EventCatalog.load();
  private final SimpleMeterRegistry routerMetrics = new SimpleMeterRegistry();
  private final String secretKey = SecretCipher.generateKey();
  private EmbeddedPostgresServer postgres;
  private EmbeddedKafka kafka;
  private Database db;
  private Admin admin;
  private Router router;

  private Stack(Path dataDir) {
    this.dataDir = dataDir;
  }

  static Stack start(Path dataDir, int partitions) {
    Stack stack = new Stack(dataDir);
    try {
      // PostgreSQL (its own processes) starts while the broker does
      CompletableFuture<EmbeddedPostgresServer> postgres =
          CompletableFuture.supplyAsync(
              () -> EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0));
      try {
        stack.kafka = stack.add(EmbeddedKafka.start(dataDir.resolve("kafka"), 0, 0));
      } finally {
        stack.postgres = stack.add(postgres.join());
      }
      TopicProvisioner.provision(stack.kafka.bootstrapServers(), partitions, (short) 1);
      stack.db =
          stack.add(
              Database.open(
                  new DatabaseConfig(
                      stack.postgres.jdbcUrl(),
                      stack.postgres.user(),
                      stack.postgres.password(),
                      10),
                  SecretCipher.fromBase64Key(stack.secretKey)));
      KafkaProducer<String, String> relayProducer =
          stack.add(
              new KafkaProducer<>(OutboxRelay.producerProperties(stack.kafka.bootstrapServers())));
      stack.add(OutboxRelay.builder(stack.db.outbox(), relayProducer).start());
      stack.admin =
          stack.add(
              Admin.create(
                  Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers())));
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T add(T resource) {
    closing.push(resource);
    return resource;
  }

  /** Starts the router (wired as app's {@code Roles.router}) unless it runs. */
  synchronized void ensureRouter() {
    if (router != null) return;
    router =
        new Router(
            RouterConfig.defaults(bootstrapServers(), dataDir.resolve("router-state")),
            catalog,
            routerMetrics);
    router.start();
  }

  /** Stops the router, e.g. so that it does not compete with a publishing measurement. */
  synchronized void stopRouter() {
    if (router == null) return;
    router.close();
    router = null;
  }

  /** Events the router has routed so far (its {@code hookline.router.events} counter). */
  double routedEvents() {
    return counter("hookline.router.events");
  }

  /** Delivery tasks the router has emitted so far ({@code hookline.router.delivery.tasks}). */
  double routedTasks() {
    return counter("hookline.router.delivery.tasks");
  }

  private double counter(String name) {
    Counter c = routerMetrics.find(name).counter();
    return c == null ? 0 : c.count();
  }

  /** Members of the dispatchers' share group, or -1 when Kafka does not say. */
  int shareGroupMembers() {
    try {
      return admin
          .describeShareGroups(List.of(Topics.DISPATCHER_SHARE_GROUP))
          .all()
          .get(10, TimeUnit.SECONDS)
          .get(Topics.DISPATCHER_SHARE_GROUP)
          .members()
          .size();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Delivery tasks on {@code hookline.deliveries} the share group has not acknowledged yet, or -1
   * when Kafka does not say.
   */
  long shareGroupLag() {
    try {
      Map<TopicPartition, SharePartitionOffsetInfo> offsets =
          admin
              .listShareGroupOffsets(
                  Map.of(Topics.DISPATCHER_SHARE_GROUP, new ListShareGroupOffsetsSpec()))
              .partitionsToOffsetInfo(Topics.DISPATCHER_SHARE_GROUP)
              .get(10, TimeUnit.SECONDS);
      long lag = 0;
      List<TopicPartition> untouched = new java.util.ArrayList<>();
      for (Map.Entry<TopicPartition, SharePartitionOffsetInfo> e : offsets.entrySet()) {
        SharePartitionOffsetInfo info = e.getValue();
        if (info == null) {
          untouched.add(e.getKey()); // no share state yet: the group never fetched from it
        } else if (info.lag().isEmpty()) {
          return -1;
        } else {
          lag += info.lag().get();
        }
      }
      // an untouched partition's lag is every record on it
      if (!untouched.isEmpty()) {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
        untouched.forEach(
            tp -> {
              latest.put(tp, OffsetSpec.latest());
              earliest.put(tp, OffsetSpec.earliest());
            });
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        for (TopicPartition tp : untouched) lag += ends.get(tp).offset() - starts.get(tp).offset();
      }
      return lag;
    } catch (Exception e) {
      log.warn("share group lag unknown: {}", e.toString());
      return -1;
    }
  }

  EventPublisher newPublisher(String source) {
    return EventPublisher.create(
        PublisherConfig.builder(bootstrapServers()).source(source).build(), catalog);
  }

  EventCatalog catalog() {
    return catalog;
  }

  Database db() {
    return db;
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  String dbUser() {
    return postgres.user();
  }

  String dbPassword() {
    return postgres.password();
  }

  String secretKey() {
    return secretKey;
  }

  /** The postmaster's pid (its backends are its children), or -1. */
  long postgresPid() {
    try {
      List<String> lines =
          Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
      return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    stopRouter();
    while (!closing.isEmpty()) {
      try {
        closing.pop().close();
      } catch (Exception e) {
        log.warn("closing the bench stack: {}", e.toString());
      }
    }
  }
}
