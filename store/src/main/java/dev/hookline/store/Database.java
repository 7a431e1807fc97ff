package dev.hookline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The entry point of the store: a HikariCP pool on PostgreSQL, migrated by Flyway on open, and the
 * data access objects built on it.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final SecretCipher cipher;

  private Database(HikariDataSource dataSource, SecretCipher cipher) {
    this.dataSource = dataSource;
    this.cipher = cipher;
  }

  /** Connects, applies pending migrations, and fails fast when PostgreSQL is unreachable. */
  public static Database open(DatabaseConfig config, SecretCipher cipher) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.url());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.maxPoolSize());
    hikari.setPoolName("hookline");
    // a batch of N inserts goes out as a few multi-row inserts instead of N statements: the hot
    // path records every attempt in batches (nothing here reads an insert's update count)
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    hikari.setConnectionTimeout(5_000);
    hikari.setInitializationFailTimeout(10_000);
    HikariDataSource dataSource = new HikariDataSource(hikari);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource, cipher);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Webhooks as the admin API manages them; the delivery engine reads them as a {@link
   * WebhookLookup}.
   */
  public WebhookStore webhooks() {
    return new PgWebhookStore(dataSource, cipher);
  }

  /** The idempotency keys of {@code POST /api/v1/events}. */
  public IdempotencyKeys idempotencyKeys() {
    return new PgIdempotencyKeys(dataSource);
  }

  /** Tenants, tenant tokens and portal links. */
  public TenantStore tenants() {
    return new PgTenantStore(dataSource);
  }

  /** The delivery log and redeliveries (admin API). */
  public DeliveryStore deliveries() {
    return new PgDeliveryStore(dataSource);
  }

  /** Where the delivery engine records its attempts. */
  public AttemptRecorder attempts() {
    return new PgDeliveryStore(dataSource);
  }

  public Outbox outbox() {
    return new PgOutbox(dataSource);
  }

  /** Retry timers and dead letters (delivery engine). */
  public RetryTimers retryTimers() {
    return new PgRetryTimers(dataSource);
  }

  /** The shared budgets of rate-limited webhooks (delivery engine). */
  public RateBudgets rateBudgets() {
    return new PgRateBudgets(dataSource);
  }

  /** Webhook health and automatic disabling (delivery engine). */
  public WebhookHealth webhookHealth() {
    return new PgWebhookHealth(dataSource);
  }

  /** Where workers publish their open circuit breakers (for {@code hookline status}). */
  public CircuitBreakerLog circuitBreakers() {
    return new PgCircuitBreakerLog(dataSource);
  }

  /** Periodic reconciliation of {@code hookline.subscriptions} through the outbox. */
  public SubscriptionSnapshots subscriptionSnapshots() {
    return new PgSubscriptionSnapshots(dataSource);
  }

  /** A new listener for outbox writes; it holds one pooled connection until closed. */
  public OutboxSignal outboxSignal() {
    return new PgOutboxSignal(dataSource);
  }

  /**
   * Re-encrypts every stored webhook secret not sealed by the first key of the cipher, in batches
   * of 100 rows per transaction (key rotation: see docs/configuration.md). Safe to run while the
   * API and workers run, and from several processes at once; returns how many rows it rewrote.
   */
  public int reencryptSecrets() {
    return new SecretReencryption(dataSource, cipher, SecretReencryption.DEFAULT_BATCH)
        .run()
        .reencrypted();
  }

  /** Payload retention over this database; see {@link RetentionJob}. */
  public RetentionJob retention(java.time.Duration maxAge) {
    return new RetentionJob(dataSource, maxAge);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
