package dev.hookline.app.faults;

import static org.awaitility.Awaitility.await;

import dev.hookline.admin.outbox.OutboxRelay;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.router.Router;
import dev.hookline.router.RouterConfig;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.OutboxSignal;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestWebhooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hookline of its own for one fault test, so that stopping its broker or database disturbs no
 * other test: a Kafka broker and a PostgreSQL, each restartable on the same port and data
 * directory; the router in this JVM; dispatcher workers and admin-apis as child JVMs running {@code
 * hookline worker} or {@code hookline admin-api} ({@link RoleJvm}).
 */
final class FaultStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultStack.class);
  private static final Random RANDOM = new Random();
  private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();

  /** The event type every fault test publishes (its webhooks subscribe to it). */
  static final String TYPE = "payment_received";

  private final Path dir;
  private final int kafkaPort = freePort();
  private final int controllerPort = freePort();
  private final int postgresPort = freePort();
  private final String secretKey = SecretCipher.generateKey();
  private final List<RoleJvm> children = new ArrayList<>();
  private EmbeddedPostgresServer postgres;
  private EmbeddedKafka kafka;
  private Database db;
  private Router router;
  private List<PortHold> kafkaPortsHeld = List.of();
  private PortHold postgresPortHeld;
  private String externalKafka;

  private FaultStack(Path dir) {
    this.dir = dir;
  }

  /** Starts PostgreSQL and Kafka (topics provisioned) on {@code dir}; no role yet. */
  static FaultStack start(Path dir) {
    return start(new FaultStack(dir), null);
  }

  /**
   * Starts PostgreSQL on {@code dir} and provisions the topics on a Kafka cluster the caller runs
   * (replication from its size, as admin-api does); no role yet. Its Kafka cannot be stopped here.
   */
  static FaultStack startOn(Path dir, String bootstrapServers) {
    return start(new FaultStack(dir), bootstrapServers);
  }

  private static FaultStack start(FaultStack stack, String externalKafka) {
    try {
      stack.startPostgres();
      if (externalKafka == null) {
        stack.startKafka();
        TopicProvisioner.provision(stack.bootstrapServers());
      } else {
        stack.externalKafka = externalKafka;
        TopicProvisioner.provision(
            externalKafka, TopicProvisioner.DEFAULT_PARTITIONS, TopicProvisioner.FROM_CLUSTER);
      }
      stack.db =
          Database.open(
              new DatabaseConfig(
                  stack.postgres.jdbcUrl(), stack.postgres.user(), stack.postgres.password(), 4),
              SecretCipher.fromBase64Key(stack.secretKey));
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  String bootstrapServers() {
    return externalKafka != null ? externalKafka : "127.0.0.1:" + kafkaPort;
  }

  Database db() {
    return db;
  }

  /** A webhook on {@link #TYPE}; {@code retrySchedule} in seconds, null for the default. */
  UUID webhook(String name, String url, List<Integer> retrySchedule) {
    return db.webhooks()
        .create(
            TestWebhooks.newWebhook()
                .name(name)
                .url(url)
                .events(TYPE)
                .retrySchedule(retrySchedule)
                .build())
        .webhook()
        .id();
  }

  /**
   * Relays the webhooks created so far to {@code hookline.subscriptions} (as admin-api's outbox
   * relay does), then starts the router in this JVM: it loads every route before it routes.
   */
  void startRouter() {
    try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(OutboxRelay.producerProperties(bootstrapServers()));
        OutboxSignal signal = db.outboxSignal();
        OutboxRelay relay =
            OutboxRelay.builder(db.outbox(), producer)
                .reconciledBy(db.subscriptionSnapshots())
                .wokenBy(signal)
                .start()) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  Ledger.count(db, "select count(*) from outbox where published_at is null") == 0);
    }
    router =
        new Router(
            RouterConfig.defaults(bootstrapServers(), dir.resolve("router-state")),
            EventCatalog.load(),
            new SimpleMeterRegistry());
    router.start();
  }

  /**
   * Starts {@code hookline worker} in a child JVM with these JVM options and waits until it answers
   * {@code /health}.
   */
  RoleJvm startWorker(String id, String... jvmOptions) {
    return startWorker(id, Map.of(), jvmOptions);
  }

  /** {@link #startWorker(String, String...)} with these {@code HOOKLINE_*} settings added. */
  RoleJvm startWorker(String id, Map<String, String> settings, String... jvmOptions) {
    Map<String, String> env = roleEnv(id);
    env.put("HOOKLINE_WORKER_ID", id);
    env.put("HOOKLINE_ALLOWED_NETWORKS", "127.0.0.0/8");
    env.putAll(settings);
    return startRole(id, "worker", env, List.of(jvmOptions));
  }

  /**
   * Starts {@code hookline admin-api} (REST API and outbox relay) in a child JVM on {@code
   * httpPort}, with {@link #ADMIN_TOKEN}, and waits until it answers {@code /health}. Its database
   * sessions carry {@code id} as their {@code application_name}.
   */
  RoleJvm startAdminApi(String id, int httpPort) {
    Map<String, String> env = roleEnv(id);
    env.put("HOOKLINE_HTTP_PORT", Integer.toString(httpPort));
    env.put("HOOKLINE_ADMIN_TOKEN", ADMIN_TOKEN);
    return startRole(id, "admin-api", env, List.of());
  }

  /** The admin token of {@link #startAdminApi}. */
  static final String ADMIN_TOKEN = "fault-admin-token";

  /** Kafka, PostgreSQL (sessions named {@code id}), the secret key and a free HTTP port. */
  private Map<String, String> roleEnv(String id) {
    Map<String, String> env = new HashMap<>();
    env.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
    env.put("HOOKLINE_DB_URL", postgres.jdbcUrl() + "?ApplicationName=" + id);
    env.put("HOOKLINE_DB_USER", postgres.user());
    env.put("HOOKLINE_DB_PASSWORD", postgres.password());
    env.put("HOOKLINE_SECRET_KEY", secretKey);
    env.put("HOOKLINE_HTTP_PORT", Integer.toString(freePort()));
    return env;
  }

  private RoleJvm startRole(
      String id, String role, Map<String, String> env, List<String> jvmOptions) {
    RoleJvm jvm = RoleJvm.start(id, role, env, jvmOptions, dir.resolve(id + ".log"));
    children.add(jvm);
    jvm.awaitHealthy(Duration.ofSeconds(90));
    return jvm;
  }

  boolean routerRunning() {
    return router != null && router.isRunning();
  }

  /** Stops the broker cleanly (as an operator or a rolling restart would). */
  void stopKafka() {
    kafka.close();
    kafka = null;
    kafkaPortsHeld = List.of(PortHold.of(kafkaPort), PortHold.of(controllerPort));
  }

  /** Starts the broker on the same ports and data directory. */
  void startKafka() {
    kafkaPortsHeld.forEach(PortHold::close);
    kafkaPortsHeld = List.of();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort, controllerPort);
  }

  /** Stops PostgreSQL ({@code pg_ctl stop -m fast}: open sessions are cut). */
  void stopPostgres() {
    postgres.close();
    postgres = null;
    postgresPortHeld = PortHold.of(postgresPort);
  }

  /** Starts PostgreSQL on the same port and data directory. */
  void startPostgres() {
    if (postgresPortHeld != null) postgresPortHeld.close();
    postgresPortHeld = null;
    postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), postgresPort);
  }

  @Override
  public void close() {
    for (RoleJvm child : children) closeQuietly(child);
    if (router != null) closeQuietly(router);
    if (db != null) closeQuietly(db);
    if (kafka != null) closeQuietly(kafka);
    if (postgres != null) closeQuietly(postgres);
    kafkaPortsHeld.forEach(FaultStack::closeQuietly);
    if (postgresPortHeld != null) closeQuietly(postgresPortHeld);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
    }
  }

  /**
   * A free loopback port below the kernel's ephemeral range. The fault tests stop servers and start
   * them again on the same port: a port from the ephemeral range could meanwhile be handed to an
   * outgoing connection or another test's server (seen: a receiver "down" answered 404 from another
   * test's /health server); ports outside it are only ever taken on request.
   */
  static int freePort() {
    int below = ephemeralLow();
    for (int tries = 0; tries < 200; tries++) {
      int port = 10_000 + RANDOM.nextInt(below - 10_000);
      if (!ISSUED.add(port)) continue; // another test's, perhaps stopped for now
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port between 10000 and " + below);
  }

  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Math.max(11_000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return 32_768; // Linux's default; elsewhere only a likelier collision
    }
  }
}
