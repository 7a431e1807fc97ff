package dev.hookline.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

final class PgWebhookHealth implements WebhookHealth {
  private final DataSource dataSource;

  PgWebhookHealth(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void record(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) return;
    List<Outcome> sorted = new ArrayList<>(outcomes);
    sorted.sort(Comparator.comparing(Outcome::webhookId)); // one lock order across workers
    Tx.run(
        dataSource,
        c -> {
          // Workers record out of order: a success only ends a failure streak that began before it,
          // and a failure only starts one when no later success is known.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into webhook_health (webhook_id, last_success_at) values (?, ?)"
                      + " on conflict (webhook_id) do update set"
                      + " failing_since = case when webhook_health.failing_since <= excluded.last_success_at then null"
                      + " else webhook_health.failing_since end,"
                      + " last_success_at = greatest(webhook_health.last_success_at, excluded.last_success_at),"
                      + " updated_at = now()")) {
            int n = 0;
            for (Outcome o : sorted) {
              if (o.lastSuccessAt() == null) continue;
              ps.setObject(1, o.webhookId());
              ps.setTimestamp(2, Timestamp.from(o.lastSuccessAt()));
              ps.addBatch();
              n++;
            }
            if (n > 0) ps.executeBatch();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into webhook_health (webhook_id, failing_since, last_failure_at) values (?, ?, ?)"
                      + " on conflict (webhook_id) do update set"
                      + " failing_since = case"
                      + " when webhook_health.failing_since is not null"
                      + " then least(webhook_health.failing_since, excluded.failing_since)"
                      + " when webhook_health.last_success_at >= excluded.failing_since then null"
                      + " else excluded.failing_since end,"
                      + " last_failure_at = greatest(webhook_health.last_failure_at, excluded.last_failure_at),"
                      + " updated_at = now()")) {
            int n = 0;
            for (Outcome o : sorted) {
              if (o.firstFailureAt() == null) continue;
              ps.setObject(1, o.webhookId());
              ps.setTimestamp(2, Timestamp.from(o.firstFailureAt()));
              ps.setTimestamp(3, Timestamp.from(o.firstFailureAt()));
              ps.addBatch();
              n++;
            }
            if (n > 0) ps.executeBatch();
          }
          return null;
        });
  }

  @Override
  public List<UUID> failingSince(Instant cutoff, int limit) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select h.webhook_id from webhook_health h join webhooks w on w.id = h.webhook_id"
                      + " where h.failing_since < ? and w.deleted_at is null and w.active and w.disabled_at is null"
                      + " order by h.failing_since limit ?")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            ps.setInt(2, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) ids.add(rs.getObject(1, UUID.class));
            }
            return ids;
          }
        });
  }

  @Override
  public Optional<Webhook> disable(UUID webhookId, String reason) {
    return Tx.run(
        dataSource,
        c -> {
          Optional<Webhook> disabled;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update webhooks set disabled_at = now(), disabled_reason = ?, version = version + 1, updated_at = now()"
                      + " where id = ? and deleted_at is null and disabled_at is null returning "
                      + PgWebhookStore.COLUMNS)) {
            ps.setString(1, reason);
            ps.setObject(2, webhookId);
            disabled = PgWebhookStore.single(ps);
          }
          if (disabled.isEmpty()) return disabled;
          PgWebhookStore.writeOutbox(c, disabled.get());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update deliveries set status = 'cancelled', next_attempt_at = null, updated_at = now()"
                      + " where webhook_id = ? and status = 'retrying'")) {
            ps.setObject(1, webhookId);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("delete from webhook_health where webhook_id = ?")) {
            ps.setObject(1, webhookId);
            ps.executeUpdate();
          }
          return disabled;
        });
  }
}
