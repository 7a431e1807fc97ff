package dev.hookline.store;

import static dev.hookline.store.PgWebhookStore.instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

final class PgDeliveryStore implements DeliveryStore, AttemptRecorder {
  /** The event data as sent: the exact text since V9, the jsonb of rows written before. */
  static final String PAYLOAD = "coalesce(e.payload, e.data::text)";

  static final String VIEW_COLUMNS =
      "d.id, d.webhook_id, d.event_id, d.event_source, e.type, d.trigger, d.status, d.attempts, d.last_status_code,"
          + " d.last_error, d.next_attempt_at, d.created_at, d.updated_at";

  private static final String REDELIVERY_COLUMNS =
      "d.id, d.webhook_id, d.trigger, d.status, d.attempts, e.id, e.type, e.source, e.occurred_at, "
          + PAYLOAD
          + ","
          + " e.tenant_id";

  private final DataSource dataSource;

  PgDeliveryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public List<Refused> recordAll(List<AttemptRecord> attempts) {
    if (attempts.isEmpty()) return List.of();
    // one lock order for every writer: concurrent workers never deadlock on delivery rows
    List<AttemptRecord> sorted = new ArrayList<>(attempts);
    sorted.sort(
        Comparator.comparing((AttemptRecord a) -> a.task().deliveryId())
            .thenComparingInt(a -> a.task().attempt()));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true); // the one statement is the batch's transaction
      if (AttemptWriter.writeInOneStatement(c, sorted)) return List.of();
    } catch (SQLException e) {
      if (!AttemptWriter.isDataError(e)) throw new StoreException(e);
      // nothing was written: one bad attempt must not fail its batch-mates, set it apart
      return Tx.run(dataSource, c -> AttemptWriter.writeApart(c, sorted));
    }
    return Tx.run(
        dataSource,
        c -> {
          try {
            AttemptWriter.writeAll(c, sorted);
            return List.of();
          } catch (SQLException e) {
            if (!AttemptWriter.isDataError(e)) throw e;
            c.rollback(); // one bad attempt must not fail its batch-mates: set it apart
            return AttemptWriter.writeApart(c, sorted);
          }
        });
  }

  @Override
  public void ping() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(5);
      s.execute("select 1");
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  @Override
  public List<DeliveryView> listForWebhook(
      UUID webhookId, DeliveryStatus status, Instant since, UUID before, int limit) {
    return Tx.run(
        dataSource,
        c -> {
          StringBuilder sql =
              new StringBuilder(
                  "select "
                      + VIEW_COLUMNS
                      + " from deliveries d join events e on e.id = d.event_id and e.source = d.event_source where d.webhook_id = ?");
          if (status != null) sql.append(" and d.status = ?");
          if (since != null) sql.append(" and d.created_at >= ?");
          if (before != null) {
            sql.append(
                " and (d.created_at, d.id) < (select created_at, id from deliveries where id = ?)");
          }
          sql.append(" order by d.created_at desc, d.id desc limit ?");
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setObject(i++, webhookId);
            if (status != null) ps.setString(i++, status.dbName());
            if (since != null) ps.setTimestamp(i++, Timestamp.from(since));
            if (before != null) ps.setObject(i++, before);
            ps.setInt(i, limit);
            List<DeliveryView> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) page.add(view(rs, null, List.of()));
            }
            return page;
          }
        });
  }

  @Override
  public List<DeliveryView> list(DeliveryQuery query, UUID before, int limit) {
    return Tx.run(dataSource, c -> TenantDeliveries.page(c, query, before, limit));
  }

  @Override
  public Optional<DeliveryView> find(UUID deliveryId) {
    return Tx.run(
        dataSource,
        c -> {
          // one snapshot for the delivery row and its attempts: a batch committing between the two
          // reads must not show a finished delivery without its attempts
          try (var isolation = c.createStatement()) {
            isolation.execute("set transaction isolation level repeatable read");
          }
          List<DeliveryView.AttemptView> attempts = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select attempt, trigger, started_at, duration_ms, status_code, response_excerpt, error_class,"
                      + " error_message, worker_id from delivery_attempts where delivery_id = ? order by attempt")) {
            ps.setObject(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                attempts.add(
                    new DeliveryView.AttemptView(
                        rs.getInt(1),
                        rs.getString(2),
                        instant(rs.getTimestamp(3)),
                        rs.getInt(4),
                        (Integer) rs.getObject(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select "
                      + VIEW_COLUMNS
                      + ", "
                      + PAYLOAD
                      + " from deliveries d join events e on e.id = d.event_id and e.source = d.event_source where d.id = ?")) {
            ps.setObject(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return Optional.empty();
              return Optional.of(view(rs, rs.getString(14), attempts));
            }
          }
        });
  }

  @Override
  public List<Redelivery> failedBetween(UUID webhookId, Instant since, Instant until, int limit) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select "
                      + REDELIVERY_COLUMNS
                      + " from deliveries d join events e on e.id = d.event_id and e.source = d.event_source"
                      + " where d.webhook_id = ? and d.status = 'failed' and d.trigger <> 'test'"
                      + " and d.created_at >= ? and d.created_at < ? order by d.created_at, d.id limit ?")) {
            ps.setObject(1, webhookId);
            ps.setTimestamp(2, Timestamp.from(since));
            ps.setTimestamp(3, Timestamp.from(until));
            ps.setInt(4, Math.min(limit, MAX_RECOVER));
            List<Redelivery> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) found.add(redelivery(rs));
            }
            return found;
          }
        });
  }

  @Override
  public Optional<Redelivery> redelivery(UUID deliveryId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select "
                      + REDELIVERY_COLUMNS
                      + " from deliveries d join events e on e.id = d.event_id and e.source = d.event_source where d.id = ?")) {
            ps.setObject(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(redelivery(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public int markRequeued(List<Redelivery> queued) {
    if (queued.isEmpty()) return 0;
    List<Redelivery> sorted = new ArrayList<>(queued);
    sorted.sort(Comparator.comparing(Redelivery::deliveryId)); // same lock order as recordAll
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update deliveries set status = 'pending', next_attempt_at = null, updated_at = now()"
                      + " where id = ? and attempts = ?")) {
            for (Redelivery r : sorted) {
              ps.setObject(1, r.deliveryId());
              ps.setInt(2, r.nextAttempt() - 1);
              ps.addBatch();
            }
            int marked = 0;
            for (int n : ps.executeBatch()) marked += Math.max(n, 0);
            return marked;
          }
        });
  }

  private static Redelivery redelivery(ResultSet rs) throws SQLException {
    try {
      Event event =
          new Event(
              rs.getString(6),
              rs.getString(7),
              rs.getString(8),
              rs.getTimestamp(9).toInstant(),
              Json.MAPPER.readTree(rs.getString(10)),
              rs.getString(11));
      return new Redelivery(
          rs.getObject(1, UUID.class),
          rs.getObject(2, UUID.class),
          Trigger.fromWireName(rs.getString(3)),
          DeliveryStatus.fromDbName(rs.getString(4)),
          event,
          rs.getInt(5) + 1);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt event payload", e);
    }
  }

  static DeliveryView view(ResultSet rs, String payload, List<DeliveryView.AttemptView> attempts)
      throws SQLException {
    try {
      return new DeliveryView(
          rs.getObject(1, UUID.class),
          rs.getObject(2, UUID.class),
          rs.getString(3),
          rs.getString(4),
          rs.getString(5),
          rs.getString(6),
          DeliveryStatus.fromDbName(rs.getString(7)),
          rs.getInt(8),
          (Integer) rs.getObject(9),
          rs.getString(10),
          instant(rs.getTimestamp(11)),
          instant(rs.getTimestamp(12)),
          instant(rs.getTimestamp(13)),
          payload == null ? null : Json.MAPPER.readTree(payload),
          attempts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt event payload", e);
    }
  }
}
