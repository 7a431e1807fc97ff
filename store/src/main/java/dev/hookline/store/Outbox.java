package dev.hookline.store;

import java.util.List;

/** Data access for the transactional outbox relay. */
public interface Outbox {
  /**
   * The advisory lock a relay holds, in the transaction of each batch, so that only one instance
   * relays at a time ("Hookline" in ASCII; in {@code pg_locks}: classid 0x486f6f6b, objid
   * 0x6c696e65, objsubid 1).
   */
  long RELAY_LOCK = 0x486f6f6b6c696e65L;

  /** Receives a batch of unpublished rows; returns normally only once all were acknowledged. */
  @FunctionalInterface
  interface Publisher {
    void publishAll(List<OutboxRecord> records) throws Exception;
  }

  /**
   * Takes the relay lock, reads up to {@code limit} unpublished rows in seq order, hands them to
   * the publisher and marks them published, all in one transaction. Returns the number relayed; 0
   * when nothing is pending or another relay holds the lock. When the publisher throws, nothing is
   * marked and the exception propagates.
   */
  int relayBatch(int limit, Publisher publisher) throws Exception;
}
