package dev.hookline.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;

final class PgRateBudgets implements RateBudgets {
  private final DataSource dataSource;

  PgRateBudgets(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Lease lease(UUID webhookId, int limit, int want, Duration horizon, Duration parkAfter) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("select * from webhook_rate_lease(?, ?, ?, ?, ?)")) {
            ps.setObject(1, webhookId);
            ps.setInt(2, limit);
            ps.setInt(3, want);
            ps.setInt(4, (int) Math.max(0, horizon.toMillis()));
            ps.setInt(5, (int) Math.max(0, parkAfter.toMillis()));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return new Lease(
                  rs.getDouble("first_ms"),
                  rs.getInt("granted"),
                  rs.getDouble("next_ms"),
                  rs.getInt("parked"),
                  rs.getDouble("park_ms"));
            }
          }
        });
  }

  @Override
  public void pause(UUID webhookId, Duration pause) {
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into webhook_rate_budgets as b (webhook_id, next_free, parked_until)"
                      + " select ?, clock_timestamp() + ? * interval '1 millisecond', clock_timestamp()"
                      + " on conflict (webhook_id) do update"
                      + " set next_free = greatest(b.next_free, excluded.next_free)")) {
            ps.setObject(1, webhookId);
            ps.setLong(2, pause.toMillis());
            return ps.executeUpdate();
          }
        });
  }
}
