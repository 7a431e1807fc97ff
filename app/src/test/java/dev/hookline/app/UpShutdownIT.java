package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.app.ScriptedReceiver.Answer;
import dev.hookline.app.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hookline up} stopped by a signal (Ctrl-C, SIGTERM) stops in reverse start order: HTTP, the
 * worker, the router and the relay first, Kafka and PostgreSQL last. So a worker that is still
 * finishing an attempt on the way down records it, and removes its circuit breaker rows, on a
 * PostgreSQL that still answers. {@code up} runs in a child JVM: the order is its shutdown hooks'.
 */
class UpShutdownIT {
  private static final Pattern API_URL = Pattern.compile("Admin API:\\s+(http://\\S+/api/v1)");
  private static final String WORKER_ID = "up-shutdown-it";

  /** What a worker logs when PostgreSQL went away before it was done. */
  private static final List<String> TOO_EARLY =
      List.of(
          "could not record late attempt",
          "cannot remove this worker's circuit breaker states",
          "Failed to validate connection");

  @TempDir Path dataDir;

  @Test
  void theWorkerFinishesOnARunningPostgresqlWhenUpIsStopped() throws Exception {
    Path log = dataDir.resolve("up.log");
    Process up = startUp(log);
    try (ScriptedReceiver failing = new ScriptedReceiver().otherwise(Answer.status(500));
        ScriptedReceiver slow =
            new ScriptedReceiver().otherwise(Answer.status(200).after(Duration.ofSeconds(5)))) {
      Api api =
          new Api(awaitApiUrl(up, log), Files.readString(dataDir.resolve("admin-token")).trim());
      api.createWebhook(failing.url("/broken"), "membership_created", null);
      String hanging = api.createWebhook(slow.url("/slow"), "payment_received", null);
      api.awaitRoutesLoaded();

      // ten failures in a row open the broken webhook's circuit; the worker writes it down
      for (int i = 0; i < 10; i++) api.publishExample("membership_created");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                try (Connection c = connectToUp()) {
                  return count(c, "select count(*) from circuit_breakers") > 0;
                }
              });
      // an attempt still running when up is told to stop
      api.publishExample("payment_received");
      await().atMost(Duration.ofSeconds(60)).until(() -> !slow.received().isEmpty());

      up.destroy(); // SIGTERM, as Ctrl-C: the shutdown hooks run
      assertThat(up.waitFor(120, TimeUnit.SECONDS)).as("up stopped").isTrue();

      List<String> tooEarly =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(line -> TOO_EARLY.stream().anyMatch(line::contains))
              .toList();
      assertThat(tooEarly).as("what up logged after its PostgreSQL was gone").isEmpty();
      try (EmbeddedPostgresServer postgres =
          EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0)) {
        try (Connection c =
            DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
          assertThat(count(c, "select count(*) from circuit_breakers"))
              .as("the stopped worker's circuit breaker rows")
              .isZero();
          assertThat(
                  count(
                      c,
                      "select count(*) from deliveries where status = 'succeeded' and webhook_id = '"
                          + UUID.fromString(hanging)
                          + "'"))
              .as("the attempt that finished on the way down, recorded")
              .isEqualTo(1);
        }
      }
    } finally {
      // SIGTERM first: kill -9 would leave its PostgreSQL running
      if (up.isAlive()) up.destroy();
      if (!up.waitFor(60, TimeUnit.SECONDS)) up.destroyForcibly();
    }
  }

  private Process startUp(Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("up");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HOOKLINE_DATA_DIR", dataDir.toString());
    builder.environment().put("HOOKLINE_HTTP_PORT", "0");
    builder.environment().put("HOOKLINE_EMBEDDED_KAFKA_PORT", "0");
    builder.environment().put("HOOKLINE_EMBEDDED_DB_PORT", "0");
    builder.environment().put("HOOKLINE_WORKER_ID", WORKER_ID);
    return builder.start();
  }

  private static String awaitApiUrl(Process up, Path log) {
    return await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              String output = Files.readString(log, StandardCharsets.UTF_8);
              if (!up.isAlive()) throw new AssertionError("up exited: " + output);
              Matcher m = API_URL.matcher(output);
              return m.find() ? m.group(1) : null;
            },
            url -> url != null);
  }

  /** The running {@code up}'s PostgreSQL, from the file it writes into its data dir. */
  private Connection connectToUp() throws IOException, SQLException {
    Properties db = new Properties();
    try (InputStream in = Files.newInputStream(dataDir.resolve(AllInOne.DATABASE_FILE))) {
      db.load(in);
    }
    return DriverManager.getConnection(
        db.getProperty("url"), db.getProperty("user"), db.getProperty("password"));
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
