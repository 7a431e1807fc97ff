package dev.hookline.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * What {@code hookline status} shows from PostgreSQL. Read-only, and without {@link Database}: no
 * pool and no migration, so that a status check never changes the database it looks at.
 *
 * @param lastMinute attempts started in the last minute, by outcome
 * @param openCircuits open and half-open circuit breakers reported by workers within {@link
 *     #CIRCUIT_FRESHNESS}, newest first, at most {@link #MAX_CIRCUITS}
 */
public record StoreStatus(
    WebhookCounts webhooks,
    AttemptCounts lastMinute,
    RetryTimers.Counts retries,
    List<CircuitBreakerLog.OpenCircuit> openCircuits) {

  /** Rows older than this are taken for leftovers of workers that died (see V6). */
  public static final Duration CIRCUIT_FRESHNESS = Duration.ofHours(1);

  public static final int MAX_CIRCUITS = 100;

  /** Webhooks not deleted: active, paused by an admin (inactive), or disabled by Hookline. */
  public record WebhookCounts(long active, long inactive, long disabled) {}

  /**
   * @param succeeded a 2xx answer
   * @param httpError any other HTTP status
   * @param noResponse no HTTP answer: timeout, connection error, refused by the SSRF guard
   */
  public record AttemptCounts(long succeeded, long httpError, long noResponse) {}

  /** Reads everything; throws {@link StoreException} when PostgreSQL cannot answer. */
  public static StoreStatus read(DataSource dataSource) {
    record Counts(WebhookCounts webhooks, AttemptCounts attempts) {}
    Counts counts =
        Tx.run(
            dataSource,
            c -> {
              WebhookCounts webhooks;
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "select count(*) filter (where disabled_at is null and active),"
                              + " count(*) filter (where disabled_at is null and not active),"
                              + " count(*) filter (where disabled_at is not null)"
                              + " from webhooks where deleted_at is null");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                webhooks = new WebhookCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3));
              }
              // served by delivery_attempts_started
              try (PreparedStatement ps =
                      c.prepareStatement(
                          "select count(*) filter (where status_code between 200 and 299),"
                              + " count(*) filter (where status_code not between 200 and 299),"
                              + " count(*) filter (where status_code is null)"
                              + " from delivery_attempts where started_at > now() - interval '1 minute'");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(
                    webhooks, new AttemptCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
              }
            });
    return new StoreStatus(
        counts.webhooks(),
        counts.attempts(),
        new PgRetryTimers(dataSource).counts(),
        new PgCircuitBreakerLog(dataSource).open(CIRCUIT_FRESHNESS, MAX_CIRCUITS));
  }
}
