package dev.hookline.bench;

import dev.hookline.app.Assembly;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded stack the bench runs on, assembled by app's {@code Assembly} as {@code hookline up}
 * assembles it: a real Kafka broker (KRaft, in this JVM), a real PostgreSQL (zonky, its own
 * processes), the topics, the outbox relay, and the router (in this JVM, started when a scenario
 * needs it). Workers ({@link WorkerMain}) and the receiver are separate JVMs, started by the
 * scenarios.
 */
final class Stack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stack.class);

  private final Path dataDir;
  private final Deque<AutoCloseable> closing = new ArrayDeque<>();
  private final EventCatalog catalog = EventCatalog.load();
  private final SimpleMeterRegistry routerMetrics = new SimpleMeterRegistry();
  private final String secretKey = SecretCipher.generateKey();
  private Assembly.Embedded embedded;
  private Database db;
  private Admin admin;
  private Router router;
  private final Thread stopper = new Thread(this::close, "bench-stack-stopper");

  private Stack(Path dataDir) {
    this.dataDir = dataDir;
  }

  static Stack start(Path dataDir, int partitions) {
    Stack stack = new Stack(dataDir);
    try {
      stack.embedded = stack.add(Assembly.Embedded.start(dataDir, 0, 0, partitions));
      stack.db =
          stack.add(
              Database.open(
                  new DatabaseConfig(
                      stack.jdbcUrl(), stack.dbUser(), stack.dbPassword(), WorkerMain.DB_POOL_SIZE),
                  SecretCipher.fromBase64Key(stack.secretKey)));
      stack.add(Assembly.relay(stack.db, stack.bootstrapServers(), Map.of()));
      stack.admin =
          stack.add(
              Admin.create(
                  Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers())));
      // a Ctrl-C stops the stack too, PostgreSQL last (it has no shutdown hook of its own)
      Runtime.getRuntime().addShutdownHook(stack.stopper);
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

  /** Starts the router (app's {@code Assembly.router}) unless it runs. */
  synchronized void ensureRouter() {
    if (router != null) return;
    router =
        Assembly.router(
            bootstrapServers(),
            Map.of(),
            dataDir.resolve("router-state"),
            null,
            RouterConfig.DEFAULT_DEDUPLICATION_WINDOW,
            RouterConfig.FROM_CLUSTER,
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
      return Assembly.shareGroup(admin, Duration.ofSeconds(10)).members();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Delivery tasks on {@code hookline.deliveries} the share group has not acknowledged yet, as
   * {@code hookline status} counts them, or -1 when Kafka does not say.
   */
  long shareGroupLag() {
    try {
      return Assembly.shareGroup(admin, Duration.ofSeconds(10)).lag();
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
    return embedded.bootstrapServers();
  }

  String jdbcUrl() {
    return embedded.postgres().jdbcUrl();
  }

  String dbUser() {
    return embedded.postgres().user();
  }

  String dbPassword() {
    return embedded.postgres().password();
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
  public synchronized void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException e) {
      // the JVM is stopping: this is the hook
    }
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
