package dev.hookline.app;

import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
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
    int topicPartitions,
    List<String> allowedNetworks,
    int retentionDays,
    String routerInstanceId,
    String httpHost,
    String publicUrl,
    int portalLinkMinutes,
    int portalSessionMinutes) {

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

  /** Kafka's group instance id characters; Streams appends "-N" per stream thread. */
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  /** `up` runs exactly one router per data dir, so a fixed id is unique there. */
  static final String UP_ROUTER_INSTANCE_ID = "hookline-up";

  static HooklineConfig fromEnv(Map<String, String> env) {
    Reader r = new Reader(env);
    return new HooklineConfig(
        r.nonBlank(Setting.KAFKA_BOOTSTRAP_SERVERS),
        r.jdbcUrl(Setting.DB_URL),
        r.nonBlank(Setting.DB_USER),
        r.string(Setting.DB_PASSWORD),
        r.integer(Setting.DB_POOL_SIZE, 1, 200),
        r.integer(Setting.HTTP_PORT, 0, 65535),
        r.list(Setting.ADMIN_TOKEN),
        r.string(Setting.SECRET_KEY),
        r.path(Setting.DATA_DIR),
        r.integer(Setting.EMBEDDED_KAFKA_PORT, 0, 65535),
        r.integer(Setting.EMBEDDED_DB_PORT, 0, 65535),
        r.integer(Setting.WORKER_CONCURRENCY, 1, 10_000),
        r.string(Setting.WORKER_ID).isBlank() ? defaultWorkerId() : r.string(Setting.WORKER_ID),
        r.integer(Setting.TOPIC_PARTITIONS, 1, 1000),
        r.cidrs(Setting.ALLOWED_NETWORKS),
        r.integer(Setting.RETENTION_DAYS, 1, 3650),
        r.emptyOr(
            Setting.ROUTER_INSTANCE_ID, INSTANCE_ID, "1-200 of the characters a-z A-Z 0-9 . _ -"),
        r.emptyOr(
            Setting.HTTP_HOST,
            HOST,
            "an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name"),
        r.emptyOr(
            Setting.PUBLIC_URL,
            PUBLIC_URL,
            "an http:// or https:// URL without a query or fragment, e.g. https://hooks.example.com"),
        r.integer(Setting.PORTAL_LINK_MINUTES, 1, 1440),
        r.integer(Setting.PORTAL_SESSION_MINUTES, 5, 10_080));
  }

  HooklineConfig withKafka(String bootstrapServers) {
    return new HooklineConfig(
        bootstrapServers,
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
        topicPartitions,
        allowedNetworks,
        retentionDays,
        routerInstanceId,
        httpHost,
        publicUrl,
        portalLinkMinutes,
        portalSessionMinutes);
  }

  HooklineConfig withDatabase(String url, String user, String password) {
    return new HooklineConfig(
        kafkaBootstrapServers,
        url,
        user,
        password,
        dbPoolSize,
        httpPort,
        adminTokens,
        secretKey,
        dataDir,
        embeddedKafkaPort,
        embeddedDbPort,
        workerConcurrency,
        workerId,
        topicPartitions,
        allowedNetworks,
        retentionDays,
        routerInstanceId,
        httpHost,
        publicUrl,
        portalLinkMinutes,
        portalSessionMinutes);
  }

  HooklineConfig withSecrets(List<String> tokens, String key) {
    return new HooklineConfig(
        kafkaBootstrapServers,
        dbUrl,
        dbUser,
        dbPassword,
        dbPoolSize,
        httpPort,
        tokens,
        key,
        dataDir,
        embeddedKafkaPort,
        embeddedDbPort,
        workerConcurrency,
        workerId,
        topicPartitions,
        allowedNetworks,
        retentionDays,
        routerInstanceId,
        httpHost,
        publicUrl,
        portalLinkMinutes,
        portalSessionMinutes);
  }

  HooklineConfig withAllowedNetworks(List<String> networks) {
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
        topicPartitions,
        networks,
        retentionDays,
        routerInstanceId,
        httpHost,
        publicUrl,
        portalLinkMinutes,
        portalSessionMinutes);
  }

  /** `up`'s defaults where the variables are empty. */
  HooklineConfig withUpDefaults() {
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
        topicPartitions,
        allowedNetworks,
        retentionDays,
        routerInstanceId.isEmpty() ? UP_ROUTER_INSTANCE_ID : routerInstanceId,
        httpHost.isEmpty() ? UP_HTTP_HOST : httpHost,
        publicUrl,
        portalLinkMinutes,
        portalSessionMinutes);
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
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "worker";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** Reads and checks one variable at a time, so each error names exactly one variable. */
  private record Reader(Map<String, String> env) {
    String string(Setting s) {
      String value = env.get(s.variable());
      return value == null ? s.defaultValue() : value.trim();
    }

    String nonBlank(Setting s) {
      String value = string(s);
      if (value.isBlank()) throw new ConfigException(s.variable() + " must not be empty");
      return value;
    }

    int integer(Setting s, int min, int max) {
      String value = string(s);
      try {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) throw new NumberFormatException();
        return parsed;
      } catch (NumberFormatException e) {
        throw new ConfigException(
            s.variable()
                + " must be a whole number from "
                + min
                + " to "
                + max
                + ", was '"
                + shown(value)
                + "'");
      }
    }

    String jdbcUrl(Setting s) {
      String value = nonBlank(s);
      if (!value.startsWith("jdbc:postgresql://")) {
        throw new ConfigException(
            s.variable()
                + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), was '"
                + shown(value)
                + "'");
      }
      return value;
    }

    Path path(Setting s) {
      String value = nonBlank(s);
      try {
        return Path.of(value).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw new ConfigException(s.variable() + " is not a valid path: '" + shown(value) + "'");
      }
    }

    /** The value as quoted in an error: control characters escaped, so the error stays one line. */
    private static String shown(String value) {
      StringBuilder out = new StringBuilder();
      value
          .codePoints()
          .limit(200)
          .forEach(
              c -> {
                if (Character.isISOControl(c)) out.append(String.format("\\u%04x", c));
                else out.appendCodePoint(c);
              });
      return value.codePointCount(0, value.length()) > 200 ? out + "..." : out.toString();
    }

    List<String> list(Setting s) {
      return Arrays.stream(string(s).split(","))
          .map(String::trim)
          .filter(v -> !v.isEmpty())
          .toList();
    }

    /** Empty, or a value matching {@code pattern}; else an error saying what {@code must} be. */
    String emptyOr(Setting s, Pattern pattern, String must) {
      String value = string(s);
      if (!value.isEmpty() && !pattern.matcher(value).matches()) {
        throw new ConfigException(
            s.variable() + " must be " + must + ", was '" + shown(value) + "'");
      }
      return value;
    }

    List<String> cidrs(Setting s) {
      List<String> values = list(s);
      for (String cidr : values) {
        if (!Cidr.isValid(cidr)) {
          throw new ConfigException(
              s.variable()
                  + " must be comma-separated CIDRs like 10.0.0.0/8 or ::1/128, '"
                  + shown(cidr)
                  + "' is not one");
        }
      }
      return values;
    }
  }
}
