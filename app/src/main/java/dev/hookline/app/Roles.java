package dev.hookline.app;

import dev.hookline.admin.AdminApi;
import dev.hookline.admin.AdminApiConfig;
import dev.hookline.admin.HealthReport;
import dev.hookline.admin.TaskPublishing;
import dev.hookline.admin.web.WebPage;
import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.router.Router;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.SecretCipher;
import dev.hookline.worker.Isolation;
import dev.hookline.worker.WorkerConfig;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Wires each role from the configuration: the same code serves {@code hookline up}, the single-role
 * commands and the integration tests.
 */
final class Roles {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Roles.class);

  /** The admin API publisher's {@code linger.ms}: every POST /api/v1/events waits it out. */
  static final Duration ADMIN_LINGER = Duration.ofMillis(1);

  private Roles() {}

  /** Hookline's meters and the JVM's (memory, GC, threads, CPU), for {@code /metrics}. */
  static PrometheusMeterRegistry metrics() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry); // lives as long as the process
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** Opens (and migrates) the database, or fails with a one-line reason. */
  static Database database(HooklineConfig config) {
    SecretCipher cipher = cipher(config);
    try {
      return Database.open(
          new DatabaseConfig(
              config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPoolSize()),
          cipher);
    } catch (RuntimeException e) {
      throw new StartupException(
          "cannot use PostgreSQL at "
              + config.dbUrl()
              + " ("
              + Setting.DB_URL.variable()
              + "): "
              + RootCause.message(e),
          e);
    }
  }

  /**
   * The secret cipher from {@code HOOKLINE_SECRET_KEY} (one key, or several during a rotation), or
   * a one-line error.
   */
  static SecretCipher cipher(HooklineConfig config) {
    try {
      return SecretCipher.fromBase64Keys(config.requireSecretKey().secretKey());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Setting.SECRET_KEY.variable() + ": " + e.getMessage());
    }
  }

  /**
   * The admin-api's housekeeping: re-encrypts secrets still under an older key once, in the
   * background (key rotation, docs/configuration.md), and runs payload retention every {@link
   * #RETENTION_PERIOD} (one replica at a time: the job takes an advisory lock).
   */
  static void housekeeping(HooklineConfig config, Database db, Running running) {
    Thread.ofVirtual()
        .name("hookline-reencrypt-secrets")
        .start(
            () -> {
              try {
                db.reencryptSecrets();
              } catch (RuntimeException e) {
                LOG.warn(
                    "re-encrypting webhook secrets with the current key failed; it runs again at the next start: {}",
                    RootCause.message(e));
              }
            });
    running.add(db.retention(Duration.ofDays(config.retentionDays())).start(RETENTION_PERIOD));
  }

  static final Duration RETENTION_PERIOD = Duration.ofHours(1);

  /**
   * {@code extra} with the deployment's Kafka client settings ({@code HOOKLINE_KAFKA_CONFIG_FILE})
   * under it: what a role sets for itself wins.
   */
  static Map<String, String> withKafkaProperties(HooklineConfig config, Map<String, String> extra) {
    return withKafkaProperties(config.kafkaProperties(), extra);
  }

  /** {@code extra} over {@code base}. */
  static Map<String, String> withKafkaProperties(
      Map<String, String> base, Map<String, String> extra) {
    Map<String, String> merged = new java.util.HashMap<>(base);
    merged.putAll(extra);
    return Map.copyOf(merged);
  }

  /** Fails with a one-line reason when no Kafka broker answers within 10 seconds. */
  static void checkKafka(HooklineConfig config) {
    String bootstrapServers = config.kafkaBootstrapServers();
    Properties props = new Properties();
    props.putAll(config.kafkaProperties()); // TLS, SASL: a broker that wants them answers nothing
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new StartupException(
          "invalid "
              + Setting.KAFKA_BOOTSTRAP_SERVERS.variable()
              + " '"
              + bootstrapServers
              + "': "
              + RootCause.message(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while reaching Kafka", e);
    } catch (Exception e) {
      throw new StartupException(unreachable(bootstrapServers, e), e);
    }
  }

  /**
   * The one line that says why Kafka at {@code bootstrapServers} did not answer: a failed TLS
   * handshake (an untrusted certificate, a host name it does not name), refused credentials, or
   * nothing that answered; then the innermost cause's words.
   */
  static String unreachable(String bootstrapServers, Throwable e) {
    String what;
    // a failed TLS handshake is an AuthenticationException too: ask for it first
    if (causedBy(e, org.apache.kafka.common.errors.SslAuthenticationException.class)) {
      what =
          "Kafka at "
              + bootstrapServers
              + ": the TLS handshake failed, check ssl.truststore.* of "
              + Setting.KAFKA_CONFIG_FILE.variable();
    } else if (causedBy(e, org.apache.kafka.common.errors.AuthenticationException.class)) {
      what =
          "Kafka at "
              + bootstrapServers
              + " refused the credentials of "
              + Setting.KAFKA_CONFIG_FILE.variable();
    } else {
      what =
          "cannot reach Kafka at "
              + bootstrapServers
              + " ("
              + Setting.KAFKA_BOOTSTRAP_SERVERS.variable()
              + ")";
    }
    return what + ": " + RootCause.message(e);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }

  /** The admin API with its web page at {@code /}, its event publisher and the outbox relay. */
  static AdminApi adminApi(
      HooklineConfig config,
      Database db,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Consumer<JavalinConfig> extraRoutes,
      Running running) {
    config.requireAdminTokens();
    running.add(Assembly.relay(db, config.kafkaBootstrapServers(), config.kafkaProperties()));
    EventPublisher publisher =
        running.add(
            EventPublisher.create(
                PublisherConfig.builder(config.kafkaBootstrapServers())
                    .source("urn:hookline:admin-api")
                    // POST /api/v1/events validates against the catalog itself, to name the
                    // fields; a second pass here cost as much as the first (issue 20)
                    .validate(false)
                    // each POST /api/v1/events waits for its acknowledgement: the default 5 ms
                    // linger held every request that long, so 32 clients waited rather than
                    // computed (4,000 events/s with the CPU 70 % busy); 1 ms still groups the
                    // requests of that millisecond into one produce request (issue 20)
                    .batching(ADMIN_LINGER, PublisherConfig.DEFAULT_BATCH_SIZE_BYTES)
                    .kafkaProperties(
                        withKafkaProperties(
                            config, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000")))
                    .build(),
                catalog));
    DeliveryTaskWriter tasks =
        running.add(
            DeliveryTaskWriter.create(
                config.kafkaBootstrapServers(),
                "hookline-admin-tasks",
                withKafkaProperties(config, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000"))));
    AdminApi api =
        AdminApi.builder(
                AdminApiConfig.builder(config.adminTokens())
                    .host(config.httpBindHost())
                    .port(config.httpPort())
                    .publicUrl(config.publicUrl())
                    .portalLinkValidity(Duration.ofMinutes(config.portalLinkMinutes()))
                    .portalSessionLength(Duration.ofMinutes(config.portalSessionMinutes()))
                    .build())
            .webhooks(db.webhooks())
            .deliveries(db.deliveries())
            .tenants(db.tenants())
            .idempotencyKeys(db.idempotencyKeys())
            .catalog(catalog)
            .metrics(metrics)
            .health(() -> databaseHealth(db))
            .events(new KafkaEventPublishing(publisher))
            .tasks(TaskPublishing.writingTo(tasks))
            .extraRoutes(
                extraRoutes == null ? WebPage.routes() : WebPage.routes().andThen(extraRoutes))
            .build();
    running.add(api.start());
    housekeeping(config, db, running);
    return api;
  }

  static Router router(
      HooklineConfig config,
      EventCatalog catalog,
      PrometheusMeterRegistry metrics,
      Running running) {
    Router router =
        running.add(
            Assembly.router(
                config.kafkaBootstrapServers(),
                config.kafkaProperties(),
                config.dataDir().resolve("router-state"),
                config.routerInstanceIdOrNull(),
                Duration.ofMinutes(config.deduplicationMinutes()),
                config.topicReplicationFactor(),
                catalog,
                metrics));
    router.start();
    return router;
  }

  static Assembly.Worker worker(
      HooklineConfig config, Database db, PrometheusMeterRegistry metrics, Running running) {
    return running.add(Assembly.worker(workerConfig(config), db, metrics));
  }

  /** The worker's configuration from the {@code HOOKLINE_*} settings it reads. */
  static WorkerConfig workerConfig(HooklineConfig config) {
    return Assembly.workerConfig(
            config.kafkaBootstrapServers(),
            config.workerId(),
            config.workerConcurrency(),
            config.allowedNetworks())
        .isolation(
            Isolation.defaults()
                .withBreakerCooldowns(
                    Duration.ofSeconds(config.breakerCooldownSeconds()),
                    Duration.ofSeconds(config.breakerMaxCooldownSeconds())))
        // TLS, SASL: the share consumers, the producer and the worker's admin client
        .consumerProperties(config.kafkaProperties())
        .build();
  }

  /**
   * A fixed word per check: {@code /health} is open to anyone who reaches the port, and an
   * exception's text (host names, user names, driver details) is for the log, not for them.
   */
  static HealthReport databaseHealth(Database db) {
    try (Connection c = db.dataSource().getConnection()) {
      if (c.isValid(1)) return HealthReport.up(Map.of("database", "up"));
      LOG.warn("Health: the database connection is not valid");
    } catch (Exception e) {
      LOG.warn("Health: the database cannot be reached: {}", RootCause.message(e));
    }
    return HealthReport.down(Map.of("database", "down"));
  }
}
