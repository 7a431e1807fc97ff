package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

/** The filter in front of the deduplication store never forgets a key the store holds. */
class SeenKeysTest {
  static final long WINDOW = 600_000;
  static final long T0 = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();

  @Test
  void everyKeyAddedIsHeldAndFewOthersSeemSo() {
    SeenKeys keys = new SeenKeys(WINDOW);
    int n = 200_000; // past the first filters' capacity: the later ones are twice as large
    for (int i = 0; i < n; i++) keys.add(key(i), T0 + i);
    for (int i = 0; i < n; i++)
      assertThat(keys.mightHold(key(i), T0 + i - WINDOW, T0 + i + WINDOW)).as("key %d", i).isTrue();
    int falsePositives = 0;
    for (int i = n; i < 2 * n; i++)
      if (keys.mightHold(key(i), T0 - WINDOW, T0 + WINDOW)) falsePositives++;
    assertThat(falsePositives).as("false positives of %d", n).isLessThan(n / 25);
  }

  @Test
  void aKeyIsLookedForOnlyInTheGenerationsOfTheRange() {
    SeenKeys keys = new SeenKeys(WINDOW);
    keys.add(key(1), T0);
    assertThat(keys.mightHold(key(1), T0 + 3 * WINDOW, T0 + 4 * WINDOW)).isFalse();
    assertThat(keys.mightHold(key(1), T0 - WINDOW, T0 + WINDOW)).isTrue();
  }

  @Test
  void generationsFarBehindAreDroppedAndARangeReachingThemIsLeftToTheStore() {
    SeenKeys keys = new SeenKeys(WINDOW);
    for (int g = 0; g < 10; g++) keys.add(key(g), T0 + g * WINDOW);
    assertThat(keys.generations()).isEqualTo(SeenKeys.KEPT_BEHIND + 1);
    // the key of generation 0 is gone from the filter: "maybe", so the store answers
    assertThat(keys.mightHold(key(999), T0 - WINDOW, T0 + WINDOW)).isTrue();
    assertThat(keys.mightHold(key(9), T0 + 9 * WINDOW - WINDOW, T0 + 9 * WINDOW + WINDOW)).isTrue();
  }

  /**
   * A stream task started again (a restart, a rebalance, a revived task) finds its store restored:
   * the filter is filled from it, or every event routed before the restart would be routed again.
   */
  @Test
  void aNewSeenEventsOverAStoreWithEventsInItKnowsThem() {
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    WindowStore<byte[], byte[]> store =
        Stores.windowStoreBuilder(
                Stores.inMemoryWindowStore(
                    SeenEvents.STORE, Duration.ofMillis(WINDOW), Duration.ofMillis(WINDOW), false),
                Serdes.ByteArray(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    Event routed = event("evt-1");
    new SeenEvents(store, Duration.ofMillis(WINDOW)).remember(routed, T0);

    SeenEvents restarted = new SeenEvents(store, Duration.ofMillis(WINDOW));
    assertThat(restarted.seen(routed, T0 + 1000)).isTrue();
    assertThat(restarted.seen(event("evt-2"), T0 + 1000)).isFalse();
    store.close();
  }

  private static Event event(String id) {
    return new Event(
        id,
        "payment_received",
        "/billing",
        Instant.ofEpochMilli(T0),
        dev.hookline.schemas.Json.MAPPER.valueToTree(Map.of("a", 1)),
        null);
  }

  private static byte[] key(int i) {
    return ("9:/billing/evt-" + i).getBytes(StandardCharsets.UTF_8);
  }
}
