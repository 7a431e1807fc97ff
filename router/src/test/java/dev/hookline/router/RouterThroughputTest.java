package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A rough single-thread figure of the topology's own cost (no broker, no EOS), for sizing. Run with
 * {@code -Dhookline.bench=true}.
 */
@EnabledIfSystemProperty(named = "hookline.bench", matches = "true")
class RouterThroughputTest {
  static final int EVENTS = 50_000;

  @TempDir Path stateDir;

  @ParameterizedTest(name = "{0} matching webhooks, deduplication window {1} min")
  @CsvSource({"1, 0", "1, 10", "10, 0", "10, 10"})
  void eventsPerSecond(int webhooks, int windowMinutes) {
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            new RouterTopology(
                    RouterTopologyTest.TYPES::contains,
                    new SimpleMeterRegistry(),
                    RouterTopology.DEFAULT_MAX_RECORD_BYTES,
                    Duration.ofMinutes(windowMinutes))
                .build(),
            RouterTopologyTest.props(stateDir))) {
      TestInputTopic<byte[], byte[]> subs =
          driver.createInputTopic(
              Topics.SUBSCRIPTIONS, new ByteArraySerializer(), new ByteArraySerializer());
      TestInputTopic<byte[], byte[]> events =
          driver.createInputTopic(
              "events.payments", new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out =
          driver.createOutputTopic(
              Topics.DELIVERIES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      for (int w = 1; w <= webhooks; w++) {
        subs.pipeInput(
            RouterTopologyTest.key(id(w)),
            Json.toBytes(RouterTopologyTest.sub(id(w), 1, true, "payment_received")));
      }
      for (int w = 100; w < 150; w++) { // non-matching webhooks in the index
        subs.pipeInput(
            RouterTopologyTest.key(id(w)),
            Json.toBytes(RouterTopologyTest.sub(id(w), 1, true, "invoice_paid")));
      }
      List<TestRecord<byte[], byte[]>> warmUp = new ArrayList<>();
      for (int i = 0; i < 5_000; i++)
        warmUp.add(
            RouterTopologyTest.event("warm-" + i, "payment_received", RouterTopologyTest.DATA));
      List<TestRecord<byte[], byte[]>> batch = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++)
        batch.add(
            RouterTopologyTest.event("evt-" + i, "payment_received", RouterTopologyTest.DATA));

      events.pipeRecordList(warmUp);
      out.readRecordsToList();
      long start = System.nanoTime();
      events.pipeRecordList(batch);
      long tasks = out.getQueueSize();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "router TTD micro-run: %d matching webhooks, deduplication %d min: %.0f events/s, %.0f"
              + " tasks/s%n",
          webhooks, windowMinutes, EVENTS / seconds, tasks / seconds);
      assertThat(tasks).isEqualTo((long) EVENTS * webhooks);
    }
  }
}
