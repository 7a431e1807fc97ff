package dev.hookline.store;

import dev.hookline.schemas.Event;
import dev.hookline.schemas.RawData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SQL of {@link AttemptRecorder#recordAll}: the whole batch in one go, and when PostgreSQL
 * refuses it for its data, one attempt at a time behind savepoints, so that only the bad ones are
 * set apart (and recorded in their safe form).
 */
final class AttemptWriter {
  /**
   * Which attempt is newer: the task's attempt number, then the request's start. Rows written
   * before V9 have no status_attempt: their attempts column was the attempt number.
   */
  private static final String NEWER =
      "(excluded.status_attempt, excluded.status_started_at)"
          + " >= (coalesce(cur.status_attempt, cur.attempts), coalesce(cur.status_started_at, '-infinity'))";

  /**
   * The delivery row's upsert: counting the request, moving the status only for an attempt not
   * older than the one it follows; returns the count the attempt row is numbered by.
   */
  static final String ON_CONFLICT =
      " on conflict (id) do update set attempts = cur.attempts + 1,"
          + " status = case when "
          + NEWER
          + " then excluded.status else cur.status end,"
          + " next_attempt_at = case when "
          + NEWER
          + " then excluded.next_attempt_at else cur.next_attempt_at end,"
          + " last_status_code = case when "
          + NEWER
          + " then excluded.last_status_code else cur.last_status_code end,"
          + " last_error = case when "
          + NEWER
          + " then excluded.last_error else cur.last_error end,"
          + " status_attempt = case when "
          + NEWER
          + " then excluded.status_attempt else cur.status_attempt end,"
          + " status_started_at = case when "
          + NEWER
          + " then excluded.status_started_at else cur.status_started_at end,"
          + " updated_at = now() returning cur.id, cur.attempts,"
          // created now, its first attempt in it (V15): no row of its own in unfolded_attempts
          + " cur.attempts = 1 and cur.first_started_at is not null as folded";

  private AttemptWriter() {}

  /**
   * The batch in one go: one statement for its events and one for its deliveries and attempts (one
   * more for each further appearance of a delivery in it: a replay beside its original); throws
   * whatever PostgreSQL answers (the caller rolls back).
   */
  static void writeAll(Connection c, List<AttemptRecord> sorted) throws SQLException {
    AttemptArrays.insertEvents(c, inKeyOrder(sorted.stream().map(a -> a.task().event()).toList()));
    for (List<AttemptRecord> part : AttemptArrays.eachDeliveryOnce(sorted)) {
      AttemptArrays.record(c, part);
    }
  }

  /**
   * The batch in one statement, if each delivery appears in it once (the common case): on a
   * connection in autocommit, the batch's own transaction in one round trip. False, having written
   * nothing, when the batch needs {@link #writeAll}'s parts; throws whatever PostgreSQL answers,
   * and then nothing was written either.
   */
  static boolean writeInOneStatement(Connection c, List<AttemptRecord> sorted) throws SQLException {
    if (AttemptArrays.eachDeliveryOnce(sorted).size() != 1) return false;
    AttemptArrays.insertEventsAndRecord(
        c, inKeyOrder(sorted.stream().map(a -> a.task().event()).toList()), sorted);
    return true;
  }

  /**
   * After {@link #writeAll} or {@link #writeInOneStatement} failed for the data and was rolled
   * back: each event, then each attempt, behind a savepoint; a refused one in its safe form; what
   * even that cannot store is returned. Connection failures still throw.
   */
  static List<AttemptRecorder.Refused> writeApart(Connection c, List<AttemptRecord> sorted)
      throws SQLException {
    Map<List<String>, String> badEvents = new HashMap<>();
    for (Event e : inKeyOrder(sorted.stream().map(a -> a.task().event()).toList())) {
      String refused = alone(c, () -> insertEvents(c, List.of(e)));
      if (refused != null) badEvents.put(key(e), refused);
    }
    List<AttemptRecorder.Refused> notStored = new ArrayList<>();
    for (AttemptRecord a : sorted) {
      String reason = badEvents.get(key(a.task().event()));
      if (reason == null) reason = alone(c, () -> writeRecord(c, a));
      if (reason == null) continue;
      AttemptRecord safe = UnstorableAttempts.safeCopy(a, reason);
      String refused =
          alone(
              c,
              () -> {
                insertEvents(c, List.of(safe.task().event()));
                writeRecord(c, safe);
              });
      if (refused != null) notStored.add(new AttemptRecorder.Refused(a, reason + "; " + refused));
    }
    return notStored;
  }

  /**
   * Once each, in (id, source) order: concurrent batches holding the same events (one event,
   * several webhooks) then take their index locks in one order and cannot deadlock.
   */
  private static Collection<Event> inKeyOrder(List<Event> events) {
    Map<List<String>, Event> byKey = new TreeMap<>(KEY_ORDER);
    for (Event e : events) byKey.putIfAbsent(key(e), e);
    return byKey.values();
  }

  /** Records event payloads once each (batched); the rows a delivery refers to. */
  static void insertEvents(Connection c, List<Event> events) throws SQLException {
    Collection<Event> byKey = inKeyOrder(events);
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into events (id, type, source, occurred_at, payload, tenant_id)"
                + " values (?, ?, ?, ?, ?, ?) on conflict (id, source) do nothing")) {
      for (Event e : byKey) {
        ps.setString(1, e.id());
        ps.setString(2, e.type());
        ps.setString(3, e.source());
        ps.setTimestamp(4, Timestamp.from(e.time()));
        // the text of "data" exactly as the worker writes it into the body it signs
        ps.setString(5, RawData.text(e.data()));
        ps.setString(6, e.tenant());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** An event's row key, its identity: (id, source), the order of the primary key. */
  private static List<String> key(Event e) {
    return List.of(e.id(), e.source());
  }

  private static final Comparator<List<String>> KEY_ORDER =
      Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1));

  /** Whether PostgreSQL refused the data itself (not the connection, not a conflict of locks). */
  static boolean isDataError(SQLException e) {
    for (SQLException s = e; s != null; s = s.getNextException()) {
      String state = s.getSQLState();
      if (state != null
          && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
        return true;
      }
    }
    return false;
  }

  @FunctionalInterface
  private interface Write {
    void run() throws SQLException;
  }

  /** Null when written; the reason when PostgreSQL refused the data (rolled back to before it). */
  private static String alone(Connection c, Write write) throws SQLException {
    Savepoint before = c.setSavepoint();
    try {
      write.run();
      c.releaseSavepoint(before);
      return null;
    } catch (SQLException e) {
      if (!isDataError(e)) throw e;
      c.rollback(before);
      return UnstorableAttempts.reason(e);
    }
  }

  private static void writeRecord(Connection c, AttemptRecord a) throws SQLException {
    AttemptArrays.record(c, List.of(a));
  }

  static String lastError(AttemptRecord a) {
    if (a.errorClass() == null) return null;
    return a.errorMessage() == null
        ? a.errorClass()
        : a.errorClass() + ": " + stripNul(a.errorMessage());
  }

  /** PostgreSQL text cannot hold NUL; receivers do send binary garbage. */
  static String stripNul(String s) {
    return s == null ? null : s.replace("\u0000", "");
  }
}
