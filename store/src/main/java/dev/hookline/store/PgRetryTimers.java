package dev.hookline.store;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

final class PgRetryTimers implements RetryTimers {
  private static final String ROUTABLE =
      "w.deleted_at is null and w.active and w.disabled_at is null";

  private final DataSource dataSource;

  PgRetryTimers(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public List<Deferral> defer(List<Deferral> deferrals) {
    if (deferrals.isEmpty()) return List.of();
    List<Deferral> sorted = new ArrayList<>(deferrals);
    // the lock order of PgDeliveryStore.recordAll, so the two never deadlock
    sorted.sort(Comparator.comparing((Deferral d) -> d.task().deliveryId()));
    return Tx.run(
        dataSource,
        c -> {
          try {
            AttemptWriter.insertEvents(c, sorted.stream().map(d -> d.task().event()).toList());
            writeTimers(c, sorted);
            return List.of();
          } catch (SQLException e) {
            if (!AttemptWriter.isDataError(e)) throw e;
            c.rollback(); // one deferral PostgreSQL refuses must not fail the others
          }
          List<Deferral> refused = new ArrayList<>();
          for (Deferral d : sorted) {
            Savepoint before = c.setSavepoint();
            try {
              AttemptWriter.insertEvents(c, List.of(d.task().event()));
              writeTimers(c, List.of(d));
              c.releaseSavepoint(before);
            } catch (SQLException e) {
              if (!AttemptWriter.isDataError(e)) throw e;
              c.rollback(before);
              refused.add(d);
            }
          }
          return refused;
        });
  }

  private static void writeTimers(Connection c, List<Deferral> sorted) throws SQLException {
    // attempts stays at attempt - 1: the deferred attempt is still to be made, by whoever gets the
    // task next; recording that attempt (attempts = attempt) wins over this row either way
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into deliveries (id, event_id, event_source, webhook_id, webhook_version, trigger,"
                + " status, attempts, next_attempt_at) values (?, ?, ?, ?, ?, ?, 'retrying', ?, ?)"
                + " on conflict (id) do update set status = 'retrying', next_attempt_at = excluded.next_attempt_at,"
                + " updated_at = now()"
                + " where deliveries.attempts <= excluded.attempts and deliveries.status <> 'cancelled'")) {
      for (Deferral d : sorted) {
        DeliveryTask t = d.task();
        ps.setObject(1, t.deliveryId());
        ps.setString(2, t.event().id());
        ps.setString(3, t.event().source());
        ps.setObject(4, t.webhookId());
        ps.setLong(5, t.webhookVersion());
        ps.setString(6, t.trigger().wireName());
        ps.setInt(7, t.attempt() - 1);
        ps.setTimestamp(8, Timestamp.from(d.until()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public int publishDue(int limit, Duration lease, Publisher<DeliveryTask> publisher)
      throws Exception {
    return inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update deliveries set status = 'cancelled', next_attempt_at = null, updated_at = now()"
                      + " where id in (select d.id from deliveries d join webhooks w on w.id = d.webhook_id"
                      + " where d.status = 'retrying' and d.next_attempt_at <= now() and not ("
                      + ROUTABLE
                      + ")"
                      + " limit ? for update of d skip locked)")) {
            ps.setInt(1, limit);
            ps.executeUpdate();
          }
          List<DeliveryTask> tasks = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select d.id, d.webhook_id, w.version, d.attempts, e.id, e.type, e.source, e.occurred_at, "
                      + PgDeliveryStore.PAYLOAD
                      + ","
                      + " e.tenant_id, w.tenant_id"
                      + " from deliveries d join webhooks w on w.id = d.webhook_id join events e on e.id = d.event_id and e.source = d.event_source"
                      + " where d.status = 'retrying' and d.next_attempt_at <= now() and "
                      + ROUTABLE
                      + " order by d.next_attempt_at limit ? for update of d skip locked")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                tasks.add(
                    new DeliveryTask(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getLong(3),
                        rs.getInt(4) + 1,
                        Trigger.RETRY,
                        event(rs, 5),
                        rs.getString(11)));
              }
            }
          }
          if (tasks.isEmpty()) return 0;
          publisher.publishAll(tasks);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update deliveries set next_attempt_at = now() + ? * interval '1 millisecond', updated_at = now()"
                      + " where id = any(?)")) {
            ps.setLong(1, lease.toMillis());
            ps.setArray(
                2, c.createArrayOf("uuid", tasks.stream().map(DeliveryTask::deliveryId).toArray()));
            ps.executeUpdate();
          }
          return tasks.size();
        });
  }

  @Override
  public int publishDeadLetters(int limit, Publisher<DeadLetter> publisher) throws Exception {
    return inTransaction(
        c -> {
          List<DeadLetter> letters = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select d.id, d.webhook_id, d.webhook_version, greatest(coalesce(d.status_attempt, d.attempts), 1), coalesce(a.trigger, d.trigger),"
                      + " d.last_status_code, a.error_class, d.last_error, d.updated_at,"
                      + " e.id, e.type, e.source, e.occurred_at, "
                      + PgDeliveryStore.PAYLOAD
                      + ", e.tenant_id, w.tenant_id"
                      + " from deliveries d join events e on e.id = d.event_id and e.source = d.event_source"
                      + " left join webhooks w on w.id = d.webhook_id"
                      + " left join delivery_attempts a on a.delivery_id = d.id and a.attempt = d.attempts"
                      + " where d.status = 'failed' and d.dead_lettered_at is null and d.trigger <> 'test'"
                      + " order by d.updated_at limit ? for update of d skip locked")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                DeliveryTask task =
                    new DeliveryTask(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getLong(3),
                        rs.getInt(4),
                        Trigger.fromWireName(rs.getString(5)),
                        event(rs, 10),
                        rs.getString(16));
                letters.add(
                    new DeadLetter(
                        task,
                        new DeadLetter.LastError(
                            (Integer) rs.getObject(6),
                            rs.getString(7),
                            rs.getString(8),
                            PgWebhookStore.instant(rs.getTimestamp(9)))));
              }
            }
          }
          if (letters.isEmpty()) return 0;
          publisher.publishAll(letters);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update deliveries set dead_lettered_at = now() where id = any(?)")) {
            ps.setArray(
                1,
                c.createArrayOf(
                    "uuid", letters.stream().map(l -> l.task().deliveryId()).toArray()));
            ps.executeUpdate();
          }
          return letters.size();
        });
  }

  @Override
  public Counts counts() {
    return Tx.run(
        dataSource,
        c -> {
          // served by the partial index deliveries_due
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "select count(*) filter (where next_attempt_at <= now()), count(*) from deliveries where status = 'retrying'");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Counts(rs.getLong(1), rs.getLong(2));
          }
        });
  }

  private static Event event(ResultSet rs, int first) throws SQLException {
    return new Event(
        rs.getString(first),
        rs.getString(first + 1),
        rs.getString(first + 2),
        rs.getTimestamp(first + 3).toInstant(),
        Json.readTree(rs.getString(first + 4).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        rs.getString(first + 5));
  }

  @FunctionalInterface
  private interface Work {
    int apply(Connection c) throws Exception;
  }

  /** Like {@link Tx#run} but lets the publisher's exception through unchanged. */
  private int inTransaction(Work work) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n = work.apply(c);
        c.commit();
        return n;
      } catch (Exception e) {
        c.rollback();
        if (e instanceof SQLException sql) throw new StoreException(sql);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }
}
