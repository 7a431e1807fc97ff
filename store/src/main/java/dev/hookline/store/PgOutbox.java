package dev.hookline.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

final class PgOutbox implements Outbox {
  private final DataSource dataSource;

  PgOutbox(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public int relayBatch(int limit, Publisher publisher) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
          lock.setLong(1, RELAY_LOCK);
          try (ResultSet rs = lock.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
              c.rollback();
              return 0;
            }
          }
        }
        List<OutboxRecord> batch = new ArrayList<>();
        try (PreparedStatement select =
            c.prepareStatement(
                "select seq, topic, record_key, payload from outbox where published_at is null order by seq limit ?")) {
          select.setInt(1, limit);
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              batch.add(
                  new OutboxRecord(
                      rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
          }
        }
        if (batch.isEmpty()) {
          c.rollback();
          return 0;
        }
        publisher.publishAll(batch);
        try (PreparedStatement mark =
            c.prepareStatement("update outbox set published_at = now() where seq = any(?)")) {
          // exact seqs, not a range: a row with a seq inside the range may commit after our read
          mark.setArray(
              1, c.createArrayOf("bigint", batch.stream().map(OutboxRecord::seq).toArray()));
          mark.executeUpdate();
        }
        c.commit();
        return batch.size();
      } catch (Exception e) {
        c.rollback();
        throw e;
      }
    }
  }
}
