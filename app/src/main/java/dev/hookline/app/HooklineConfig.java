package dev.hookline.app;

import dev.hookline.router.RouterConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The whole configuration of a Hookline process, read once from {@code HOOKLINE_*} variables. */
record HooklineConfig(
    String kafkaBootstrapServers,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int dbPoolSize,
    int httpPort,
    List<String> adminTokens,
    String secretKey,
    Path dataDir,
    int embeddedKafkaPort,
    int embeddedDbPort,
    int workerConcurrency,
    String workerId,
    int breakerCooldownSeconds,
    int breakerMaxCooldownSeconds,
    int topicPartitions,
    int topicReplicationFactor,
    List<String> allowedNetworks,
    int retentionDays,
    String routerInstanceId,
    String httpHost,
    int inspectorMaxMb,
    String publicUrl,
    int portalLinkMinutes,
    int portalSessionMinutes,
    int deduplicationMinutes,
    Map<String, String> kafkaProperties) {

  HooklineConfig {
    kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
  }

  /** A host name, an IPv4 or an IPv6 literal (no brackets); resolved when binding. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:%_-]{1,253}");

  /** Where the roles listen by default: every interface, as a container's port mapping needs. */
  static final String ALL_INTERFACES = "0.0.0.0";

  /** Where `up` listens by default: a laptop's admin API is not for the network. */
  static final String UP_HTTP_HOST = "127.0.0.1";

  /**
   * An absolute http(s) URL without a query or fragment, e.g. {@code https://hooks.example.com}.
   */
  private static final Pattern PUBLIC_URL =
      Pattern.compile(
          "https?://[A-Za-z0-9.\\[\\]:-]+(:\\d{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?");

  /**
   * Replaced by the host's name in {@code HOOKLINE_ROUTER_INSTANCE_ID}: one Compose service gives
   * each replica an id of its own (a container's host name is its id, kept across its restarts).
   */
  static final String HOSTNAME = "{hostname}";

  /** `up` runs exactly one router per data dir, so a fixed id is unique there. */
  static final String UP_ROUTER_INSTANCE_ID = "hookline-up";

  static HooklineConfig fromEnv(Map<String, String> env) {
    SettingReader r = new SettingReader(env);
    return builder()
        .kafkaBootstrapServers(r.nonBlank(Setting.KAFKA_BOOTSTRAP_SERVERS))
        .dbUrl(r.jdbcUrl(Setting.DB_URL))
        .dbUser(r.nonBlank(Setting.DB_USER))
        .dbPassword(r.string(Setting.DB_PASSWORD))
        .dbPoolSize(r.integer(Setting.DB_POOL_SIZE, 1, 200))
        .httpPort(r.integer(Setting.HTTP_PORT, 0, 65535))
        .adminTokens(r.list(Setting.ADMIN_TOKEN))
        .secretKey(r.string(Setting.SECRET_KEY))
        .dataDir(r.path(Setting.DATA_DIR))
        .embeddedKafkaPort(r.integer(Setting.EMBEDDED_KAFKA_PORT, 0, 65535))
        .embeddedDbPort(r.integer(Setting.EMBEDDED_DB_PORT, 0, 65535))
        .workerConcurrency(r.integer(Setting.WORKER_CONCURRENCY, 1, 10_000))
        .workerId(
            r.string(Setting.WORKER_ID).isBlank() ? defaultWorkerId() : r.string(Setting.WORKER_ID))
        .breakerCooldownSeconds(r.integer(Setting.WORKER_BREAKER_COOLDOWN_SECONDS, 1, 3600))
        .breakerMaxCooldownSeconds(
            r.atLeast(
                Setting.WORKER_BREAKER_MAX_COOLDOWN_SECONDS,
                r.integer(Setting.WORKER_BREAKER_MAX_COOLDOWN_SECONDS, 1, 86_400),
                Setting.WORKER_BREAKER_COOLDOWN_SECONDS,
                r.integer(Setting.WORKER_BREAKER_COOLDOWN_SECONDS, 1, 3600)))
        .topicPartitions(r.integer(Setting.TOPIC_PARTITIONS, 1, 1000))
        .topicReplicationFactor(r.integer(Setting.TOPIC_REPLICATION_FACTOR, 0, 32))
        .allowedNetworks(r.cidrs(Setting.ALLOWED_NETWORKS))
        .retentionDays(r.integer(Setting.RETENTION_DAYS, 1, 3650))
        .routerInstanceId(
            r.emptyOr(
                Setting.ROUTER_INSTANCE_ID,
                RouterConfig.INSTANCE_ID,
                RouterConfig.INSTANCE_ID_RULE + " (after " + HOSTNAME + " is replaced)",
                id -> id.contains(HOSTNAME) ? id.replace(HOSTNAME, hostName("localhost")) : id))
        .httpHost(
            r.emptyOr(
                Setting.HTTP_HOST,
                HOST,
                "an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name"))
        .inspectorMaxMb(r.integer(Setting.INSPECTOR_MAX_MB, 1, 65_536))
        .publicUrl(
            r.emptyOr(
                Setting.PUBLIC_URL,
                PUBLIC_URL,
                "an http:// or https:// URL without a query or fragment, e.g. https://hooks.example.com"))
        .portalLinkMinutes(r.integer(Setting.PORTAL_LINK_MINUTES, 1, 1440))
        .deduplicationMinutes(r.integer(Setting.DEDUPLICATION_MINUTES, 0, 1440))
        .portalSessionMinutes(r.integer(Setting.PORTAL_SESSION_MINUTES, 5, 10_080))
        .kafkaProperties(r.kafkaProperties(Setting.KAFKA_CONFIG_FILE))
        .build();
  }

  /** `up`'s defaults where the variables are empty. */
  HooklineConfig withUpDefaults() {
    return toBuilder()
        .routerInstanceId(routerInstanceId.isEmpty() ? UP_ROUTER_INSTANCE_ID : routerInstanceId)
        .httpHost(httpHost.isEmpty() ? UP_HTTP_HOST : httpHost)
        .build();
  }

  /** The interface the HTTP server binds: {@link #ALL_INTERFACES} unless set (or `up`'s). */
  String httpBindHost() {
    return httpHost.isEmpty() ? ALL_INTERFACES : httpHost;
  }

  /** The router's static group instance id, or null for dynamic membership. */
  String routerInstanceIdOrNull() {
    return routerInstanceId.isEmpty() ? null : routerInstanceId;
  }

  /** Fails with a one-line error naming the variable when a role's required secret is missing. */
  HooklineConfig requireAdminTokens() {
    if (adminTokens.isEmpty()) {
      throw new ConfigException(
          Setting.ADMIN_TOKEN.variable() + " is required: set one or more tokens, comma-separated");
    }
    return this;
  }

  HooklineConfig requireSecretKey() {
    if (secretKey.isBlank()) {
      throw new ConfigException(
          Setting.SECRET_KEY.variable()
              + " is required: base64 of 32 random bytes (e.g. `openssl rand -base64 32`)");
    }
    return this;
  }

  private static String defaultWorkerId() {
    return hostName("worker") + "-" + ProcessHandle.current().pid();
  }

  private static String hostName(String unknown) {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return unknown;
    }
  }

  /** A builder with nothing set: {@link #fromEnv} fills it from the variables. */
  static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration, e.g. to point {@code up}'s at its broker. */
  Builder toBuilder() {
    return new Builder()
        .kafkaBootstrapServers(kafkaBootstrapServers)
        .dbUrl(dbUrl)
        .dbUser(dbUser)
        .dbPassword(dbPassword)
        .dbPoolSize(dbPoolSize)
        .httpPort(httpPort)
        .adminTokens(adminTokens)
        .secretKey(secretKey)
        .dataDir(dataDir)
        .embeddedKafkaPort(embeddedKafkaPort)
        .embeddedDbPort(embeddedDbPort)
        .workerConcurrency(workerConcurrency)
        .workerId(workerId)
        .breakerCooldownSeconds(breakerCooldownSeconds)
        .breakerMaxCooldownSeconds(breakerMaxCooldownSeconds)
        .topicPartitions(topicPartitions)
        .topicReplicationFactor(topicReplicationFactor)
        .allowedNetworks(allowedNetworks)
        .retentionDays(retentionDays)
        .routerInstanceId(routerInstanceId)
        .httpHost(httpHost)
        .inspectorMaxMb(inspectorMaxMb)
        .publicUrl(publicUrl)
        .portalLinkMinutes(portalLinkMinutes)
        .deduplicationMinutes(deduplicationMinutes)
        .portalSessionMinutes(portalSessionMinutes)
        .kafkaProperties(kafkaProperties);
  }

  /** Builds a {@link HooklineConfig}; the values are checked by {@link #fromEnv}'s reader. */
  static final class Builder {
    private String kafkaBootstrapServers;
    private Map<String, String> kafkaProperties = Map.of();
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private int dbPoolSize;
    private int httpPort;
    private List<String> adminTokens;
    private String secretKey;
    private Path dataDir;
    private int embeddedKafkaPort;
    private int embeddedDbPort;
    private int workerConcurrency;
    private String workerId;
    private int breakerCooldownSeconds = 30;
    private int breakerMaxCooldownSeconds = 600;
    private int topicPartitions;
    private int topicReplicationFactor;
    private List<String> allowedNetworks;
    private int retentionDays;
    private String routerInstanceId;
    private String httpHost;
    private int inspectorMaxMb;
    private String publicUrl = "";
    private int portalLinkMinutes = 10;
    private int deduplicationMinutes = 10;
    private int portalSessionMinutes = 480;

    private Builder() {}

    Builder kafkaBootstrapServers(String value) {
      this.kafkaBootstrapServers = value;
      return this;
    }

    Builder dbUrl(String value) {
      this.dbUrl = value;
      return this;
    }

    Builder dbUser(String value) {
      this.dbUser = value;
      return this;
    }

    Builder dbPassword(String value) {
      this.dbPassword = value;
      return this;
    }

    Builder dbPoolSize(int value) {
      this.dbPoolSize = value;
      return this;
    }

    Builder httpPort(int value) {
      this.httpPort = value;
      return this;
    }

    Builder adminTokens(List<String> value) {
      this.adminTokens = value;
      return this;
    }

    Builder secretKey(String value) {
      this.secretKey = value;
      return this;
    }

    Builder dataDir(Path value) {
      this.dataDir = value;
      return this;
    }

    Builder embeddedKafkaPort(int value) {
      this.embeddedKafkaPort = value;
      return this;
    }

    Builder embeddedDbPort(int value) {
      this.embeddedDbPort = value;
      return this;
    }

    Builder workerConcurrency(int value) {
      this.workerConcurrency = value;
      return this;
    }

    Builder workerId(String value) {
      this.workerId = value;
      return this;
    }

    Builder breakerCooldownSeconds(int value) {
      this.breakerCooldownSeconds = value;
      return this;
    }

    Builder breakerMaxCooldownSeconds(int value) {
      this.breakerMaxCooldownSeconds = value;
      return this;
    }

    Builder topicPartitions(int value) {
      this.topicPartitions = value;
      return this;
    }

    Builder topicReplicationFactor(int value) {
      this.topicReplicationFactor = value;
      return this;
    }

    Builder allowedNetworks(List<String> value) {
      this.allowedNetworks = value;
      return this;
    }

    Builder retentionDays(int value) {
      this.retentionDays = value;
      return this;
    }

    Builder routerInstanceId(String value) {
      this.routerInstanceId = value;
      return this;
    }

    Builder httpHost(String value) {
      this.httpHost = value;
      return this;
    }

    Builder inspectorMaxMb(int value) {
      this.inspectorMaxMb = value;
      return this;
    }

    Builder publicUrl(String value) {
      this.publicUrl = value;
      return this;
    }

    Builder deduplicationMinutes(int value) {
      this.deduplicationMinutes = value;
      return this;
    }

    Builder portalLinkMinutes(int value) {
      this.portalLinkMinutes = value;
      return this;
    }

    Builder portalSessionMinutes(int value) {
      this.portalSessionMinutes = value;
      return this;
    }

    Builder kafkaProperties(Map<String, String> value) {
      this.kafkaProperties = value;
      return this;
    }

    HooklineConfig build() {
      return new HooklineConfig(
          kafkaBootstrapServers,
          dbUrl,
          dbUser,
          dbPassword,
          dbPoolSize,
          httpPort,
          adminTokens,
          secretKey,
          dataDir,
          embeddedKafkaPort,
          embeddedDbPort,
          workerConcurrency,
          workerId,
          breakerCooldownSeconds,
          breakerMaxCooldownSeconds,
          topicPartitions,
          topicReplicationFactor,
          allowedNetworks,
          retentionDays,
          routerInstanceId,
          httpHost,
          inspectorMaxMb,
          publicUrl,
          portalLinkMinutes,
          portalSessionMinutes,
          deduplicationMinutes,
          kafkaProperties);
    }
  }
}
