package dev.hookline.bench;

import dev.hookline.store.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * How many transactions PostgreSQL committed, from {@code pg_stat_database}: like {@link
 * BrokerRequests}, a count that does not move with how busy the machine is, so a change that saves
 * transactions (the worker's group commit) shows in it even when the CPU figures are lost in the
 * noise. PostgreSQL 14 reports a backend's counts up to a second late, so the second snapshot is
 * taken once every attempt is recorded; the bench's own few queries are in it.
 */
final class PostgresCommits {
  private PostgresCommits() {}

  /** Transactions committed in the stack's database so far; -1 when it cannot be read. */
  static long snapshot(Database db) {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select xact_commit from pg_stat_database where datname = current_database()")) {
      return rs.next() ? rs.getLong(1) : -1;
    } catch (SQLException e) {
      return -1; // the figure is missing, not wrong
    }
  }

  /** {@code postgresCommitsPerDelivery} between two snapshots, to three decimals. */
  static Map<String, Object> figures(long before, long after, long deliveries) {
    if (before < 0 || after < 0 || deliveries <= 0) return Map.of();
    return Map.of(
        "postgresCommitsPerDelivery", Math.round((after - before) * 1000.0 / deliveries) / 1000.0);
  }
}
