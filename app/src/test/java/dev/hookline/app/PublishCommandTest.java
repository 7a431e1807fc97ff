package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's refusals happen before any broker is contacted: no broker is running here. */
class PublishCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int publish(String... args) {
    Map<String, String> env = Map.of("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
    return new PublishCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(List.of(args), HooklineConfig.fromEnv(env), env);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnknownTypeExitsWithTwoAndListsTheKnownOnes() {
    assertThat(publish("payment_recieved", "--data", "{}")).isEqualTo(2);
    assertThat(errors())
        .contains("unknown event type 'payment_recieved'")
        .contains("payment_received");
  }

  @Test
  void anInvalidPayloadExitsWithTwoAndNamesEachField() {
    assertThat(publish("payment_received", "--data", "{\"payment_id\": \"twelve\"}")).isEqualTo(2);
    assertThat(errors()).contains("data.payment_id").contains("data.customer_id");
  }

  @Test
  void aMalformedTenantExitsWithTwoNamingTheOption() {
    for (String bad : List.of("", "a b", "a|b", "t".repeat(65), "ünï")) {
      err.reset();
      assertThat(publish("payment_received", "--example", "--tenant", bad)).as(bad).isEqualTo(2);
      assertThat(errors()).contains("--tenant").contains("1 to 64").contains("usage:");
    }
    assertThat(publish("payment_received", "--example", "--tenant")).isEqualTo(2);
    assertThat(errors()).contains("--tenant needs a value");
  }

  @Test
  void aValidTenantIsParsed() {
    assertThat(PublishCommand.parse(List.of("payment_received", "--example", "--tenant", "acme")))
        .extracting(PublishCommand.Arguments::tenant)
        .isEqualTo("acme");
  }

  @Test
  void malformedJsonAndBadUsageExitWithTwo() {
    assertThat(publish("payment_received", "--data", "{oops")).isEqualTo(2);
    assertThat(errors()).contains("--data is not valid JSON");
    assertThat(publish("payment_received")).isEqualTo(2);
    assertThat(errors()).contains("missing --data").contains("usage:");
    assertThat(publish("--data", "{}")).isEqualTo(2);
    assertThat(publish("a", "b", "--data", "{}")).isEqualTo(2);
    assertThat(publish("payment_received", "--data")).isEqualTo(2);
    assertThat(publish("payment_received", "--data", "{}", "--verbose")).isEqualTo(2);
    assertThat(errors()).contains("unknown option --verbose");
  }

  @Test
  void dataIsReadFromAFileWithAnAtSign(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("payment.json");
    Files.writeString(file, "{\"a\": [1, 2]}");
    assertThat(PublishCommand.readData("@" + file).get("a").get(1).asInt()).isEqualTo(2);
    assertThatThrownBy(() -> PublishCommand.readData("@" + dir.resolve("missing.json")))
        .hasMessageContaining("cannot read");
  }

  @Test
  void aRunningUpIsFoundThroughItsDataDirUnlessABrokerIsConfigured(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve(AllInOne.KAFKA_ADDRESS_FILE), "127.0.0.1:19999\n");
    Map<String, String> upOnly = Map.of("HOOKLINE_DATA_DIR", dir.toString());
    assertThat(PublishCommand.bootstrapServers(HooklineConfig.fromEnv(upOnly), upOnly))
        .isEqualTo("127.0.0.1:19999");
    Map<String, String> explicit =
        Map.of("HOOKLINE_DATA_DIR", dir.toString(), "HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", "k:9092");
    assertThat(PublishCommand.bootstrapServers(HooklineConfig.fromEnv(explicit), explicit))
        .isEqualTo("k:9092");
  }

  /** `up`'s broker takes plain connections: a configured cluster's TLS or SASL is not for it. */
  @Test
  void theKafkaConfigFileIsForTheConfiguredClusterNotForARunningUp(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve(AllInOne.KAFKA_ADDRESS_FILE), "127.0.0.1:19999\n");
    Path file = Files.writeString(dir.resolve("kafka.properties"), "security.protocol=SSL\n");
    Map<String, String> upOnly =
        Map.of("HOOKLINE_DATA_DIR", dir.toString(), "HOOKLINE_KAFKA_CONFIG_FILE", file.toString());
    HooklineConfig toUp = HooklineConfig.fromEnv(upOnly);
    assertThat(PublishCommand.kafkaProperties(toUp, upOnly, "127.0.0.1:19999")).isEmpty();
    Map<String, String> explicit = new java.util.HashMap<>(upOnly);
    explicit.put("HOOKLINE_KAFKA_BOOTSTRAP_SERVERS", "k:9093");
    HooklineConfig toCluster = HooklineConfig.fromEnv(explicit);
    assertThat(PublishCommand.kafkaProperties(toCluster, explicit, "k:9093"))
        .containsExactly(Map.entry("security.protocol", "SSL"));
  }

  @Test
  void anUnreachableBrokerIsAOneLineFailure() {
    String example =
        dev.hookline.schemas.Json.toString(
            dev.hookline.schemas.EventCatalog.load()
                .find("payment_received")
                .orElseThrow()
                .example());
    assertThat(publish("payment_received", "--data", example)).isEqualTo(1);
    assertThat(errors().strip())
        .startsWith("hookline publish: Kafka at 127.0.0.1:1 did not take the event")
        .doesNotContain("\n");
    err.reset();
    assertThat(publish("payment_received", "--example"))
        .as("the catalog example is valid")
        .isEqualTo(1);
    assertThat(errors().strip())
        .startsWith("hookline publish: Kafka at 127.0.0.1:1 did not take the event")
        .doesNotContain("\n");
  }
}
