package dev.hookline.store;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.RawData;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A batch's rows in one statement per table: each column bound as one array and the rows made with
 * {@code unnest}, so PostgreSQL parses, plans and starts its executor once per batch instead of
 * once per row (most of its CPU per recorded delivery went there). Times go as ISO-8601 text, which
 * PostgreSQL reads in the proleptic Gregorian calendar as {@link Instant} writes it.
 */
final class AttemptArrays {
  static final String EVENTS =
      "insert into events (id, type, source, occurred_at, payload, tenant_id)"
          + " select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[])"
          + " on conflict (id, source) do nothing";

  private static final String RECORD_FROM_V =
      " up as (insert into deliveries as cur (id, event_id, event_source, webhook_id, webhook_version,"
          + " trigger, status, attempts, next_attempt_at, last_status_code, last_error, status_attempt,"
          + " status_started_at, first_started_at, first_duration_ms, first_status_code,"
          + " first_response_excerpt, first_error_class, first_error_message, first_worker_id)"
          + " select id, event_id, event_source, webhook_id, webhook_version, trigger,"
          + " status, 1, next_attempt_at, status_code, last_error, status_attempt, started_at,"
          + " started_at, duration_ms, status_code, response_excerpt, error_class, error_message,"
          + " worker_id from v"
          + AttemptWriter.ON_CONFLICT
          + ") insert into unfolded_attempts (delivery_id, attempt, trigger, started_at, duration_ms,"
          + " status_code, response_excerpt, error_class, error_message, worker_id)"
          + " select up.id, up.attempts, v.trigger, v.started_at, v.duration_ms, v.status_code,"
          + " v.response_excerpt, v.error_class, v.error_message, v.worker_id from up join v on v.id = up.id"
          + " where not up.folded";

  private static String unnestAttempts(String where) {
    return "unnest(?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::int8[], ?::text[],"
        + " ?::text[], ?::timestamptz[], ?::int4[], ?::text[], ?::int4[], ?::timestamptz[], ?::int4[],"
        + " ?::text[], ?::text[], ?::text[], ?::text[]) as v(id, event_id, event_source, webhook_id,"
        + " webhook_version, trigger, status, next_attempt_at, status_code, last_error, status_attempt,"
        + " started_at, duration_ms, response_excerpt, error_class, error_message, worker_id)"
        + where;
  }

  /**
   * A batch's delivery rows, each created with its first attempt in it (the first_* columns, V15),
   * or counting a later attempt (or a first one after a deferral created the row), then a row in
   * {@code unfolded_attempts} for each attempt not folded, numbered by its delivery's count. Only
   * for batches in which each delivery appears once: {@code on conflict do update} cannot touch one
   * row twice in a statement.
   */
  private static final String RECORD =
      "with v as (select * from " + unnestAttempts("") + ")," + RECORD_FROM_V;

  /**
   * {@link #EVENTS} and {@link #RECORD} as one statement, for a connection in autocommit: one round
   * trip, where the two statements of a transaction and its commit took three, and each of
   * PostgreSQL's answers costs it about as much CPU as the rows it writes (docs/benchmarks.md, stop
   * 32). The condition on {@code ev} makes the events' insert run to its end before the first
   * delivery row is written, the lock order of every other writer.
   */
  private static final String EVENTS_AND_RECORD =
      "with ev as (insert into events (id, type, source, occurred_at, payload, tenant_id)"
          + " select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[])"
          + " on conflict (id, source) do nothing returning 1),"
          + " v as (select * from "
          + unnestAttempts(" where (select count(*) from ev) >= 0")
          + "),"
          + RECORD_FROM_V;

  private AttemptArrays() {}

  /**
   * The batch in parts {@link #record} can take, in its order: each part holds a delivery once; a
   * delivery's next appearance (a replay beside its original) starts the next part. A later part
   * only touches delivery rows an earlier one already locked, so the lock order stays the batch's.
   */
  static List<List<AttemptRecord>> eachDeliveryOnce(List<AttemptRecord> attempts) {
    List<List<AttemptRecord>> parts = new ArrayList<>();
    List<Set<UUID>> seen = new ArrayList<>();
    for (AttemptRecord a : attempts) {
      UUID id = a.task().deliveryId();
      int i = 0;
      while (i < parts.size() && seen.get(i).contains(id)) i++;
      if (i == parts.size()) {
        parts.add(new ArrayList<>());
        seen.add(new HashSet<>());
      }
      parts.get(i).add(a);
      seen.get(i).add(id);
    }
    return parts;
  }

