package dev.hookline.app.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker (KRaft combined mode: broker and controller in one node) running
 * inside this JVM, from the Kafka server jars. It keeps its data in {@code dataDir}: a broker
 * started again on the same directory still has its topics and records.
 *
 * <p>Used by {@code ./hookline up} and the integration tests; production runs a real cluster.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration READY_DEADLINE = Duration.ofSeconds(30);
  private static final AtomicBoolean EXIT_GUARD_INSTALLED = new AtomicBoolean();

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts a broker on {@code dataDir} (formatted on first use) and waits until it answers.
   *
   * @param port the client (PLAINTEXT) port, or 0 for a free one
   * @param controllerPort the KRaft controller port, or 0 for a free one
   * @throws IllegalStateException if the broker does not start or does not answer within 30 s
   */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
    Objects.requireNonNull(dataDir, "dataDir");
    checkPort(port, "port");
    checkPort(controllerPort, "controllerPort");
    installExitGuard();
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka data directory " + dir, e);
    }
    int clientPort = port == 0 ? freePort() : port;
    int cport = controllerPort == 0 ? freePort() : controllerPort;
    if (clientPort == cport)
      throw new IllegalArgumentException("port and controllerPort must differ");

    long began = System.nanoTime();
    KafkaConfig config = KafkaConfig.fromProps(brokerProperties(dir, clientPort, cport), false);
    KafkaStorage.formatIfNeeded(config, dir);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    String bootstrap = "127.0.0.1:" + clientPort;
    try {
      server.startup();
      awaitReady(bootstrap);
    } catch (RuntimeException e) {
      // Free the ports and the log directory lock so the caller can retry.
      stopQuietly(server);
      throw new IllegalStateException(
          "embedded Kafka did not start on " + dir + ": " + e.getMessage(), e);
    }
    LOG.info(
        "Embedded Kafka ready at {} (data {}) in {} ms",
        bootstrap,
        dir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    return new EmbeddedKafka(server, bootstrap);
  }

  /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Shuts the broker down cleanly (flushes logs, writes the clean-shutdown marker) and waits. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      long began = System.nanoTime();
      server.shutdown();
      server.awaitShutdown();
      LOG.info(
          "Embedded Kafka at {} stopped in {} ms",
          bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }
  }

  static Properties brokerProperties(Path dir, int port, int controllerPort) {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", String.valueOf(NODE_ID)),
            Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
            Map.entry(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                    + port
                    + ","
                    + CONTROLLER_LISTENER
                    + "://127.0.0.1:"
                    + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("controller.listener.names", CONTROLLER_LISTENER),
            Map.entry(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
            Map.entry("log.dirs", dir.toString()),
            // One broker: every internal topic must live with one replica, or Streams
            // exactly_once_v2
            // hangs in InitProducerId and share groups never start (NOTES.md).
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "5"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "5"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.num.partitions", "5"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("num.partitions", "1"),
            // Snappy group membership for a developer machine and tests: members learn of new
            // assignments on their next heartbeat, 5 s by default; a second is plenty on one node.
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("group.streams.initial.rebalance.delay.ms", "0"),
            Map.entry("group.share.min.heartbeat.interval.ms", "1000"),
            Map.entry("group.share.heartbeat.interval.ms", "1000"),
            Map.entry("group.consumer.min.heartbeat.interval.ms", "1000"),
            Map.entry("group.consumer.heartbeat.interval.ms", "1000"),
            Map.entry("group.streams.min.heartbeat.interval.ms", "1000"),
            Map.entry("group.streams.heartbeat.interval.ms", "1000"),
            // Small footprint for a laptop: 16 MiB segments, a week of retention, a small cleaner
            // buffer.
            Map.entry("log.segment.bytes", String.valueOf(16 * 1024 * 1024)),
            Map.entry("log.retention.hours", "168"),
            Map.entry("log.retention.check.interval.ms", "300000"),
            Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)),
            Map.entry("num.network.threads", "2"),
            Map.entry("num.io.threads", "4"),
            Map.entry("num.recovery.threads.per.data.dir", "1")));
    return p;
  }

  private static void awaitReady(String bootstrap) {
    long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
    Map<String, Object> props =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    Exception last = null;
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) return;
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        pause();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
    throw new IllegalStateException(
        "Kafka at " + bootstrap + " did not answer within " + READY_DEADLINE, last);
  }

  private static void pause() throws InterruptedException {
    // A readiness poll interval, not a wait for an outcome.
    TimeUnit.MILLISECONDS.sleep(100);
  }

  /**
   * Kafka calls {@code Exit.exit/halt} on fatal errors (e.g. a corrupt log dir). In-process that
   * would kill the whole Hookline JVM (or the test JVM) without a word; throw instead so the error
   * surfaces in the thread that hit it and gets logged.
   */
  private static void installExitGuard() {
    if (EXIT_GUARD_INSTALLED.compareAndSet(false, true)) {
      Exit.setExitProcedure(
          (status, message) -> {
            LOG.error("Embedded Kafka asked to exit the JVM (status {}): {}", status, message);
            throw new IllegalStateException(
                "embedded Kafka fatal error (exit " + status + "): " + message);
          });
      Exit.setHaltProcedure(
          (status, message) -> {
            LOG.error("Embedded Kafka asked to halt the JVM (status {}): {}", status, message);
            throw new IllegalStateException(
                "embedded Kafka fatal error (halt " + status + "): " + message);
          });
    }
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Error while stopping a broker that failed to start", e);
    }
  }

  private static void checkPort(int port, String name) {
    if (port < 0 || port > 65_535)
      throw new IllegalArgumentException(name + " must be 0..65535, was " + port);
  }

  /** A port free on loopback now (for a broker, or a test's server, to bind next). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
