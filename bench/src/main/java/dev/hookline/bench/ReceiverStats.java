package dev.hookline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What the receiver saw for one group: arrivals, arrivals per wall-clock second, and the
 * publish-to-receive latency histogram (milliseconds).
 */
record ReceiverStats(
    String group,
    long count,
    long withoutTimestamp,
    int distinctPaths,
    long firstMs,
    long lastMs,
    long epochSecond,
    long[] perSecond,
    Histogram latency) {

  static ReceiverStats parse(String json) {
    JsonNode node =
        Json.fromBytes(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class);
    JsonNode seconds = node.get("perSecond");
    long[] perSecond = new long[seconds.size()];
    for (int i = 0; i < perSecond.length; i++) perSecond[i] = seconds.get(i).asLong();
    byte[] encoded = Base64.getDecoder().decode(node.get("latencyHistogram").asText());
    Histogram histogram;
    try {
      histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0);
    } catch (DataFormatException e) {
      throw new IllegalStateException("receiver sent an unreadable histogram", e);
    }
    return new ReceiverStats(
        node.get("group").asText(),
        node.get("count").asLong(),
        node.get("withoutTimestamp").asLong(),
        node.get("distinctPaths").asInt(),
        node.get("firstMs").asLong(),
        node.get("lastMs").asLong(),
        node.get("epochSecond").asLong(),
        perSecond,
        histogram);
  }

  /** Arrivals per second from the first arrival to the last. */
  double overallRate() {
    if (count < 2 || lastMs <= firstMs) return 0;
    return count * 1000.0 / (lastMs - firstMs);
  }

  /**
   * The steady rate: the mean of the whole seconds between the first and the last second that saw
   * arrivals (those two are partial, and the ramp-up and the tail would understate the rate). Falls
   * back to {@link #overallRate()} for runs shorter than three seconds.
   */
  double sustainedRate() {
    int first = 0;
    while (first < perSecond.length && perSecond[first] == 0) first++;
    int last = perSecond.length - 1;
    while (last > first && perSecond[last] == 0) last--;
    if (last - first < 2) return overallRate();
    long sum = 0;
    for (int i = first + 1; i < last; i++) sum += perSecond[i];
    return sum / (double) (last - first - 1);
  }

  /** Arrivals per second over the whole seconds in [fromMs, toMs). */
  double rateBetween(long fromMs, long toMs) {
    int from = (int) Math.max(0, (fromMs + 999) / 1000 - epochSecond);
    int to = (int) Math.min(perSecond.length, toMs / 1000 - epochSecond);
    if (to <= from) return 0;
    long sum = 0;
    for (int i = from; i < to; i++) sum += perSecond[i];
    return sum / (double) (to - from);
  }

  long percentile(double p) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p);
  }

  long max() {
    return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue();
  }
}
