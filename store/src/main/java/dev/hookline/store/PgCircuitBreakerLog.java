package dev.hookline.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

final class PgCircuitBreakerLog implements CircuitBreakerLog {
  private final DataSource dataSource;

  PgCircuitBreakerLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void record(String workerId, List<Change> changes) {
    if (changes.isEmpty()) return;
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement upsert =
                  c.prepareStatement(
                      "insert into circuit_breakers (webhook_id, worker_id, state, open_until, changed_at)"
                          + " values (?, ?, ?, ?, ?) on conflict (webhook_id, worker_id) do update set"
                          + " state = excluded.state, open_until = excluded.open_until,"
                          + " changed_at = excluded.changed_at");
              PreparedStatement delete =
                  c.prepareStatement(
                      "delete from circuit_breakers where webhook_id = ? and worker_id = ?")) {
            for (Change change : changes) {
              if (change.state() == State.CLOSED) {
                delete.setObject(1, change.webhookId());
                delete.setString(2, workerId);
                delete.executeUpdate();
              } else {
                upsert.setObject(1, change.webhookId());
                upsert.setString(2, workerId);
                upsert.setString(3, change.state().name().toLowerCase(Locale.ROOT));
                upsert.setTimestamp(
                    4, change.openUntil() == null ? null : Timestamp.from(change.openUntil()));
                upsert.setTimestamp(5, Timestamp.from(change.at()));
                upsert.executeUpdate();
              }
            }
          }
          return null;
        });
  }

  @Override
  public void forget(String workerId) {
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "delete from circuit_breakers where worker_id = ?"
                      + " or changed_at < now() - interval '1 day'")) {
            ps.setString(1, workerId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<OpenCircuit> open(Duration freshness, int limit) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select b.webhook_id, w.name, b.worker_id, b.state, b.open_until, b.changed_at"
                      + " from circuit_breakers b left join webhooks w on w.id = b.webhook_id"
                      + " where b.changed_at > now() - ? * interval '1 millisecond'"
                      + " order by b.changed_at desc, b.webhook_id, b.worker_id limit ?")) {
            ps.setLong(1, freshness.toMillis());
            ps.setInt(2, limit);
            List<OpenCircuit> open = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Timestamp until = rs.getTimestamp(5);
                open.add(
                    new OpenCircuit(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        State.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
                        until == null ? null : until.toInstant(),
                        rs.getTimestamp(6).toInstant()));
              }
            }
            return open;
          }
        });
  }
}
