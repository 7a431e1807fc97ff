package dev.hookline.router;

import dev.hookline.schemas.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The events a stream task routed within the deduplication window, by their identity ({@code
 * source}, {@code id}), as CloudEvents defines it: a producer that publishes an event again (a
 * retry after a timeout, a replayed outbox) makes no second delivery.
 *
 * <p>A window store kept by Kafka Streams (local RocksDB, a changelog topic, written in the same
 * transaction as the tasks, so a crash never forgets an event it routed nor remembers one it did
 * not), old segments dropped as the window moves. It is per partition: the copy must come back on
 * the partition of the first, which a producer's retry and any keyed producer do.
 */
final class SeenEvents {
  static final String STORE = "hookline-seen-events";
  private static final byte[] SEEN = {1};

  private final WindowStore<byte[], byte[]> store;
  private final long windowMs;

  SeenEvents(WindowStore<byte[], byte[]> store, Duration window) {
    this.store = store;
    this.windowMs = window.toMillis();
  }

  /** The store behind it; the window is both its retention and its window size. */
  static StoreBuilder<WindowStore<byte[], byte[]>> storeBuilder(Duration window) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(STORE, window, window, false),
        Serdes.ByteArray(),
        Serdes.ByteArray());
  }

  /** Whether an event of this identity was routed within the window around {@code timestamp}. */
  boolean seen(Event event, long timestamp) {
    try (WindowStoreIterator<byte[]> found =
        store.fetch(key(event), timestamp - windowMs, timestamp + windowMs)) {
      return found.hasNext();
    }
  }

  void remember(Event event, long timestamp) {
    store.put(key(event), SEEN, timestamp);
  }

  /** {@code source} then {@code id}, the length first so that no two pairs share a key. */
  static byte[] key(Event event) {
    return (event.source().length() + ":" + event.source() + event.id())
        .getBytes(StandardCharsets.UTF_8);
  }
}
