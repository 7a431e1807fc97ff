package dev.hookline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The receiver's figures survive the trip to the bench, and the rates read them right. */
class ReceiverStatsTest {
  @Test
  void theEventTimeIsReadFromTheBody() {
    byte[] body =
        "{\"type\":\"payment_received\",\"timestamp\":\"2026-11-28T10:15:30.123Z\",\"data\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(Timestamps.eventTimeMillis(body))
        .isEqualTo(java.time.Instant.parse("2026-11-28T10:15:30.123Z").toEpochMilli());
    assertThat(Timestamps.eventTimeMillis("{\"data\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(-1);
    assertThat(
            Timestamps.eventTimeMillis(
                "{\"timestamp\":\"yesterday\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(-1);
  }

  @Test
  void countsRatesAndPercentilesRoundTrip() {
    GroupStats stats = new GroupStats();
    long epochSecond = 1_000_000;
    long base = epochSecond * 1000;
    // second 0: 5 arrivals (partial), seconds 1-3: 100 each, second 4: 7 (partial)
    for (int i = 0; i < 5; i++) stats.record("/g/1", base + 500, base + 900, epochSecond);
    for (int s = 1; s <= 3; s++) {
      for (int i = 0; i < 100; i++)
        stats.record("/g/" + (i % 4), base + s * 1000L, base + s * 1000L + i + 1, epochSecond);
    }
    for (int i = 0; i < 7; i++) stats.record("/g/2", base + 4000, base + 4100, epochSecond);

    ReceiverStats parsed = ReceiverStats.parse(stats.toJson("g", epochSecond));

    assertThat(parsed.count()).isEqualTo(312);
    assertThat(parsed.distinctPaths()).isEqualTo(4);
    assertThat(parsed.perSecond()).containsExactly(5, 100, 100, 100, 7);
    assertThat(parsed.sustainedRate())
        .isEqualTo(100.0); // the partial first and last seconds left out
    assertThat(parsed.rateBetween(base + 1000, base + 3000)).isEqualTo(100.0);
    assertThat(parsed.percentile(100)).isEqualTo(400);
    assertThat(parsed.latency().getTotalCount()).isEqualTo(312);
    assertThat(parsed.percentile(50)).isBetween(40L, 60L);
  }
}
