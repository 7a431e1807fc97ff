package dev.hookline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.worker.Isolation;
import dev.hookline.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    HooklineConfig config =
        HooklineConfig.fromEnv(
            Map.of(
                "HOOKLINE_ADMIN_TOKEN", " a , b,,",
                "HOOKLINE_ALLOWED_NETWORKS", "10.0.0.0/8, ::1/128"));
    assertThat(config.adminTokens()).containsExactly("a", "b");
    assertThat(config.allowedNetworks()).containsExactly("10.0.0.0/8", "::1/128");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
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
  void anInvalidValueIsAOneLineErrorNamingTheVariable(
      String variable, String value, String expected) {
    assertThatThrownBy(() -> HooklineConfig.fromEnv(Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(variable + " ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** Settings whose every value is valid: free text. */
  private static final java.util.Set<Setting> FREE_TEXT =
      java.util.EnumSet.of(Setting.DB_PASSWORD, Setting.WORKER_ID);

  /**
   * How far a process gets before it reads the setting: parsing, or the check of the role that
   * needs it.
   */
  private enum Check {
    PARSE,
    ADMIN_TOKENS,
    SECRET_KEY
  }

  private record Invalid(Setting setting, String value, Check check, String expected) {}

  /** At least one invalid value for every setting that can have one. */
  private static final List<Invalid> INVALID =
      List.of(
          new Invalid(Setting.KAFKA_BOOTSTRAP_SERVERS, " ", Check.PARSE, "must not be empty"),
          new Invalid(
              Setting.DB_URL,
              "postgres://db/hookline",
              Check.PARSE,
              "must be a PostgreSQL JDBC URL"),
          new Invalid(Setting.DB_URL, "", Check.PARSE, "must not be empty"),
          new Invalid(
              Setting.DB_URL,
              "mysql://a\nHOOKLINE started fine",
              Check.PARSE,
              "was 'mysql://a\\u000aHOOKLINE"),
          new Invalid(Setting.HTTP_PORT, "8\n0", Check.PARSE, "was '8\\u000a0'"),
          new Invalid(Setting.DB_USER, "", Check.PARSE, "must not be empty"),
          new Invalid(
              Setting.DB_POOL_SIZE, "201", Check.PARSE, "must be a whole number from 1 to 200"),
          new Invalid(
              Setting.HTTP_PORT, "-1", Check.PARSE, "must be a whole number from 0 to 65535"),
          new Invalid(Setting.ADMIN_TOKEN, " , ", Check.ADMIN_TOKENS, "is required"),
          new Invalid(Setting.SECRET_KEY, "c2hvcnQ=", Check.SECRET_KEY, "must be 32 bytes"),
          new Invalid(Setting.SECRET_KEY, "not base64!", Check.SECRET_KEY, "not valid base64"),
          new Invalid(
              Setting.SECRET_KEY,
              "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=,",
              Check.SECRET_KEY,
              "key 2 of 2 is empty"),
          new Invalid(
              Setting.SECRET_KEY,
              "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=,c2hvcnQ=",
              Check.SECRET_KEY,
              "key 2 of 2 must be 32 bytes"),
          new Invalid(
              Setting.KAFKA_CONFIG_FILE,
              "/nonexistent/hookline-kafka.properties",
              Check.PARSE,
              "no such file '/nonexistent/hookline-kafka.properties'"),
          new Invalid(Setting.KAFKA_CONFIG_FILE, "a\u0000b", Check.PARSE, "is not a valid path"),
          new Invalid(Setting.DATA_DIR, "  ", Check.PARSE, "must not be empty"),
          new Invalid(Setting.DATA_DIR, "a\u0000b", Check.PARSE, "is not a valid path"),
          new Invalid(
              Setting.EMBEDDED_KAFKA_PORT,
              "65536",
              Check.PARSE,
              "must be a whole number from 0 to 65535"),
          new Invalid(
              Setting.EMBEDDED_DB_PORT,
              "5432x",
              Check.PARSE,
              "must be a whole number from 0 to 65535"),
          new Invalid(
              Setting.WORKER_CONCURRENCY,
              "10001",
              Check.PARSE,
              "must be a whole number from 1 to 10000"),
          new Invalid(
              Setting.WORKER_BREAKER_COOLDOWN_SECONDS,
              "30s",
              Check.PARSE,
              "must be a whole number from 1 to 3600, was '30s'"),
          new Invalid(
              Setting.WORKER_BREAKER_COOLDOWN_SECONDS,
              "0",
              Check.PARSE,
              "must be a whole number from 1 to 3600"),
          new Invalid(
              Setting.WORKER_BREAKER_COOLDOWN_SECONDS,
              "-5",
              Check.PARSE,
              "must be a whole number from 1 to 3600"),
          new Invalid(
              Setting.WORKER_BREAKER_MAX_COOLDOWN_SECONDS,
              "PT10M",
              Check.PARSE,
              "must be a whole number from 1 to 86400"),
          new Invalid(
              Setting.WORKER_BREAKER_MAX_COOLDOWN_SECONDS,
              "0",
              Check.PARSE,
              "must be a whole number from 1 to 86400"),
          new Invalid(
              Setting.WORKER_BREAKER_MAX_COOLDOWN_SECONDS,
              "10",
              Check.PARSE,
              "must be at least HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS (30), was '10'"),
          new Invalid(
              Setting.TOPIC_PARTITIONS, "0", Check.PARSE, "must be a whole number from 1 to 1000"),
          new Invalid(
              Setting.TOPIC_REPLICATION_FACTOR,
              "three",
              Check.PARSE,
              "must be a whole number from 0 to 32"),
          new Invalid(
              Setting.TOPIC_REPLICATION_FACTOR,
              "-1",
              Check.PARSE,
              "must be a whole number from 0 to 32"),
          new Invalid(
              Setting.ALLOWED_NETWORKS,
              "10.0.0.0/8,,fe80::/129",
              Check.PARSE,
              "'fe80::/129' is not one"),
          new Invalid(
              Setting.RETENTION_DAYS, "0", Check.PARSE, "must be a whole number from 1 to 3650"),
          new Invalid(
              Setting.RETENTION_DAYS,
              "thirty",
              Check.PARSE,
              "must be a whole number from 1 to 3650"),
          new Invalid(
              Setting.RETENTION_DAYS, "3651", Check.PARSE, "must be a whole number from 1 to 3650"),
          new Invalid(
              Setting.INSPECTOR_MAX_MB, "0", Check.PARSE, "must be a whole number from 1 to 65536"),
          new Invalid(
              Setting.INSPECTOR_MAX_MB,
              "64MB",
              Check.PARSE,
              "must be a whole number from 1 to 65536"),
          new Invalid(Setting.HTTP_HOST, "0.0.0.0 127.0.0.1", Check.PARSE, "must be an IP address"),
          new Invalid(Setting.HTTP_HOST, "http://localhost", Check.PARSE, "must be an IP address"),
          new Invalid(
              Setting.ROUTER_INSTANCE_ID,
              "router 1",
              Check.PARSE,
              "must be 1-200 of the characters a-z A-Z 0-9 . _ -"),
          new Invalid(
              Setting.ROUTER_INSTANCE_ID,
              "r".repeat(201),
              Check.PARSE,
              "must be 1-200 of the characters"),
          new Invalid(Setting.PUBLIC_URL, "hooks.example.com", Check.PARSE, "must be an http://"),
          new Invalid(
              Setting.PUBLIC_URL, "https://h.example.com/?x=1", Check.PARSE, "without a query"),
          new Invalid(
              Setting.PUBLIC_URL, "https://h.example.com/#/x", Check.PARSE, "without a query"),
          new Invalid(Setting.PUBLIC_URL, "javascript:alert(1)", Check.PARSE, "must be an http://"),
          new Invalid(
              Setting.PORTAL_LINK_MINUTES,
              "0",
              Check.PARSE,
              "must be a whole number from 1 to 1440"),
          new Invalid(
              Setting.PORTAL_LINK_MINUTES,
              "1441",
              Check.PARSE,
              "must be a whole number from 1 to 1440"),
          new Invalid(
              Setting.DEDUPLICATION_MINUTES,
              "-1",
              Check.PARSE,
              "must be a whole number from 0 to 1440"),
          new Invalid(
              Setting.DEDUPLICATION_MINUTES,
              "1441",
              Check.PARSE,
              "must be a whole number from 0 to 1440"),
          new Invalid(
              Setting.PORTAL_SESSION_MINUTES,
              "4",
              Check.PARSE,
              "must be a whole number from 5 to 10080"));

  @Test
  void thePortalSettingsHaveTheirDefaultsAndTakeAPublicUrl() {
    HooklineConfig defaults = HooklineConfig.fromEnv(Map.of());
    assertThat(defaults.publicUrl()).isEmpty();
    assertThat(defaults.portalLinkMinutes()).isEqualTo(10);
    assertThat(defaults.portalSessionMinutes()).isEqualTo(480);
    HooklineConfig set =
        HooklineConfig.fromEnv(
            Map.of(
                "HOOKLINE_PUBLIC_URL", "https://hooks.example.com:8443/base",
                "HOOKLINE_PORTAL_LINK_MINUTES", "3"));
    assertThat(set.publicUrl()).isEqualTo("https://hooks.example.com:8443/base");
    assertThat(set.portalLinkMinutes()).isEqualTo(3);
  }

  @Test
  void theWorkersCircuitBreakerCoolsDownThirtySecondsUpToTenMinutesUnlessTold() {
    WorkerConfig defaults = Roles.workerConfig(HooklineConfig.fromEnv(Map.of()));
    assertThat(defaults.isolation()).isEqualTo(Isolation.defaults());
    assertThat(defaults.isolation().breakerCooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.isolation().breakerMaxCooldown()).isEqualTo(Duration.ofMinutes(10));
    WorkerConfig set =
        Roles.workerConfig(
            HooklineConfig.fromEnv(
                Map.of(
                    "HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS", " 5 ",
                    "HOOKLINE_WORKER_BREAKER_MAX_COOLDOWN_SECONDS", "15")));
    assertThat(set.isolation().breakerCooldown()).isEqualTo(Duration.ofSeconds(5));
    assertThat(set.isolation().breakerMaxCooldown()).isEqualTo(Duration.ofSeconds(15));
    assertThat(set.isolation().breakerFailures()).isEqualTo(Isolation.defaults().breakerFailures());
    assertThat(
            HooklineConfig.fromEnv(
                    Map.of(
                        "HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS", "20",
                        "HOOKLINE_WORKER_BREAKER_MAX_COOLDOWN_SECONDS", "20"))
                .breakerMaxCooldownSeconds())
        .isEqualTo(20);
    // the maximum is checked against the cool-down as set, not its default
    assertThatThrownBy(
            () ->
                HooklineConfig.fromEnv(
                    Map.of(
                        "HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS", "900",
                        "HOOKLINE_WORKER_BREAKER_MAX_COOLDOWN_SECONDS", "600")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "HOOKLINE_WORKER_BREAKER_MAX_COOLDOWN_SECONDS must be at least"
                + " HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS (900), was '600'");
    // a bad cool-down is reported as itself, not as a maximum below it
    assertThatThrownBy(
            () ->
                HooklineConfig.fromEnv(
                    Map.of(
                        "HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS", "5 s",
                        "HOOKLINE_WORKER_BREAKER_MAX_COOLDOWN_SECONDS", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS must be a whole number");
  }

  /** What a Kafka client properties file may hold, and what it may not: one line naming the key. */
  @Test
  void aKafkaConfigFileGivesItsSettingsToEveryClientButNotHooklinesOwn(@TempDir Path dir)
      throws Exception {
    Path good = dir.resolve("client.properties");
    Files.writeString(
        good,
        """
        # a managed cluster
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
          username="hookline" password="p=ss wörd";
        """);
    assertThat(HooklineConfig.fromEnv(Map.of()).kafkaProperties()).isEmpty();
    assertThat(
            HooklineConfig.fromEnv(Map.of("HOOKLINE_KAFKA_CONFIG_FILE", good.toString()))
                .kafkaProperties())
        .containsOnly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"hookline\" password=\"p=ss wörd\";"));

    Map<String, String> refused =
        Map.of(
            "bootstrap.servers=broker:9092\n",
            "set the brokers with HOOKLINE_KAFKA_BOOTSTRAP_SERVERS, not bootstrap.servers",
            "security.protocol=SSL\ntransactional.id=mine\n",
            "transactional.id is Hookline's own and cannot be set there",
            "group.id=mine\n",
            "group.id is Hookline's own and cannot be set there",
            "Security.Protocol=SSL\n",
            "'Security.Protocol' is not a Kafka client setting",
            "ssl.keystore.password=\\u12\n",
            "is not a properties file");
    int n = 0;
    for (var bad : refused.entrySet()) {
      Path file = dir.resolve("bad-" + n++ + ".properties");
      Files.writeString(file, bad.getKey());
      assertThatThrownBy(
              () -> HooklineConfig.fromEnv(Map.of("HOOKLINE_KAFKA_CONFIG_FILE", file.toString())))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("HOOKLINE_KAFKA_CONFIG_FILE")
          .hasMessageContaining(bad.getValue())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    Path directory = Files.createDirectory(dir.resolve("a-directory"));
    assertThatThrownBy(
            () ->
                HooklineConfig.fromEnv(Map.of("HOOKLINE_KAFKA_CONFIG_FILE", directory.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("HOOKLINE_KAFKA_CONFIG_FILE: cannot read");
  }

  @Test
  void theRouterRemembersEventsTenMinutesByDefaultAndZeroTurnsItOff() {
    assertThat(HooklineConfig.fromEnv(Map.of()).deduplicationMinutes()).isEqualTo(10);
    assertThat(
            HooklineConfig.fromEnv(Map.of("HOOKLINE_DEDUPLICATION_MINUTES", "0"))
                .deduplicationMinutes())
        .isZero();
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> invalidValues() {
    return INVALID.stream()
        .map(
            i ->
                org.junit.jupiter.params.provider.Arguments.of(
                    i.setting(), i.value(), i.check(), i.expected()));
  }

  @ParameterizedTest(name = "{0}=''{1}''")
  @org.junit.jupiter.params.provider.MethodSource("invalidValues")
  void everyInvalidValueStopsTheStartWithOneLineNamingTheVariable(
      Setting setting, String value, Check check, String expected) {
    Map<String, String> env = Map.of(setting.variable(), value);
    assertThatThrownBy(
            () -> {
              HooklineConfig config = HooklineConfig.fromEnv(env);
              switch (check) {
                case PARSE -> {}
                case ADMIN_TOKENS -> config.requireAdminTokens();
                case SECRET_KEY -> Roles.cipher(config);
              }
            })
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(setting.variable())
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void everySettingThatCanBeInvalidHasAnInvalidCase() {
    java.util.Set<Setting> covered = java.util.EnumSet.noneOf(Setting.class);
    INVALID.forEach(i -> covered.add(i.setting()));
    assertThat(java.util.Collections.disjoint(covered, FREE_TEXT))
        .as("free-text settings have invalid cases")
        .isTrue();
    covered.addAll(FREE_TEXT);
    assertThat(covered).containsExactlyInAnyOrder(Setting.values());
  }

  @Test
  void freeTextSettingsTakeAnyValue() {
    HooklineConfig config =
        HooklineConfig.fromEnv(
            Map.of("HOOKLINE_DB_PASSWORD", " p@ss,word;'\" ", "HOOKLINE_WORKER_ID", "w 1/ü"));
    assertThat(config.dbPassword()).isEqualTo("p@ss,word;'\"");
    assertThat(config.workerId()).isEqualTo("w 1/ü");
  }

  @Test
  void secretKeysAndRetention() {
    String a = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    String b = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
    HooklineConfig config =
        HooklineConfig.fromEnv(
            Map.of("HOOKLINE_SECRET_KEY", a + ", " + b, "HOOKLINE_RETENTION_DAYS", "7"));
    assertThat(Roles.cipher(config).keyCount()).isEqualTo(2);
    assertThat(config.retentionDays()).isEqualTo(7);
    assertThat(HooklineConfig.fromEnv(Map.of()).retentionDays()).isEqualTo(30);
  }

  @Test
  void theRouterIsADynamicMemberUnlessGivenAnInstanceIdAndUpGivesItOne() {
    HooklineConfig unset = HooklineConfig.fromEnv(Map.of());
    assertThat(unset.routerInstanceIdOrNull()).isNull();
    assertThat(unset.withUpDefaults().routerInstanceIdOrNull()).isEqualTo("hookline-up");
    HooklineConfig set =
        HooklineConfig.fromEnv(Map.of("HOOKLINE_ROUTER_INSTANCE_ID", " router-1 "));
    assertThat(set.routerInstanceIdOrNull()).isEqualTo("router-1");
    assertThat(set.withUpDefaults().routerInstanceIdOrNull()).isEqualTo("router-1");
  }

  @Test
  void hostnameInTheRouterInstanceIdIsThisHostsNameSoComposeReplicasDiffer() throws Exception {
    String host = java.net.InetAddress.getLocalHost().getHostName();
    HooklineConfig replica =
        HooklineConfig.fromEnv(Map.of("HOOKLINE_ROUTER_INSTANCE_ID", "router-{hostname}"));
    assertThat(replica.routerInstanceIdOrNull()).isEqualTo("router-" + host);
    assertThatThrownBy(
            () -> HooklineConfig.fromEnv(Map.of("HOOKLINE_ROUTER_INSTANCE_ID", "router-{host}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HOOKLINE_ROUTER_INSTANCE_ID must be 1-200 of the characters");
  }

  @Test
  void theRolesListenOnEveryInterfaceAndUpOnLoopbackUnlessTold() {
    HooklineConfig unset = HooklineConfig.fromEnv(Map.of());
    assertThat(unset.httpBindHost()).isEqualTo("0.0.0.0");
    assertThat(unset.withUpDefaults().httpBindHost()).isEqualTo("127.0.0.1");
    HooklineConfig set = HooklineConfig.fromEnv(Map.of("HOOKLINE_HTTP_HOST", "10.1.2.3"));
    assertThat(set.httpBindHost()).isEqualTo("10.1.2.3");
    assertThat(set.withUpDefaults().httpBindHost()).isEqualTo("10.1.2.3");
    assertThat(HooklineConfig.fromEnv(Map.of("HOOKLINE_HTTP_HOST", "::1")).httpBindHost())
        .isEqualTo("::1");
  }

  @Test
  void upPrintsAUrlItCanBeReachedAt() {
    assertThat(AllInOne.urlHost("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(AllInOne.urlHost("0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(AllInOne.urlHost("::1")).isEqualTo("[::1]");
    assertThat(AllInOne.urlHost("hookline.local")).isEqualTo("hookline.local");
  }

  @Test
  void rolesThatNeedSecretsSayWhichVariableIsMissing() {
    HooklineConfig config = HooklineConfig.fromEnv(Map.of());
    assertThatThrownBy(config::requireAdminTokens)
        .hasMessageStartingWith("HOOKLINE_ADMIN_TOKEN is required");
    assertThatThrownBy(config::requireSecretKey)
        .hasMessageStartingWith("HOOKLINE_SECRET_KEY is required");
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
