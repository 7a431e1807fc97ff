package dev.hookline.app.embedded;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * A one-node KRaft broker in this JVM whose client listeners want SASL/PLAIN, as a managed cluster
 * wants SASL: user {@link #USER}, password {@link #PASSWORD}. One listener takes it over plaintext
 * ({@code SASL_PLAINTEXT}, {@link #bootstrapServers()}), the other over TLS ({@code SASL_SSL},
 * {@link #tlsBootstrapServers()}, what MSK, Confluent Cloud and Aiven want) with a self-signed
 * certificate for {@code 127.0.0.1} made at start ({@link SelfSignedStores}). Its own
 * broker-to-broker and controller traffic stays on plain listeners of their own.
 */
public final class SaslKafka implements AutoCloseable {
  public static final String USER = "hookline";
  public static final String PASSWORD = "s3cret for tests";

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final String tlsBootstrapServers;
  private final SelfSignedStores stores;

  private SaslKafka(
      KafkaRaftServer server,
      String bootstrapServers,
      String tlsBootstrapServers,
      SelfSignedStores stores) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.tlsBootstrapServers = tlsBootstrapServers;
    this.stores = stores;
  }

  /**
   * Starts the broker: its log in {@code root/log}, its keystore and truststore in {@code
   * root/tls}.
   */
  public static SaslKafka start(Path root) {
    SelfSignedStores stores = SelfSignedStores.create(createDirectories(root.resolve("tls")));
    int saslPort = EmbeddedKafka.freePort();
    int tlsPort = EmbeddedKafka.freePort();
    int internalPort = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    Path dir = root.resolve("log");
    Properties p = EmbeddedKafka.brokerProperties(dir, internalPort, controllerPort);
    String controller = EmbeddedKafka.CONTROLLER_LISTENER;
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:%d,SASL_PLAINTEXT://127.0.0.1:%d,SASL_SSL://127.0.0.1:%d,%s://127.0.0.1:%d"
            .formatted(internalPort, saslPort, tlsPort, controller, controllerPort));
    p.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:%d,SASL_PLAINTEXT://127.0.0.1:%d,SASL_SSL://127.0.0.1:%d"
            .formatted(internalPort, saslPort, tlsPort));
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,"
            + controller
            + ":PLAINTEXT");
    p.put("sasl.enabled.mechanisms", "PLAIN");
    String users =
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_%s=\"%s\";"
            .formatted(USER, PASSWORD);
    p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", users);
    p.put("listener.name.sasl_ssl.plain.sasl.jaas.config", users);
    p.put("listener.name.sasl_ssl.ssl.keystore.location", stores.keystore().toString());
    p.put("listener.name.sasl_ssl.ssl.keystore.password", stores.password());
    p.put("listener.name.sasl_ssl.ssl.key.password", stores.password());
    p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
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
    return new SaslKafka(server, bootstrap, "127.0.0.1:" + tlsPort, stores);
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a client of the SASL_PLAINTEXT listener needs, with this password. */
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

  /**
   * What a client of the SASL_SSL listener needs, with this password: TLS with the broker's
   * certificate in its truststore, Kafka's default host check ({@code
   * ssl.endpoint.identification.algorithm=https}) left on.
   */
  public Map<String, String> tlsClientProperties(String password) {
    Map<String, String> props = new HashMap<>(clientProperties(password));
    props.put("security.protocol", "SASL_SSL");
    props.put("ssl.truststore.location", stores.truststore().toString());
    props.put("ssl.truststore.password", stores.password());
    props.put("ssl.truststore.type", "PKCS12");
    return Map.copyOf(props);
  }

  /** The SASL_PLAINTEXT listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The SASL_SSL listener. */
  public String tlsBootstrapServers() {
    return tlsBootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
