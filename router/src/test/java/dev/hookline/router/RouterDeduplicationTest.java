package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.DATA;
import static dev.hookline.router.RouterTopologyTest.TYPES;
import static dev.hookline.router.RouterTopologyTest.event;
import static dev.hookline.router.RouterTopologyTest.id;
import static dev.hookline.router.RouterTopologyTest.key;
import static dev.hookline.router.RouterTopologyTest.props;
import static dev.hookline.router.RouterTopologyTest.sub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An event published again with the same (source, id) within the window is routed once. */
class RouterDeduplicationTest {
  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  @TempDir Path stateDir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> payments;
  TestOutputTopic<byte[], byte[]> deliveries;

  void start(Duration window) {
    driver =
        new TopologyTestDriver(
            new RouterTopology(
                    TYPES::contains, registry, RouterTopology.DEFAULT_MAX_RECORD_BYTES, window)
                .build(),
            props(stateDir));
    payments =
        driver.createInputTopic(
            "events.payments", new ByteArraySerializer(), new ByteArraySerializer());
    deliveries =
        driver.createOutputTopic(
            Topics.DELIVERIES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    driver
        .createInputTopic(
            Topics.SUBSCRIPTIONS, new ByteArraySerializer(), new ByteArraySerializer())
        .pipeInput(key(id(1)), Json.toBytes(sub(id(1), 1, true, "*")));
  }

  @AfterEach
  void stop() {
    if (driver != null) driver.close();
  }

  @Test
  void theSameEventPublishedAgainWithinTheWindowIsRoutedOnce() {
    start(Duration.ofMinutes(10));
    publish("evt-1", "/billing", T0);
    publish("evt-1", "/billing", T0.plusSeconds(3)); // a producer's retry
    publish("evt-1", "/billing", T0.plus(Duration.ofMinutes(9)));

    assertThat(routed()).containsExactly("/billing evt-1");
    assertThat(registry.counter(RouterTopology.DUPLICATE_EVENTS_COUNTER).count()).isEqualTo(2.0);
  }

  @Test
  void theSameIdFromAnotherSourceIsAnotherEvent() {
    start(Duration.ofMinutes(10));
    publish("evt-1", "/billing", T0);
    publish("evt-1", "/shop", T0.plusSeconds(1));
    // no pair of (source, id) may read as another: "/b" + "1evt" is not "/b1" + "evt"
    publish("1evt", "/b", T0.plusSeconds(2));
    publish("evt", "/b1", T0.plusSeconds(3));

    assertThat(routed()).containsExactly("/billing evt-1", "/shop evt-1", "/b 1evt", "/b1 evt");
    assertThat(registry.counter(RouterTopology.DUPLICATE_EVENTS_COUNTER).count()).isZero();
  }

  @Test
  void afterTheWindowTheSameEventIsRoutedAgain() {
    start(Duration.ofMinutes(10));
    publish("evt-1", "/billing", T0);
    publish("other", "/billing", T0.plus(Duration.ofMinutes(30))); // stream time moves on
    publish("evt-1", "/billing", T0.plus(Duration.ofMinutes(31)));

    assertThat(routed()).containsExactly("/billing evt-1", "/billing other", "/billing evt-1");
  }

  @Test
  void aZeroWindowRoutesEveryCopy() {
    start(Duration.ZERO);
    publish("evt-1", "/billing", T0);
    publish("evt-1", "/billing", T0.plusSeconds(3));

    List<DeliveryTask> tasks = tasks();
    assertThat(tasks).hasSize(2);
    assertThat(tasks.get(0).deliveryId())
        .as("a copy lands on the same delivery")
        .isEqualTo(tasks.get(1).deliveryId());
  }

  @Test
  void anInvalidEventIsNotRememberedAsRouted() {
    start(Duration.ofMinutes(10));
    TestRecord<byte[], byte[]> bad = event("evt-1", "payment_received", "[1]");
    bad.headers().remove(CloudEventHeaders.SOURCE).add(CloudEventHeaders.SOURCE, utf8("/billing"));
    payments.pipeInput(new TestRecord<>(bad.key(), bad.value(), bad.headers(), T0));
    publish("evt-1", "/billing", T0.plusSeconds(1));

    assertThat(routed()).containsExactly("/billing evt-1");
  }

  @Test
  void windowsOutsideOneSecondToOneDayAreRefused() {
    for (Duration window : List.of(Duration.ofMillis(999), Duration.ofDays(2), Duration.ofDays(-1)))
      assertThatThrownBy(
              () ->
                  new RouterTopology(
                      TYPES::contains, registry, RouterTopology.DEFAULT_MAX_RECORD_BYTES, window))
          .as(window.toString())
          .hasMessageContaining("deduplicationWindow");
  }

  private void publish(String id, String source, Instant at) {
    TestRecord<byte[], byte[]> record = event(id, "payment_received", DATA);
    record.headers().remove(CloudEventHeaders.SOURCE).add(CloudEventHeaders.SOURCE, utf8(source));
    payments.pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(), at));
  }

  private List<DeliveryTask> tasks() {
    return deliveries.readValuesToList().stream()
        .map(v -> Json.fromBytes(v, DeliveryTask.class))
        .toList();
  }

  private List<String> routed() {
    return tasks().stream().map(t -> t.event().source() + " " + t.event().id()).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
