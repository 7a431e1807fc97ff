package dev.hookline.store;

import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

final class PgSubscriptionSnapshots implements SubscriptionSnapshots {
  /** Advisory lock held while one instance takes a snapshot ("hookline snapshot" in spirit). */
  static final long SNAPSHOT_LOCK = 0x486f6f6b536e6170L;

  /**
   * How long the snapshot may wait for in-flight webhook changes. While it waits, new changes queue
   * behind it, so it gives up early and tries again later rather than stall the API.
   */
  static final String LOCK_TIMEOUT = "3s";

  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final DataSource dataSource;

  PgSubscriptionSnapshots(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Outcome enqueueIfDue(Duration minInterval, Duration tombstoneWindow) {
    Objects.requireNonNull(minInterval, "minInterval");
    Objects.requireNonNull(tombstoneWindow, "tombstoneWindow");
    if (minInterval.isNegative() || tombstoneWindow.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    try {
      return Tx.run(dataSource, c -> snapshot(c, minInterval, tombstoneWindow));
    } catch (StoreException e) {
      if (e.getCause() instanceof SQLException sql
          && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
        return new Busy("webhook changes held the webhooks table for more than " + LOCK_TIMEOUT);
      }
      throw e;
    }
  }

  private static Outcome snapshot(Connection c, Duration minInterval, Duration tombstoneWindow)
      throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
      lock.setLong(1, SNAPSHOT_LOCK);
      try (ResultSet rs = lock.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) return new Busy("another instance is taking a snapshot");
      }
    }
    try (PreparedStatement due =
        c.prepareStatement(
            "select extract(epoch from (taken_at + ? * interval '1 millisecond' - clock_timestamp())) * 1000"
                + " from subscription_snapshots")) {
      due.setLong(1, minInterval.toMillis());
      try (ResultSet rs = due.executeQuery()) {
        if (rs.next() && rs.getDouble(1) > 0)
          return new NotDue(Duration.ofMillis((long) Math.ceil(rs.getDouble(1))));
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("set local lock_timeout = '" + LOCK_TIMEOUT + "'");
      // See SubscriptionSnapshots: this lock is what keeps a snapshot from overtaking a newer
      // version.
      s.execute("lock table webhooks in share mode");
    }
    List<String> keys = new ArrayList<>();
    List<String> payloads = new ArrayList<>();
    int tombstones = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "select id, version, events, active and disabled_at is null, deleted_at is not null, tenant_id, filter"
                + " from webhooks"
                + " where deleted_at is null or deleted_at > now() - ? * interval '1 millisecond' order by id")) {
      ps.setLong(1, tombstoneWindow.toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          keys.add(id.toString());
          if (rs.getBoolean(5)) {
            payloads.add(null);
            tombstones++;
          } else {
            // the same record PgWebhookStore writes on a change
            Subscription routing =
                new Subscription(
                    id,
                    rs.getLong(2),
                    List.of((String[]) rs.getArray(3).getArray()),
                    rs.getBoolean(4),
                    rs.getString(6),
                    PgWebhookStore.filter(rs.getString(7)));
            payloads.add(Json.toString(routing));
          }
        }
      }
    }
    if (!keys.isEmpty()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "insert into outbox (topic, record_key, payload)"
                  + " select ?, k, p from unnest(?::text[], ?::text[]) with ordinality as t(k, p, n) order by n")) {
        insert.setString(1, Topics.SUBSCRIPTIONS);
        insert.setArray(2, c.createArrayOf("text", keys.toArray()));
        insert.setArray(3, c.createArrayOf("text", payloads.toArray()));
        insert.executeUpdate();
      }
    }
    int records = keys.size() - tombstones;
    try (PreparedStatement mark =
        c.prepareStatement(
            "insert into subscription_snapshots (singleton, taken_at, records, tombstones) values (true, clock_timestamp(), ?, ?)"
                + " on conflict (singleton) do update set taken_at = excluded.taken_at, records = excluded.records,"
                + " tombstones = excluded.tombstones")) {
      mark.setInt(1, records);
      mark.setInt(2, tombstones);
      mark.executeUpdate();
    }
    return new Enqueued(records, tombstones);
  }

  @Override
  public int purgePublished(Duration olderThan) {
    Objects.requireNonNull(olderThan, "olderThan");
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "delete from outbox where published_at < now() - ? * interval '1 millisecond'")) {
            ps.setLong(1, olderThan.toMillis());
            return ps.executeUpdate();
          }
        });
  }
}
