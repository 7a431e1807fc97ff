package dev.hookline.app;

import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The infrastructure shared by every test of this JVM: one Kafka broker (Hookline topics
 * provisioned, share group set to earliest) and one embedded PostgreSQL. Each is started on first
 * use and stopped by a shutdown hook, so test classes pay the start-up cost once. The broker is the
 * in-process one, or an {@code apache/kafka} container with {@code -Dhookline.kafka=container} when
 * Docker is reachable ({@link KafkaChoice}).
 */
public final class TestInfra {
  private static final Logger LOG = LoggerFactory.getLogger(TestInfra.class);
  private static String bootstrapServers;
  private static KafkaChoice.Decision decision;

  private TestInfra() {}

  /** Bootstrap servers of the shared broker, started (and provisioned) on first call. */
  public static synchronized String bootstrapServers() {
    if (bootstrapServers == null) {
      KafkaChoice.Decision chosen = kafkaChoice();
      String started =
          chosen.choice() == KafkaChoice.CONTAINER
              ? KafkaContainerBroker.start()
              : startInProcess();
      TopicProvisioner.provision(started);
      bootstrapServers = started;
    }
    return bootstrapServers;
  }

  /** Which broker the tests of this JVM use, decided (and logged) once. */
  static synchronized KafkaChoice.Decision kafkaChoice() {
    if (decision == null) {
      decision = decideNow();
      LOG.info(
          "integration tests run on {} ({})",
          decision.choice() == KafkaChoice.CONTAINER
              ? "an " + KafkaContainerBroker.IMAGE + " container"
              : "the in-process Kafka broker",
          decision.reason());
    }
    return decision;
  }

  /** The decision from the system property and the Docker engine as they are now. */
  static KafkaChoice.Decision decideNow() {
    return KafkaChoice.decide(
        System.getProperty(KafkaChoice.PROPERTY),
        () -> DockerClientFactory.instance().isDockerAvailable());
  }

  private static String startInProcess() {
    Path dir;
    try {
      dir = Files.createTempDirectory("hookline-test-kafka");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedKafka started = EmbeddedKafka.start(dir, 0, 0);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  started.close();
                  deleteQuietly(dir);
                },
                "test-kafka-stopper"));
    return started.bootstrapServers();
  }

  /**
   * Starts a share group of a test's own at the earliest offset (a new group starts at the latest),
   * so it reads what was written before its first member joined.
   */
  static void shareGroupFromEarliest(String group) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("share.auto.offset.reset", "earliest"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Sets a share group's {@code share.delivery.count.limit}: how often a record is handed out. */
  static void shareGroupDeliveryLimit(String group, int limit) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.GROUP, group),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("share.delivery.count.limit", Integer.toString(limit)),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** A new, empty (not migrated) database on the shared PostgreSQL. */
  public static DatabaseConfig freshDatabase() {
    return TestPostgres.freshDatabase();
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory; the JVM is exiting
    }
  }
}
