package dev.hookline.store;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared rate budgets in memory: the virtual schedule of {@code webhook_rate_lease} (V14), on
 * {@link System#nanoTime()}, counting its leases and pauses.
 */
public final class InMemoryRateBudgets implements RateBudgets {
  private static final long BURST_NANOS = 500_000_000L;

  private record Row(long nextFree, long parkedUntil) {}

  private final Map<UUID, Row> rows = new ConcurrentHashMap<>();
  private final AtomicInteger leases = new AtomicInteger();
  private final AtomicInteger pauses = new AtomicInteger();

  /** Leases asked for so far (each is one round trip in PostgreSQL). */
  public int leases() {
    return leases.get();
  }

  /** Pauses shared so far. */
  public int pauses() {
    return pauses.get();
  }

  @Override
  public synchronized Lease lease(
      UUID webhookId, int limit, int want, Duration horizon, Duration parkAfter) {
    leases.incrementAndGet();
    long t = System.nanoTime();
    long step = 1_000_000_000L / limit;
    Row row = rows.getOrDefault(webhookId, new Row(t, t));
    long free = Math.max(row.nextFree(), t - BURST_NANOS);
    long park = Math.max(row.parkedUntil(), t);
    long room = t + horizon.toNanos() - free;
    int n = room <= 0 ? 0 : (int) Math.min(want, (room + step - 1) / step);
    int p = 0;
    if (want > n && free + n * step >= t + parkAfter.toNanos()) {
      p = want - n;
      park = Math.max(park, free + n * step);
    }
    rows.put(webhookId, new Row(free + n * step, p > 0 ? park + p * step : row.parkedUntil()));
    return new Lease(ms(free - t), n, ms(free + n * step - t), p, ms(park - t));
  }

  @Override
  public synchronized void pause(UUID webhookId, Duration pause) {
    pauses.incrementAndGet();
    long t = System.nanoTime();
    Row row = rows.getOrDefault(webhookId, new Row(t, t));
    rows.put(webhookId, new Row(Math.max(row.nextFree(), t + pause.toNanos()), row.parkedUntil()));
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000d;
  }
}
