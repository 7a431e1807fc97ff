package dev.hookline.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payload retention: deletes events recorded more than {@code maxAge} ago, with their deliveries
 * and attempts ({@code on delete cascade}), and outbox rows published that long ago.
 *
 * <p>What is kept although old: an event with a delivery still {@code pending} or {@code retrying}
 * (its retries need the payload), and an event with a delivery changed within {@code maxAge} (e.g.
 * a manual retry of an old delivery: its fresh attempts stay visible).
 *
 * <p>How it stays out of the writers' way: each batch is its own short transaction of at most
 * {@code batchSize} events; events locked by a writer (e.g. a worker inserting a delivery for the
 * event, whose foreign key check holds a key-share lock) are skipped ({@code skip locked}) and left
 * for the next run. Only one process runs it at a time: a session advisory lock, so several
 * admin-api replicas never duplicate the work.
 */
public final class RetentionJob implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  /** Advisory lock key held by the one running retention job ("hookline retention"). */
  static final long LOCK = 0x486f6f6b52657465L;

  public static final int DEFAULT_BATCH_SIZE = 1_000;

  /** What one run did; {@code ran} is false when another process held the lock. */
  public record Result(boolean ran, long events, long outboxRows) {}

  private final DataSource dataSource;
  private final Duration maxAge;
  private final int batchSize;
  private final Clock clock;
  private volatile Thread loop;
  private volatile boolean closed;

  public RetentionJob(DataSource dataSource, Duration maxAge) {
    this(dataSource, maxAge, DEFAULT_BATCH_SIZE, Clock.systemUTC());
  }

  RetentionJob(DataSource dataSource, Duration maxAge, int batchSize, Clock clock) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero())
      throw new IllegalArgumentException("maxAge must be positive");
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
    this.batchSize = batchSize;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Deletes everything past retention now, in batches; returns at once when another process holds
   * the lock.
   */
  public Result runOnce() {
    Instant cutoff = clock.instant().minus(maxAge);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true); // every statement below is its own short transaction
      if (!tryLock(c)) return new Result(false, 0, 0);
      try {
        long events = deleteEvents(c, cutoff);
        long outbox = deleteOutbox(c, cutoff);
        deleteEndedPortalAccess(c, clock.instant().minus(Duration.ofDays(1)));
        if (events > 0 || outbox > 0) {
          log.info(
              "retention: deleted {} event(s) (with their deliveries and attempts) and {} outbox row(s)"
                  + " older than {}",
              events,
              outbox,
              cutoff);
        }
        return new Result(true, events, outbox);
      } finally {
        unlock(c);
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * Runs {@link #runOnce()} now and then every {@code period} on a virtual thread, until {@link
   * #close()}. A failed run is logged and retried next period.
   */
  public synchronized RetentionJob start(Duration period) {
    if (loop != null) throw new IllegalStateException("already started");
    if (period.isNegative() || period.isZero())
      throw new IllegalArgumentException("period must be positive");
    loop =
        Thread.ofVirtual()
            .name("hookline-retention")
            .start(
                () -> {
                  while (!closed) {
                    try {
                      runOnce();
                    } catch (RuntimeException e) {
                      log.warn("retention run failed, next try in {}: {}", period, e.toString());
                    }
                    long deadline = System.nanoTime() + period.toNanos();
                    while (!closed && System.nanoTime() < deadline) {
                      LockSupport.parkNanos(deadline - System.nanoTime()); // close() unparks
                    }
                  }
                });
    return this;
  }

  @Override
  public void close() {
    closed = true;
    Thread t = loop;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private long deleteEvents(Connection c, Instant cutoff) throws SQLException {
    long deleted = 0;
    // Keyset walk over (recorded_at, id, source): events kept (still retrying, or locked) are
    // passed once per run, not rescanned by every batch.
    Timestamp lastAt = null;
    String lastId = null;
    String lastSource = null;
    while (!closed) {
      List<String> ids = new ArrayList<>(batchSize);
      List<String> sources = new ArrayList<>(batchSize);
      try (PreparedStatement ps =
          c.prepareStatement(
              "select id, source, recorded_at from events where recorded_at < ?"
                  + (lastAt == null ? "" : " and (recorded_at, id, source) > (?, ?, ?)")
                  + " order by recorded_at, id, source limit ?")) {
        int i = 1;
        ps.setTimestamp(i++, Timestamp.from(cutoff));
        if (lastAt != null) {
          ps.setTimestamp(i++, lastAt);
          ps.setString(i++, lastId);
          ps.setString(i++, lastSource);
        }
        ps.setInt(i, batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lastId = rs.getString(1);
            lastSource = rs.getString(2);
            lastAt = rs.getTimestamp(3);
            ids.add(lastId);
            sources.add(lastSource);
          }
        }
      }
      if (ids.isEmpty()) break;
      try (PreparedStatement ps =
          c.prepareStatement(
              "delete from events where (id, source) in ("
                  + " select e.id, e.source from events e"
                  + " join unnest(?::text[], ?::text[]) as k(id, source)"
                  + "   on e.id = k.id and e.source = k.source"
                  + " where e.recorded_at < ?"
                  + " and not exists (select 1 from deliveries d"
                  + "   where d.event_id = e.id and d.event_source = e.source"
                  + "   and (d.status in ('pending', 'retrying') or d.updated_at >= ?))"
                  + " for update of e skip locked)")) {
        Array idArray = c.createArrayOf("text", ids.toArray());
        Array sourceArray = c.createArrayOf("text", sources.toArray());
        ps.setArray(1, idArray);
        ps.setArray(2, sourceArray);
        ps.setTimestamp(3, Timestamp.from(cutoff));
        ps.setTimestamp(4, Timestamp.from(cutoff));
        deleted += ps.executeUpdate();
        idArray.free();
        sourceArray.free();
      }
      if (ids.size() < batchSize) break;
    }
    return deleted;
  }

  private long deleteOutbox(Connection c, Instant cutoff) throws SQLException {
    long deleted = 0;
    while (!closed) {
      int n;
      try (PreparedStatement ps =
          c.prepareStatement(
              "delete from outbox where seq in (select seq from outbox"
                  + " where published_at is not null and published_at < ? order by seq limit ? for update skip locked)")) {
        ps.setTimestamp(1, Timestamp.from(cutoff));
        ps.setInt(2, batchSize);
        n = ps.executeUpdate();
      }
      deleted += n;
      if (n < batchSize) break;
    }
    return deleted;
  }

  /**
   * Portal links expired and portal sessions ended more than a day ago: nothing refers to them, and
   * one of each is made per sign-in. (API tokens stay, revoked ones too: they are listed.)
   */
  private static void deleteEndedPortalAccess(Connection c, Instant before) throws SQLException {
    for (String sql :
        List.of(
            "delete from portal_links where expires_at < ?",
            "delete from tenant_tokens where kind = 'portal' and expires_at < ?")) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setTimestamp(1, Timestamp.from(before));
        ps.executeUpdate();
      }
    }
  }

  private static boolean tryLock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
      ps.setLong(1, LOCK);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void unlock(Connection c) throws SQLException {
    // a session lock outlives the statement: release it before the connection goes back to the pool
    try (Statement s = c.createStatement()) {
      s.execute("select pg_advisory_unlock(" + LOCK + ")");
    }
  }
}
