package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HooklineConfigTest {

  @Test
  void everySettingHasADefaultThatParses() {
    HooklineConfig config = HooklineConfig.fromEnv(Map.of());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.kafkaBootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.adminTokens()).isEmpty();
    assertThat(config.dataDir().isAbsolute()).isTrue();
    assertThat(config.dataDir().getFileName().toString()).isEqualTo(".hookline");
    assertThat(config.workerId()).isNotBlank();
  }

  @Test
  void listsAreCommaSeparatedAndTrimmed() {
    HooklineConfig config = HooklineConfig.fromEnv(Map.of(
        "HOOKLINE_ADMIN_TOKEN", " a , b,,",
        "HOOKLINE_ALLOWED_NETWORKS", "10.0.0.0/8, ::1/128"));
    assertThat(config.adminTokens()).containsExactly("a", "b");
    assertThat(config.allowedNetworks()).containsExactly("10.0.0.0/8", "::1/128");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "HOOKLINE_HTTP_PORT|abc|must be a whole number from 0 to 65535",
      "HOOKLINE_HTTP_PORT|70000|must be a whole number from 0 to 65535",
      "HOOKLINE_DB_POOL_SIZE|0|must be a whole number from 1 to 200",
      "HOOKLINE_WORKER_CONCURRENCY|-5|must be a whole number from 1 to 10000",
      "HOOKLINE_TOPIC_PARTITIONS|many|must be a whole number from 1 to 1000",
      "HOOKLINE_EMBEDDED_KAFKA_PORT|9 092|must be a whole number",
      "HOOKLINE_DB_URL|mysql://db/hookline|must be a PostgreSQL JDBC URL",
      "HOOKLINE_KAFKA_BOOTSTRAP_SERVERS|'  '|must not be empty",
      "HOOKLINE_DB_USER|''|must not be empty",
      "HOOKLINE_ALLOWED_NETWORKS|10.0.0.0|'10.0.0.0' is not one",
      "HOOKLINE_ALLOWED_NETWORKS|10.0.0.0/33|'10.0.0.0/33' is not one",
      "HOOKLINE_ALLOWED_NETWORKS|internal.example/8|is not one",
  })
  void anInvalidValueIsAOneLineErrorNamingTheVariable(String variable, String value, String expected) {
    assertThatThrownBy(() -> HooklineConfig.fromEnv(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(variable + " ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void rolesThatNeedSecretsSayWhichVariableIsMissing() {
    HooklineConfig config = HooklineConfig.fromEnv(Map.of());
    assertThatThrownBy(config::requireAdminTokens).hasMessageStartingWith("HOOKLINE_ADMIN_TOKEN is required");
    assertThatThrownBy(config::requireSecretKey).hasMessageStartingWith("HOOKLINE_SECRET_KEY is required");
  }

  @Test
  void aSecretKeyThatIsNotThirtyTwoBytesOfBase64IsRefusedAtStart() {
    HooklineConfig config = HooklineConfig.fromEnv(Map.of("HOOKLINE_SECRET_KEY", "c2hvcnQ="));
    assertThatThrownBy(() -> Roles.database(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("HOOKLINE_SECRET_KEY: ")
        .hasMessageContaining("32 bytes");
  }
}
