package dev.hookline.app.faults;

import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.EventIdentity;
import dev.hookline.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** What PostgreSQL recorded about the deliveries of a fault test, read straight from its tables. */
final class Ledger {
  private Ledger() {}

  /** One row of {@code delivery_attempts}. */
  record Attempt(
      UUID deliveryId,
      int attempt,
      String trigger,
      Instant startedAt,
      int durationMs,
      Integer statusCode,
      String errorClass,
      String responseExcerpt,
      String errorMessage) {
    boolean succeeded() {
      return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
  }

  /** The delivery id of every (event of {@link Load}, webhook) pair. */
  static List<UUID> pairs(Collection<String> eventIds, Collection<UUID> webhooks) {
    List<UUID> ids = new ArrayList<>(eventIds.size() * webhooks.size());
    for (String e : eventIds)
      for (UUID w : webhooks) ids.add(EventIdentity.deliveryId(Load.SOURCE, e, w));
    return ids;
  }

  /** How many of these deliveries are in each status ("missing": no row at all). */
  static Map<String, Long> statuses(Database db, List<UUID> deliveryIds) {
    Map<String, Long> counts = new TreeMap<>();
    query(
        db,
        "select status, count(*) from deliveries where id = any(?) group by status",
        List.of(deliveryIds),
        rs -> counts.put(rs.getString(1), rs.getLong(2)));
    long found = counts.values().stream().mapToLong(Long::longValue).sum();
    if (found < deliveryIds.size()) counts.put("missing", deliveryIds.size() - found);
    return counts;
  }

  /**
   * Waits until every one of these deliveries is {@code succeeded}; returns when that was seen.
   * Fails with the statuses of the moment when they are not there by the deadline.
   */
  static Instant awaitAllSucceeded(Database db, List<UUID> deliveryIds, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions() // the database may be coming back
        .alias("every delivery succeeded")
        .until(
            () -> statuses(db, deliveryIds),
            s -> s.size() == 1 && s.getOrDefault("succeeded", 0L) == deliveryIds.size());
    return Instant.now();
  }

  /**
   * Deliveries whose attempts are not exactly 1..{@code attempts}: a delivery row written without
   * its attempt rows, or the other way round (a half-written result).
   */
  static List<String> halfWritten(Database db) {
    List<String> rows = new ArrayList<>();
    query(
        db,
        "select d.id, d.attempts, count(a.attempt), coalesce(max(a.attempt), 0) from deliveries d"
            + " left join delivery_attempts a on a.delivery_id = d.id group by d.id, d.attempts"
            + " having d.attempts <> count(a.attempt) or d.attempts <> coalesce(max(a.attempt), 0)",
        List.of(),
        rs ->
            rows.add(
                rs.getString(1)
                    + ": attempts="
                    + rs.getInt(2)
                    + ", rows="
                    + rs.getInt(3)
                    + ", last="
                    + rs.getInt(4)));
    return rows;
  }

  /** Succeeded deliveries whose last attempt is not a 2xx. */
  static long succeededWithoutA2xx(Database db) {
    return count(
        db,
        "select count(*) from deliveries d join delivery_attempts a on a.delivery_id = d.id"
            + " and a.attempt = d.attempts where d.status = 'succeeded'"
            + " and (a.status_code is null or a.status_code not between 200 and 299)");
  }

  /** Every attempt made for a webhook, by delivery and attempt number. */
  static List<Attempt> attempts(Database db, UUID webhook) {
    List<Attempt> attempts = new ArrayList<>();
    query(
        db,
        "select a.delivery_id, a.attempt, a.trigger, a.started_at, a.duration_ms, a.status_code,"
            + " a.error_class, a.response_excerpt, a.error_message"
            + " from delivery_attempts a join deliveries d on d.id = a.delivery_id"
            + " where d.webhook_id = ? order by a.delivery_id, a.attempt",
        List.of(webhook),
        rs ->
            attempts.add(
                new Attempt(
                    rs.getObject(1, UUID.class),
                    rs.getInt(2),
                    rs.getString(3),
                    rs.getTimestamp(4).toInstant(),
                    rs.getInt(5),
                    (Integer) rs.getObject(6),
                    rs.getString(7),
                    rs.getString(8),
                    rs.getString(9))));
    return attempts;
  }

  static long count(Database db, String sql) {
    return count(db, sql, List.of());
  }

  static long count(Database db, String sql, List<Object> params) {
    long[] n = new long[1];
    query(db, sql, params, rs -> n[0] = rs.getLong(1));
    return n[0];
  }

  @FunctionalInterface
  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(Database db, String sql, List<Object> params, RowReader reader) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Collection<?> ids) {
          ps.setArray(i + 1, c.createArrayOf("uuid", ids.toArray()));
        } else {
          ps.setObject(i + 1, p);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) reader.read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