  /** The events, in the given order (the lock order), once each. */
  static void insertEvents(Connection c, Collection<Event> events) throws SQLException {
    execute(c, EVENTS, eventColumns(events));
  }

  /** The batch's deliveries and attempts, in its order (the lock order). */
  static void record(Connection c, List<AttemptRecord> sorted) throws SQLException {
    execute(c, RECORD, attemptColumns(sorted));
  }

  /**
   * {@link #insertEvents} then {@link #record}, in one statement: on a connection in autocommit,
   * the batch's own transaction.
   */
  static void insertEventsAndRecord(
      Connection c, Collection<Event> events, List<AttemptRecord> sorted) throws SQLException {
    List<Object[]> columns = new ArrayList<>(eventColumns(events));
    columns.addAll(attemptColumns(sorted));
    execute(c, EVENTS_AND_RECORD, columns);
  }

  private static List<Object[]> eventColumns(Collection<Event> events) {
    int n = events.size();
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] sources = new String[n];
    String[] times = new String[n];
    String[] payloads = new String[n];
    String[] tenants = new String[n];
    int i = 0;
    for (Event e : events) {
      ids[i] = e.id();
      types[i] = e.type();
      sources[i] = e.source();
      times[i] = e.time().toString();
      // the text of "data" exactly as the worker writes it into the body it signs
      payloads[i] = RawData.text(e.data());
      tenants[i] = e.tenant();
      i++;
    }
    return List.of(ids, types, sources, times, payloads, tenants);
  }

  private static List<Object[]> attemptColumns(List<AttemptRecord> sorted) {
    int n = sorted.size();
    List<Object[]> columns = new ArrayList<>(17);
    UUID[] ids = new UUID[n];
    String[] eventIds = new String[n];
    String[] eventSources = new String[n];
    UUID[] webhooks = new UUID[n];
    Long[] versions = new Long[n];
    String[] triggers = new String[n];
    String[] statuses = new String[n];
    String[] nextAt = new String[n];
    Integer[] codes = new Integer[n];
    String[] lastErrors = new String[n];
    Integer[] attemptNumbers = new Integer[n];
    String[] started = new String[n];
    Integer[] durations = new Integer[n];
    String[] excerpts = new String[n];
    String[] errorClasses = new String[n];
    String[] errorMessages = new String[n];
    String[] workers = new String[n];
    for (int i = 0; i < n; i++) {
      AttemptRecord a = sorted.get(i);
      DeliveryTask t = a.task();
      ids[i] = t.deliveryId();
      eventIds[i] = t.event().id();
      eventSources[i] = t.event().source();
      webhooks[i] = t.webhookId();
      versions[i] = t.webhookVersion();
      triggers[i] = t.trigger().wireName();
      statuses[i] = a.newStatus().dbName();
      nextAt[i] = a.nextAttemptAt() == null ? null : a.nextAttemptAt().toString();
      codes[i] = a.statusCode();
      lastErrors[i] = AttemptWriter.lastError(a);
      attemptNumbers[i] = t.attempt();
      started[i] = a.startedAt().toString();
      durations[i] = a.durationMs();
      excerpts[i] = AttemptWriter.stripNul(a.responseExcerpt());
      errorClasses[i] = a.errorClass();
      errorMessages[i] = AttemptWriter.stripNul(a.errorMessage());
      workers[i] = a.workerId();
    }
    columns.addAll(
        List.of(
            ids,
            eventIds,
            eventSources,
            webhooks,
            versions,
            triggers,
            statuses,
            nextAt,
            codes,
            lastErrors,
            attemptNumbers,
            started,
            durations,
            excerpts,
            errorClasses,
            errorMessages,
            workers));
    return columns;
  }

  /** Each column bound as an array of its SQL type (the statement casts what goes as text). */
  private static void execute(Connection c, String sql, List<Object[]> columns)
      throws SQLException {
    List<Array> arrays = new ArrayList<>(columns.size());
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < columns.size(); i++) {
        Object[] column = columns.get(i);
        Array array = c.createArrayOf(sqlType(column), column);
        arrays.add(array);
        ps.setArray(i + 1, array);
      }
      ps.executeUpdate();
    } finally {
      for (Array a : arrays) a.free();
    }
  }

  private static String sqlType(Object[] column) {
    return switch (column) {
      case UUID[] u -> "uuid";
      case Long[] l -> "int8";
      case Integer[] n -> "int4";
      default -> "text";
    };
  }
}
