package dev.hookline.bench;

import dev.hookline.app.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The admin API in a JVM of its own, started as {@code ./hookline admin-api} starts it (app's
 * {@code Main}, configured by {@code HOOKLINE_*} variables) against the bench's broker and
 * PostgreSQL, so that its CPU is its own and not the load generator's.
 */
final class AdminApiProcess implements AutoCloseable {
  private final ChildJvm jvm;
  private final int port;
  private final String token;

  private AdminApiProcess(ChildJvm jvm, int port, String token) {
    this.jvm = jvm;
    this.port = port;
    this.token = token;
  }

  static AdminApiProcess start(
      Stack stack, int partitions, List<String> extraJvmOptions, Path dataDir, Path logDir) {
    int port = freePort();
    String token = "bench-" + UUID.randomUUID();
    List<String> options = new ArrayList<>(ChildJvm.roleOptions(System.getenv()));
    options.add("-Xmx512m");
    options.addAll(extraJvmOptions);
    ChildJvm jvm =
        ChildJvm.start(
            "admin-api",
            Main.class,
            options,
            List.of("admin-api"),
            Map.of(
                "HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "HOOKLINE_DB_URL", stack.jdbcUrl(),
                "HOOKLINE_DB_USER", stack.dbUser(),
                "HOOKLINE_DB_PASSWORD", stack.dbPassword(),
                "HOOKLINE_SECRET_KEY", stack.secretKey(),
                "HOOKLINE_ADMIN_TOKEN", token,
                "HOOKLINE_HTTP_HOST", "127.0.0.1",
                "HOOKLINE_HTTP_PORT", Integer.toString(port),
                "HOOKLINE_DATA_DIR", dataDir.resolve("admin-api").toString(),
                "HOOKLINE_TOPIC_PARTITIONS", Integer.toString(partitions)),
            logDir.resolve("admin-api.log"));
    try {
      jvm.awaitLine("hookline admin-api started", Duration.ofSeconds(90));
    } catch (RuntimeException e) {
      jvm.stop(Duration.ofSeconds(1));
      throw e;
    }
    return new AdminApiProcess(jvm, port, token);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  String token() {
    return token;
  }

  long pid() {
    return jvm.pid();
  }

  /** It runs until stopped: closing stdin does nothing, so it gets a SIGTERM after a moment. */
  @Override
  public void close() {
    jvm.stop(Duration.ofMillis(100));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the admin API", e);
    }
  }
}
