package dev.hookline.store;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

final class PgIdempotencyKeys implements IdempotencyKeys {
  /** Expired keys deleted by each first claim, so the table never grows past a day's keys. */
  private static final int EXPIRED_PER_CLAIM = 100;

  private static final String FREE =
      "idempotency_keys.created_at < now() - make_interval(secs => ?)"
          + " or (idempotency_keys.event_id is null"
          + " and idempotency_keys.created_at < now() - make_interval(secs => ?))";

  private final DataSource dataSource;

  PgIdempotencyKeys(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Claim claim(String key, byte[] requestSha256) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into idempotency_keys (key, request_sha256) values (?, ?)"
                      + " on conflict (key) do update set request_sha256 = excluded.request_sha256,"
                      + " event_id = null, created_at = now() where "
                      + FREE
                      + " returning key")) {
            ps.setString(1, key);
            ps.setBytes(2, requestSha256);
            ps.setLong(3, KEPT_FOR.toSeconds());
            ps.setLong(4, ABANDONED_AFTER.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                deleteSomeExpired(c);
                return new Claim.First();
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select request_sha256, event_id from idempotency_keys where key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              // deleted since (its request failed): whoever claims next has it; this one waits
              if (!rs.next()) return new Claim.InProgress();
              if (!MessageDigest.isEqual(rs.getBytes(1), requestSha256))
                return new Claim.OtherRequest();
              String eventId = rs.getString(2);
              return eventId == null ? new Claim.InProgress() : new Claim.Answered(eventId);
            }
          }
        });
  }

  private static void deleteSomeExpired(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "delete from idempotency_keys where key in (select key from idempotency_keys"
                + " where created_at < now() - make_interval(secs => ?) limit ?)")) {
      ps.setLong(1, KEPT_FOR.toSeconds());
      ps.setInt(2, EXPIRED_PER_CLAIM);
      ps.executeUpdate();
    }
  }

  @Override
  public void complete(String key, String eventId) {
    update("update idempotency_keys set event_id = ? where key = ?", eventId, key);
  }

  @Override
  public void release(String key) {
    update("delete from idempotency_keys where key = ? and event_id is null", key);
  }

  private void update(String sql, String... values) {
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) ps.setString(i + 1, values[i]);
            return ps.executeUpdate();
          }
        });
  }
}
