package dev.hookline.app;

import dev.hookline.admin.AdminApi;
import dev.hookline.admin.inspector.InspectorLimits;
import dev.hookline.admin.inspector.RequestInspector;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import dev.hookline.app.embedded.PrivateFiles;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import dev.hookline.store.SecretCipher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

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
    return start(base, out, new Running());
  }

  /**
   * Starts into {@code running}, which stops everything in reverse order: the roles first, Kafka
   * and PostgreSQL last ({@link Assembly.Embedded}: neither has a shutdown hook of its own).
   */
  static Started start(HooklineConfig base, PrintStream out, Running running) {
    // before anything starts: a port taken by another `up` is named, not a fatal broker error
    Ports.requireFree(ports(base));
    try {
      Path dataDir = base.dataDir();
      // owner-only: it holds the token, the key, the database's password, every event
      PrivateFiles.createDirectory(dataDir);
      List<String> tokens =
          base.adminTokens().isEmpty()
              ? List.of(PrivateFiles.readOrCreate(dataDir.resolve(TOKEN_FILE), AllInOne::newToken))
              : base.adminTokens();
      String key =
          base.secretKey().isBlank()
              ? PrivateFiles.readOrCreate(dataDir.resolve(KEY_FILE), SecretCipher::generateKey)
              : base.secretKey();

      Assembly.Embedded embedded =
          running.add(
              Assembly.Embedded.start(
                  dataDir,
                  base.embeddedKafkaPort(),
                  base.embeddedDbPort(),
                  base.topicPartitions()));
      EmbeddedPostgresServer postgres = embedded.postgres();
      EmbeddedKafka kafka = embedded.kafka();

      List<String> allowed = new ArrayList<>(base.allowedNetworks());
      allowed.add("127.0.0.0/8");
      allowed.add("::1/128");
      HooklineConfig config =
          base.toBuilder()
              .kafkaBootstrapServers(kafka.bootstrapServers())
              .kafkaProperties(Map.of()) // its own broker takes plain connections on loopback
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
      PrivateFiles.write(
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
      RequestInspector inspector =
          new RequestInspector(
              db.webhooks(),
              InspectorLimits.builder()
                  .maxTotalBytes(config.inspectorMaxMb() * 1024L * 1024)
                  .build(),
              java.time.Clock.systemUTC());
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

  /** Every port `up` listens on, with the setting that chooses it. */
  static List<Ports.Wanted> ports(HooklineConfig config) {
    String loopback = "127.0.0.1";
    int kafka = config.embeddedKafkaPort();
    return List.of(
        new Ports.Wanted(
            config.httpBindHost(),
            config.httpPort(),
            Setting.HTTP_PORT.variable() + ", the admin API and web page"),
        new Ports.Wanted(
            loopback,
            config.embeddedDbPort(),
            Setting.EMBEDDED_DB_PORT.variable() + ", the embedded PostgreSQL"),
        new Ports.Wanted(
            loopback,
            kafka,
            Setting.EMBEDDED_KAFKA_PORT.variable() + ", the embedded Kafka broker"),
        new Ports.Wanted(
            loopback,
            kafka == 0 ? 0 : kafka + 1,
            Setting.EMBEDDED_KAFKA_PORT.variable() + " + 1, the embedded Kafka controller"));
  }
}
