package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.app.embedded.EmbeddedKafka;
import dev.hookline.app.embedded.SaslKafka;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka cluster that wants SASL, as a managed one does: {@code HOOKLINE_KAFKA_CONFIG_FILE} takes
 * every role there. The admin API, the router and the worker start as {@code hookline
 * admin-api|router|worker} start them ({@link Main#startRole}); an event published through the
 * admin API reaches a receiver and is recorded; {@code hookline status} and {@code hookline
 * publish} read and write through the same file. With a wrong password, a role does not start.
 */
class SecuredKafkaIT {
  private static final String TOKEN = "secured-kafka-token";
  @TempDir static Path dir;
  private static SaslKafka kafka;
  private static Map<String, String> env;

  @BeforeAll
  static void startBroker() throws IOException {
    kafka = SaslKafka.start(dir.resolve("kafka"));
    DatabaseConfig database = TestInfra.freshDatabase();
    env = new HashMap<>();
    env.put("HOOKLINE_DATA_DIR", dir.resolve("data").toString());
    env.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("HOOKLINE_KAFKA_CONFIG_FILE", clientFile("client.properties", SaslKafka.PASSWORD));
    env.put("HOOKLINE_DB_URL", database.url());
    env.put("HOOKLINE_DB_USER", database.user());
    env.put("HOOKLINE_DB_PASSWORD", database.password());
    env.put("HOOKLINE_ADMIN_TOKEN", TOKEN);
    env.put("HOOKLINE_SECRET_KEY", SecretCipher.generateKey());
    env.put("HOOKLINE_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) kafka.close();
  }

  @Test
  void everyRoleWorksThroughTheClientPropertiesFile() throws Exception {
    int apiPort = EmbeddedKafka.freePort();
    HooklineConfig config = HooklineConfig.fromEnv(env);
    try (Running admin = Main.startRole("admin-api", config.toBuilder().httpPort(apiPort).build());
        Running router = Main.startRole("router", config.toBuilder().httpPort(0).build());
        Running worker = Main.startRole("worker", config.toBuilder().httpPort(0).build());
        Receiver receiver = new Receiver()) {
      Api api = new Api("http://127.0.0.1:" + apiPort + "/api/v1", TOKEN);
      String webhook = api.createWebhook(receiver.url("/secured"), "payment_received", null);
      api.awaitRoutesLoaded();

      String eventId = api.publishExample("payment_received");
      await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.receivedFor(eventId).isEmpty());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode deliveries = api.deliveries(webhook);
                assertThat(deliveries).hasSize(1);
                assertThat(deliveries.get(0).get("status").asText()).isEqualTo("succeeded");
              });

      // the CLI's publisher and status reader go through the same file
      Output published = run(List.of("publish", "payment_received", "--data", example()));
      assertThat(published.code()).as(published.err()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 2);
      Output status = run(List.of("status"));
      assertThat(status.code()).as(status.out() + status.err()).isZero();
      assertThat(status.out()).contains("1 broker");
    }
  }

  @Test
  void aWrongPasswordStopsARoleAtStartWithOneLine() throws Exception {
    Map<String, String> wrong = new HashMap<>(env);
    wrong.put("HOOKLINE_KAFKA_CONFIG_FILE", clientFile("wrong.properties", "not the password"));
    HooklineConfig config = HooklineConfig.fromEnv(wrong);
    assertThatThrownBy(() -> Main.startRole("router", config.toBuilder().httpPort(0).build()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("refused the credentials of HOOKLINE_KAFKA_CONFIG_FILE")
        .hasMessageContaining("Authentication failed");
    // and without the file at all the broker is not reached either
    Map<String, String> none = new HashMap<>(env);
    none.remove("HOOKLINE_KAFKA_CONFIG_FILE");
    Output status = run(List.of("status"), none);
    assertThat(status.code()).isNotZero();
  }

  private record Output(int code, String out, String err) {}

  private static Output run(List<String> args) {
    return run(args, env);
  }

  private static Output run(List<String> args, Map<String, String> variables) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            variables,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Output(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String example() {
    return dev.hookline.schemas.Json.toString(
        dev.hookline.schemas.EventCatalog.load().find("payment_received").orElseThrow().example());
  }

  private static String clientFile(String name, String password) throws IOException {
    Path file = dir.resolve(name);
    String text =
        SaslKafka.clientProperties(password).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(file, text);
    return file.toString();
  }
}
