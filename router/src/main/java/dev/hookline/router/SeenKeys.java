package dev.hookline.router;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Bloom filter of the keys a {@link SeenEvents} store holds, by generation of the window ({@code
 * timestamp / window}): it answers "certainly not in the store" without asking RocksDB. Almost
 * every event is new, and the store's fetch (an iterator over each segment of the window) was most
 * of the deduplication's cost (docs/benchmarks.md, stop 27).
 *
 * <p>It must hold every key the store holds, or an event routed before would be routed again: it is
 * filled from the whole store when its stream task starts (after the store is restored, and again
 * after a task is revived), and with every key put since. A key it holds that the store no longer
 * has (expired, a transaction aborted) only sends that check to the store. Generations more than
 * two behind the newest are dropped (the store has expired their keys by then); a check that
 * reaches into a dropped generation is answered "maybe", so the store decides.
 *
 * <p>Each generation is a list of blocked Bloom filters (the bits of one key in one 64-byte block,
 * one cache line), each twice the size of the one before, so the memory follows the event rate:
 * about 10 bits per key, about 1 % false positives per filter, adding up over a generation's chain
 * (4 % measured at 240,000 keys in one). Not thread-safe: one per stream task.
 */
final class SeenKeys {
  /** Generations kept behind the newest: a window's check spans the one before and after it. */
  static final int KEPT_BEHIND = 2;

  private static final int FIRST_CAPACITY = 1 << 14;
  private static final int BITS_PER_KEY = 10;
  private static final int PROBES = 6;

  private final long windowMs;
  private final TreeMap<Long, List<Filter>> generations = new TreeMap<>();
  private long dropped = Long.MIN_VALUE; // generations up to this one are gone

  SeenKeys(long windowMs) {
    if (windowMs <= 0) throw new IllegalArgumentException("windowMs must be > 0, was " + windowMs);
    this.windowMs = windowMs;
  }

  void add(byte[] key, long timestamp) {
    long generation = Math.floorDiv(timestamp, windowMs);
    if (generation <= dropped) return; // the store has expired it too (or decides: see mightHold)
    List<Filter> filters = generations.get(generation);
    if (filters == null) {
      filters = new ArrayList<>();
      generations.put(generation, filters);
      dropBehind(generations.lastKey() - KEPT_BEHIND);
    }
    Filter last = filters.isEmpty() ? null : filters.getLast();
    if (last == null || last.full()) {
      last = new Filter(last == null ? FIRST_CAPACITY : last.capacity * 2);
      filters.add(last);
    }
    last.add(hash(key));
  }

  /**
   * False when no key put at a time in {@code [from, to]} equals {@code key}: then the store has
   * none either. True when one may (the store then decides).
   */
  boolean mightHold(byte[] key, long from, long to) {
    long first = Math.floorDiv(from, windowMs);
    if (first <= dropped) return true;
    long hash = hash(key);
    for (Map.Entry<Long, List<Filter>> generation :
        generations.subMap(first, true, Math.floorDiv(to, windowMs), true).entrySet()) {
      for (Filter filter : generation.getValue()) if (filter.mightContain(hash)) return true;
    }
    return false;
  }

  /** Generations held, for tests. */
  int generations() {
    return generations.size();
  }

  private void dropBehind(long oldestKept) {
    Iterator<Long> older = generations.headMap(oldestKept, false).keySet().iterator();
    while (older.hasNext()) {
      dropped = Math.max(dropped, older.next());
      older.remove();
    }
  }

  /** 64-bit FNV-1a over the bytes, then a finaliser (splitmix64) to spread the bits. */
  static long hash(byte[] key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key) h = (h ^ (b & 0xff)) * 0x100000001b3L;
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** A blocked Bloom filter for {@code capacity} keys: 8 longs (512 bits) per block. */
  private static final class Filter {
    final int capacity;
    final long[] bits;
    final int blocks;
    int count;

    Filter(int capacity) {
      this.capacity = capacity;
      this.blocks = Math.max(1, capacity * BITS_PER_KEY / 512);
      this.bits = new long[blocks * 8];
    }

    boolean full() {
      return count >= capacity;
    }

    void add(long hash) {
      probe(hash, true);
      count++;
    }

    boolean mightContain(long hash) {
      return probe(hash, false);
    }

    /** Sets ({@code set}) or tests the key's bits: all in one block, at h1 + i * h2 within it. */
    private boolean probe(long hash, boolean set) {
      int base = block(hash) * 8;
      int h1 = (int) hash;
      int h2 = (int) (hash >>> 9) | 1; // bits apart from h1's and the block's
      for (int i = 0; i < PROBES; i++) {
        int bit = (h1 + i * h2) & 511;
        if (set) bits[base + (bit >>> 6)] |= 1L << bit;
        else if ((bits[base + (bit >>> 6)] & (1L << bit)) == 0) return false;
      }
      return true;
    }

    private int block(long hash) {
      return (int) (((hash >>> 32) * blocks) >>> 32);
    }
  }
}
