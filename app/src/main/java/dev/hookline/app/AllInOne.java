package dev.hookline.app;

import dev.hookline.admin.AdminApi;
import dev.hookline.admin.inspector.RequestInspector;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import dev.hookline.app.embedded.TopicProvisioner;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import dev.hookline.store.SecretCipher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code hookline up}: an embedded Kafka broker and PostgreSQL under the data dir, and every role
 * in this one process. The admin token and the encryption key are generated on the first start and
 * kept in the data dir, so a restart keeps working with the same webhooks.
 */
final class AllInOne {
  static final String KAFKA_ADDRESS_FILE = "kafka-bootstrap";

  /** The embedded database's URL, user and password (properties), for {@code hookline status}. */
  static final String DATABASE_FILE = "database";

  static final String TOKEN_FILE = "admin-token";
  static final String KEY_FILE = "secret-key";

  record Started(Running running, HooklineConfig config, AdminApi adminApi) {}

  static Started start(HooklineConfig base, PrintStream out) {
    Running running = new Running();
    try {
      Path dataDir = base.dataDir();
      Files.createDirectories(dataDir);
      List<String> tokens =
          base.adminTokens().isEmpty()
              ? List.of(readOrCreate(dataDir.resolve(TOKEN_FILE), AllInOne::newToken))
              : base.adminTokens();
      String key =
          base.secretKey().isBlank()
              ? readOrCreate(dataDir.resolve(KEY_FILE), SecretCipher::generateKey)
              : base.secretKey();

      EmbeddedPostgresServer postgres =
          running.add(
              EmbeddedPostgresServer.start(dataDir.resolve("postgres"), base.embeddedDbPort()));
      int controllerPort = base.embeddedKafkaPort() == 0 ? 0 : base.embeddedKafkaPort() + 1;
      EmbeddedKafka kafka =
          running.add(
              EmbeddedKafka.start(
                  dataDir.resolve("kafka"), base.embeddedKafkaPort(), controllerPort));
      TopicProvisioner.provision(kafka.bootstrapServers(), base.topicPartitions(), (short) 1);

      List<String> allowed = new ArrayList<>(base.allowedNetworks());
      allowed.add("127.0.0.0/8");
      allowed.add("::1/128");
      HooklineConfig config =
          base.toBuilder()
              .kafkaBootstrapServers(kafka.bootstrapServers())
              .dbUrl(postgres.jdbcUrl())
              .dbUser(postgres.user())
              .dbPassword(postgres.password())
              .adminTokens(tokens)
              .secretKey(key)
              .allowedNetworks(List.copyOf(allowed))
              .build()
              .withUpDefaults();

      Path marker = dataDir.resolve(KAFKA_ADDRESS_FILE);
      Files.writeString(marker, kafka.bootstrapServers());
      running.add(() -> Files.deleteIfExists(marker));
      Path database = dataDir.resolve(DATABASE_FILE);
      writePrivate(
          database,
          "url="
              + postgres.jdbcUrl()
              + "\nuser="
              + postgres.user()
              + "\npassword="
              + postgres.password()
              + "\n");
      running.add(() -> Files.deleteIfExists(database));

      EventCatalog catalog = EventCatalog.load();
      PrometheusMeterRegistry metrics = Roles.metrics();
      Database db = running.add(Roles.database(config));
      Roles.router(config, catalog, metrics, running);
      Roles.worker(config, db, metrics, running);
      // the local request inspector exists only here, where loopback targets are allow-listed
      RequestInspector inspector = new RequestInspector(db.webhooks());
      AdminApi api = Roles.adminApi(config, db, catalog, metrics, inspector.routes(), running);

      String url = "http://" + urlHost(config.httpBindHost()) + ":" + api.port();
      out.println();
      out.println("Hookline is up.");
      out.println("  Web page:   " + url + "/   (request inspector: /#/inspector)");
      out.println("  Admin API:  " + url + "/api/v1");
      out.println(
          "  Token:      "
              + tokens.get(0)
              + (base.adminTokens().isEmpty()
                  ? "   (kept in " + dataDir.resolve(TOKEN_FILE) + ")"
                  : ""));
      out.println(
          "  Kafka:      " + kafka.bootstrapServers() + "   PostgreSQL: " + postgres.jdbcUrl());
      out.println("Ctrl-C stops it; data stays in " + dataDir);
      return new Started(running, config, api);
    } catch (IOException e) {
      running.close();
      throw new StartupException(
          "cannot use the data dir "
              + base.dataDir()
              + " ("
              + Setting.DATA_DIR.variable()
              + "): "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  /** A URL host for the bound interface; the wildcard is reached through loopback. */
  static String urlHost(String bindHost) {
    if (bindHost.equals("0.0.0.0") || bindHost.equals("::")) return "127.0.0.1";
    return bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
  }

  private static String newToken() {
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    return "hl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static String readOrCreate(Path file, java.util.function.Supplier<String> generator) {
    try {
      if (Files.isRegularFile(file)) {
        String value = Files.readString(file).trim();
        if (!value.isEmpty()) return value;
      }
      String value = generator.get();
      writePrivate(file, value + "\n");
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a file only its owner may read (where the file system has POSIX permissions). */
  private static void writePrivate(Path file, String content) throws IOException {
    Files.writeString(file, content);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the file stays readable by its owner's defaults
    }
  }
}
