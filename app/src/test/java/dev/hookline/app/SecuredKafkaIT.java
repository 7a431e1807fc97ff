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
 * A Kafka cluster that wants SASL, over plaintext or over TLS as a managed one does: {@code
 * HOOKLINE_KAFKA_CONFIG_FILE} takes every role there. The admin API, the router and the worker
 * start as {@code hookline admin-api|router|worker} start them ({@link Main#startRole}); an event
 * published through the admin API reaches a receiver and is recorded; {@code hookline status} and
 * {@code hookline publish} read and write through the same file. With a wrong password, or without
 * the truststore that trusts the broker's certificate, a role does not start. One broker serves
 * both listeners ({@link SaslKafka}).
 */
class SecuredKafkaIT {
  private static final String TOKEN = "secured-kafka-token";
  @TempDir static Path dir;
  private static SaslKafka kafka;
  private static Map<String, String> env;
  private static Map<String, String> tlsEnv;

  @BeforeAll
  static void startBroker() throws IOException {
    kafka = SaslKafka.start(dir.resolve("kafka"));
    DatabaseConfig database = TestInfra.freshDatabase();
    env = new HashMap<>();
    env.put("HOOKLINE_DATA_DIR", dir.resolve("data").toString());
    env.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put(
        "HOOKLINE_KAFKA_CONFIG_FILE",
        clientFile("client.properties", SaslKafka.clientProperties(SaslKafka.PASSWORD)));
    env.put("HOOKLINE_DB_URL", database.url());
    env.put("HOOKLINE_DB_USER", database.user());
    env.put("HOOKLINE_DB_PASSWORD", database.password());
    env.put("HOOKLINE_ADMIN_TOKEN", TOKEN);
    env.put("HOOKLINE_SECRET_KEY", SecretCipher.generateKey());
    env.put("HOOKLINE_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");
    tlsEnv = new HashMap<>(env);
    tlsEnv.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", kafka.tlsBootstrapServers());
    tlsEnv.put(
        "HOOKLINE_KAFKA_CONFIG_FILE",
        clientFile("tls-client.properties", kafka.tlsClientProperties(SaslKafka.PASSWORD)));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) kafka.close();
  }

  @Test
  void everyRoleWorksThroughTheClientPropertiesFile() throws Exception {
    everyRoleWorks(env, "payment_received");
  }

  @Test
  void everyRoleWorksOverTlsThroughTheClientPropertiesFile() throws Exception {
    // an event type of its own: the other test's webhook (its receiver gone) gets none
    everyRoleWorks(tlsEnv, "customer_created");
  }

  private static void everyRoleWorks(Map<String, String> variables, String type) throws Exception {
    int apiPort = EmbeddedKafka.freePort();
    HooklineConfig config = HooklineConfig.fromEnv(variables);
    try (Running admin = Main.startRole("admin-api", config.toBuilder().httpPort(apiPort).build());
        Running router = Main.startRole("router", config.toBuilder().httpPort(0).build());
        Running worker = Main.startRole("worker", config.toBuilder().httpPort(0).build());
        Receiver receiver = new Receiver()) {
      Api api = new Api("http://127.0.0.1:" + apiPort + "/api/v1", TOKEN);
      String webhook = api.createWebhook(receiver.url("/secured"), type, null);
      api.awaitRoutesLoaded();

      String eventId = api.publishExample(type);
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
      Output published = run(List.of("publish", type, "--data", example(type)), variables);
      assertThat(published.code()).as(published.err()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 2);
      Output status = run(List.of("status"), variables);
      assertThat(status.code()).as(status.out() + status.err()).isZero();
      assertThat(status.out()).contains("1 broker");
    }
  }

  @Test
  void aWrongPasswordStopsARoleAtStartWithOneLine() throws Exception {
    Map<String, String> wrong = new HashMap<>(env);
    wrong.put(
        "HOOKLINE_KAFKA_CONFIG_FILE",
        clientFile("wrong.properties", SaslKafka.clientProperties("not the password")));
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

  @Test
  void anUntrustedCertificateStopsARoleAtStartWithOneLine() throws Exception {
    // the TLS file without its truststore: the JDK's own CAs do not trust the broker's certificate
    Map<String, String> props = new HashMap<>(kafka.tlsClientProperties(SaslKafka.PASSWORD));
    props.keySet().removeIf(key -> key.startsWith("ssl.truststore."));
    Map<String, String> untrusted = new HashMap<>(tlsEnv);
    untrusted.put("HOOKLINE_KAFKA_CONFIG_FILE", clientFile("untrusted.properties", props));
    HooklineConfig config = HooklineConfig.fromEnv(untrusted);
    assertThatThrownBy(() -> Main.startRole("worker", config.toBuilder().httpPort(0).build()))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith(
            "Kafka at "
                + kafka.tlsBootstrapServers()
                + ": the TLS handshake failed, check ssl.truststore.* of"
                + " HOOKLINE_KAFKA_CONFIG_FILE: ")
        .hasMessageContaining("certification path")
        .hasMessageNotContaining("\n");
  }

  private record Output(int code, String out, String err) {}

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

  private static String example(String type) {
    return dev.hookline.schemas.Json.toString(
        dev.hookline.schemas.EventCatalog.load().find(type).orElseThrow().example());
  }

  private static String clientFile(String name, Map<String, String> properties) throws IOException {
    Path file = dir.resolve(name);
    String text =
        properties.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(file, text);
    return file.toString();
  }
}
