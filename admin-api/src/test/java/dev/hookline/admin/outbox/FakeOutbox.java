package dev.hookline.admin.outbox;

import dev.hookline.store.Outbox;
import dev.hookline.store.OutboxRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory {@link Outbox} with the contract of the Postgres one: mark only when the publisher
 * returned.
 */
final class FakeOutbox implements Outbox {
  private final List<OutboxRecord> pending = new ArrayList<>();
  final List<Long> published = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger failuresToSimulate = new AtomicInteger();
  private long seq;

  synchronized void add(String topic, String key, String payload) {
    pending.add(new OutboxRecord(++seq, topic, key, payload));
  }

  @Override
  public int relayBatch(int limit, Publisher publisher) throws Exception {
    calls.incrementAndGet();
    if (failuresToSimulate.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new java.sql.SQLException("database unavailable");
    }
    List<OutboxRecord> batch;
    synchronized (this) {
      batch = List.copyOf(pending.subList(0, Math.min(limit, pending.size())));
    }
    if (batch.isEmpty()) return 0;
    publisher.publishAll(batch); // throws: nothing is marked
    synchronized (this) {
      pending.removeAll(batch);
    }
    batch.forEach(r -> published.add(r.seq()));
    return batch.size();
  }
}
