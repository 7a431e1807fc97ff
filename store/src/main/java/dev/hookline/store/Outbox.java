package dev.hookline.store;

import java.util.List;

/** Data access for the transactional outbox relay. */
public interface Outbox {
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
