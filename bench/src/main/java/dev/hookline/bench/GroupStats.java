package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.Json;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** The receiver's figures for one group of endpoints; many request threads record at once. */
final class GroupStats {
  /** Latencies up to an hour, in milliseconds (the event time has millisecond precision). */
  static final long MAX_LATENCY_MS = 3_600_000L;

  private static final int SECONDS = 7_200;

  private final LongAdder count = new LongAdder();
  private final LongAdder withoutTimestamp = new LongAdder();
  private final ConcurrentHistogram latency = new ConcurrentHistogram(MAX_LATENCY_MS, 3);
  private final AtomicLong firstMs = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastMs = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLongArray perSecond = new AtomicLongArray(SECONDS);
  private final Set<String> paths = ConcurrentHashMap.newKeySet();

  void record(String path, long eventMs, long arrivedMs, long epochSecond) {
    count.increment();
    paths.add(path);
    firstMs.accumulateAndGet(arrivedMs, Math::min);
    lastMs.accumulateAndGet(arrivedMs, Math::max);
    int second = (int) (arrivedMs / 1000 - epochSecond);
    if (second >= 0 && second < SECONDS) perSecond.incrementAndGet(second);
    if (eventMs < 0) {
      withoutTimestamp.increment();
    } else {
      latency.recordValue(Math.min(MAX_LATENCY_MS, Math.max(0, arrivedMs - eventMs)));
    }
  }

  long count() {
    return count.sum();
  }

  String toJson(String group, long epochSecond) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("group", group);
    json.put("count", count.sum());
    json.put("withoutTimestamp", withoutTimestamp.sum());
    json.put("distinctPaths", paths.size());
    json.put("firstMs", count.sum() == 0 ? 0 : firstMs.get());
    json.put("lastMs", count.sum() == 0 ? 0 : lastMs.get());
    json.put("epochSecond", epochSecond);
    int used = SECONDS;
    while (used > 0 && perSecond.get(used - 1) == 0) used--;
    ArrayNode seconds = json.putArray("perSecond");
    for (int i = 0; i < used; i++) seconds.add(perSecond.get(i));
    Histogram copy = latency.copy();
    ByteBuffer buffer = ByteBuffer.allocate(copy.getNeededByteBufferCapacity());
    int length = copy.encodeIntoCompressedByteBuffer(buffer);
    json.put(
        "latencyHistogram",
        Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
    return json.toString();
  }
}
