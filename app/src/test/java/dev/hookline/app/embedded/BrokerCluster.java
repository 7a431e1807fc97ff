package dev.hookline.app.embedded;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka brokers (KRaft, each broker and controller, a quorum of three), each a child JVM
 * running {@code kafka.Kafka} so a test can {@code kill -9} one and start it again on the same
 * ports and data. Kafka's internal topics (offsets, transactions, share-group state) have three
 * replicas and {@code min.insync.replicas} 2; other topics get what their creator asks for.
 */
public final class BrokerCluster implements AutoCloseable {
  public static final int SIZE = 3;

  private final Path dir;
  private final int[] ports;
  private final int[] controllerPorts;
  private final Process[] processes = new Process[SIZE];

  private BrokerCluster(Path dir, IntSupplier freePort) {
    this.dir = dir;
    this.ports = IntStream.range(0, SIZE).map(i -> freePort.getAsInt()).toArray();
    this.controllerPorts = IntStream.range(0, SIZE).map(i -> freePort.getAsInt()).toArray();
  }

  /** Formats and starts the three brokers in {@code dir}, and waits until all three answer. */
  public static BrokerCluster start(Path dir, IntSupplier freePort) {
    BrokerCluster cluster = new BrokerCluster(dir, freePort);
    try {
      String clusterId = Uuid.randomUuid().toString();
      for (int node = 1; node <= SIZE; node++) {
        cluster.format(node, clusterId);
        cluster.startBroker(node);
      }
      cluster.awaitBrokers(SIZE);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return IntStream.of(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** {@code kill -9} of broker {@code node} (1 to 3): no controlled shutdown, no flush. */
  public void kill(int node) throws InterruptedException {
    Process p = processes[node - 1];
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS))
      throw new IllegalStateException("broker " + node + " survived kill -9");
  }

  /** Starts broker {@code node} again on its ports and data directory. */
  public void restart(int node) {
    startBroker(node);
  }

  /** Waits until {@code n} brokers are registered and answer. */
  public void awaitBrokers(int n) {
    try (Admin admin = admin()) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == n);
    }
  }

  /** An admin client on the whole cluster. */
  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
  }

  private Properties properties(int node) {
    Path data = dir.resolve("kafka-" + node);
    Properties p = EmbeddedKafka.brokerProperties(data, ports[node - 1], controllerPorts[node - 1]);
    p.put("node.id", String.valueOf(node));
    p.put(
        "controller.quorum.voters",
        IntStream.rangeClosed(1, SIZE)
            .mapToObj(i -> i + "@127.0.0.1:" + controllerPorts[i - 1])
            .collect(Collectors.joining(",")));
    // Kafka's internal topics as a production cluster has them; the topics' own defaults stay
    // Kafka's (default.replication.factor 1, min.insync.replicas 1), so Hookline's provisioning
    // is what gives its topics three replicas and two in sync.
    for (String key :
        List.of(
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "share.coordinator.state.topic.replication.factor")) p.put(key, String.valueOf(SIZE));
    for (String key :
        List.of("transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr"))
      p.put(key, "2");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // a killed broker is noticed within seconds, not the default 9 s
    p.put("broker.session.timeout.ms", "6000");
    p.put("broker.heartbeat.interval.ms", "1000");
    return p;
  }

  private void format(int node, String clusterId) {
    Properties props = properties(node);
    KafkaStorage.format(
        KafkaConfig.fromProps(props, false),
        Path.of(props.getProperty("log.dirs")),
        node,
        clusterId);
  }

  private void startBroker(int node) {
    Path config = dir.resolve("broker-" + node + ".properties");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("kafka.Kafka");
    command.add(config.toString());
    try (OutputStream out = Files.newOutputStream(config)) {
      properties(node).store(out, "broker " + node);
      processes[node - 1] =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("broker-" + node + ".log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start broker " + node, e);
    }
  }

  /** Stops every broker that runs (SIGTERM, then {@code kill -9} after 30 s). */
  @Override
  public void close() {
    for (Process p : processes) if (p != null) p.destroy();
    for (Process p : processes) {
      if (p == null) continue;
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
