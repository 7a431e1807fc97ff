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
import java.util.stream.Stream;

/**
 * The infrastructure shared by every test of this JVM: one embedded Kafka broker (Hookline topics
 * provisioned, share group set to earliest) and one embedded PostgreSQL. Each is started on first
 * use and stopped by a shutdown hook, so test classes pay the start-up cost once.
 */
public final class TestInfra {
  private static EmbeddedKafka kafka;

  private TestInfra() {}

  /** Bootstrap servers of the shared broker, started (and provisioned) on first call. */
  public static synchronized String bootstrapServers() {
    if (kafka == null) {
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
      TopicProvisioner.provision(started.bootstrapServers());
      kafka = started;
    }
    return kafka.bootstrapServers();
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
