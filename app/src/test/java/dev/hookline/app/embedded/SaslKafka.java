package dev.hookline.app.embedded;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;

/**
 * A one-node KRaft broker in this JVM whose client listener wants SASL/PLAIN, as a managed cluster
 * wants SASL: user {@link #USER}, password {@link #PASSWORD}. Its own broker-to-broker and
 * controller traffic stays on plain listeners of their own.
 */
public final class SaslKafka implements AutoCloseable {
  public static final String USER = "hookline";
  public static final String PASSWORD = "s3cret for tests";

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private SaslKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  public static SaslKafka start(Path dir) {
    int saslPort = EmbeddedKafka.freePort();
    int internalPort = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    Properties p = EmbeddedKafka.brokerProperties(dir, internalPort, controllerPort);
    String controller = EmbeddedKafka.CONTROLLER_LISTENER;
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:%d,SASL_PLAINTEXT://127.0.0.1:%d,%s://127.0.0.1:%d"
            .formatted(internalPort, saslPort, controller, controllerPort));
    p.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:%d,SASL_PLAINTEXT://127.0.0.1:%d".formatted(internalPort, saslPort));
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT," + controller + ":PLAINTEXT");
    p.put("sasl.enabled.mechanisms", "PLAIN");
    p.put(
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_%s=\"%s\";"
            .formatted(USER, PASSWORD));
    KafkaConfig config = KafkaConfig.fromProps(p, false);
    KafkaStorage.formatIfNeeded(config, dir);
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    String bootstrap = "127.0.0.1:" + saslPort;
    Map<String, Object> admin = new HashMap<>(clientProperties(PASSWORD));
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin client = Admin.create(admin)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> client.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 1);
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw e;
    }
    return new SaslKafka(server, bootstrap);
  }

  /** What a client of the SASL listener needs, with this password. */
  public static Map<String, String> clientProperties(String password) {
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"%s\" password=\"%s\";"
            .formatted(USER, password));
  }

  /** The SASL listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
