package dev.hookline.app;

/** Every {@code HOOKLINE_*} environment variable, its default and what it means. */
enum Setting {
  KAFKA_BOOTSTRAP_SERVERS(
      "localhost:9092", "Kafka bootstrap servers (ignored by `up`, which runs its own broker)"),
  KAFKA_CONFIG_FILE(
      "",
      "A Kafka client properties file (TLS, SASL: `security.protocol`, `sasl.*`, `ssl.*`, tuning) for every Kafka client of the command; ignored by `up`"),
  DB_URL("jdbc:postgresql://localhost:5432/hookline", "PostgreSQL JDBC URL (ignored by `up`)"),
  DB_USER("hookline", "PostgreSQL user"),
  DB_PASSWORD("hookline", "PostgreSQL password"),
  DB_POOL_SIZE("10", "HikariCP pool size per process, 1-200"),
  HTTP_PORT(
      "8080",
      "HTTP port: admin API and web page for admin-api and up; /health and /metrics for router and worker"),
  HTTP_HOST(
      "",
      "Interface the HTTP server binds; when empty `0.0.0.0` (every interface, as containers need) for admin-api, router and worker, and `127.0.0.1` (this machine only) for `up`"),
  ADMIN_TOKEN(
      "",
      "Admin API bearer tokens, comma-separated; `up` generates one into the data dir when empty"),
  SECRET_KEY(
      "",
      "Base64 of 32 random bytes: encrypts webhook secrets at rest; several comma-separated during a key rotation (the first encrypts); `up` generates one into the data dir when empty"),
  DATA_DIR("./.hookline", "Where `up` keeps its Kafka log, PostgreSQL data, token and key"),
  EMBEDDED_KAFKA_PORT("19092", "Port of the embedded Kafka broker under `up`"),
  EMBEDDED_DB_PORT("15432", "Port of the embedded PostgreSQL under `up`"),
  WORKER_CONCURRENCY("200", "Deliveries in flight per worker, 1-10000"),
  WORKER_ID("", "Worker id recorded with each attempt; hostname-pid when empty"),
  WORKER_BREAKER_COOLDOWN_SECONDS(
      "30",
      "Seconds a webhook's circuit breaker in a worker stays open (after 10 failures in a row) before one probe goes out, 1-3600; doubles after each failed probe"),
  WORKER_BREAKER_MAX_COOLDOWN_SECONDS(
      "600",
      "Longest cool-down of a circuit breaker, in seconds, 1-86400, at least HOOKLINE_WORKER_BREAKER_COOLDOWN_SECONDS"),
  TOPIC_PARTITIONS(
      "6", "Partitions of hookline.deliveries and events.* topics created by Hookline, 1-1000"),
  TOPIC_REPLICATION_FACTOR(
      "0",
      "Replication factor of the topics Hookline creates (the router's Kafka Streams changelog too), 0-32; 0 = from the cluster: min(3, brokers); topics with 3 replicas or more get `min.insync.replicas` 2"),
  ALLOWED_NETWORKS(
      "",
      "CIDRs webhook targets may resolve to despite the SSRF guard, comma-separated; `up` adds loopback"),
  ROUTER_INSTANCE_ID(
      "",
      "Static group membership of the router: a router restarted after a crash resumes at once instead of after its 10 s session timeout; unique per router process and kept across its restarts (`{hostname}` in it is replaced by the host's name, e.g. `router-{hostname}` for Compose replicas); empty = dynamic membership (`up` uses `hookline-up`)"),
  RETENTION_DAYS(
      "30",
      "Days events with their deliveries and attempts are kept, 1-3650; admin-api deletes older ones hourly"),
  INSPECTOR_MAX_MB(
      "64",
      "Memory, in MB, the request inspector of `up` may take for all the requests it keeps, 1-65536; past it the oldest captures go first"),
  PUBLIC_URL(
      "",
      "Where the platform's customers reach the web page, e.g. `https://hooks.example.com`: the base of tenant portal links; when empty, the scheme and host the link was asked on"),
  PORTAL_LINK_MINUTES(
      "10", "Minutes a one-time tenant portal sign-in link can be used (once), 1-1440"),
  PORTAL_SESSION_MINUTES(
      "480", "Minutes a tenant portal session opened by such a link lasts, 5-10080"),
  DEDUPLICATION_MINUTES(
      "10",
      "Minutes the router remembers the (source, id) of each event it routed and drops a copy published again, 0-1440; 0 routes every copy");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  String variable() {
    return "HOOKLINE_" + name();
  }

  String defaultValue() {
    return defaultValue;
  }

  String description() {
    return description;
  }
}
