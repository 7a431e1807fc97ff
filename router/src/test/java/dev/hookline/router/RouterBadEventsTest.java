package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.event;
import static dev.hookline.router.RouterTopologyTest.id;
import static dev.hookline.router.RouterTopologyTest.key;
import static dev.hookline.router.RouterTopologyTest.sub;
import static dev.hookline.router.RouterTopologyTest.utf8;
import static dev.hookline.router.RouterTopologyTest.valid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile events the {@link RouterTopologyTest} table does not have: 10 MB values, nesting past
 * Jackson's limit (StreamReadConstraints: depth 1000, numbers of 1000 digits), bytes that are not
 * UTF-8, null and duplicated headers. Each lands on {@code hookline.invalid-events} with a reason,
 * unchanged, and the router routes the next good event.
 */
class RouterBadEventsTest {
  @TempDir Path stateDir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> subscriptions;
  TestInputTopic<byte[], byte[]> payments;
  TestOutputTopic<byte[], byte[]> deliveries;
  TestOutputTopic<byte[], byte[]> invalid;

  @BeforeEach
  void start() {
    open(new RouterTopology(RouterTopologyTest.TYPES::contains, registry));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static Stream<Arguments> hostile() {
    byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    Headers nullType = valid().remove(CloudEventHeaders.TYPE).add(CloudEventHeaders.TYPE, null);
    Headers lastTypeWrong =
        valid().add(CloudEventHeaders.TYPE, utf8("order_shipped")); // two ce_type: the last counts
    return Stream.of(
        Arguments.of(
            "10,000 nested objects", valid(), nested("{\"a\":", "}", 10_000), "nesting depth"),
        Arguments.of(
            "10,000 nested arrays in an object",
            valid(),
            nested("{\"a\":" + "[".repeat(9_999), "]".repeat(9_999) + "}", 1),
            "nesting depth"),
        Arguments.of(
            "1,001 nested objects", valid(), nested("{\"a\":", "}", 1_001), "nesting depth"),
        Arguments.of(
            "unclosed 100,000 arrays",
            valid(),
            utf8("{\"a\":" + "[".repeat(100_000)),
            "not valid JSON"),
        Arguments.of(
            "2,000-digit number",
            valid(),
            utf8("{\"n\":" + "9".repeat(2_000) + "}"),
            "not valid JSON"),
        Arguments.of("not UTF-8", valid(), notUtf8, "not valid JSON"),
        Arguments.of("NUL bytes", valid(), new byte[] {0, 0, 0, 0}, "not valid JSON"),
        Arguments.of("null ce_type value", nullType, utf8("{}"), "missing or empty header ce_type"),
        Arguments.of(
            "duplicated ce_type, last unknown",
            lastTypeWrong,
            utf8("{}"),
            "unknown event type 'order_shipped'"),
        Arguments.of(
            "200 KB ce_time",
            RouterTopologyTest.with(CloudEventHeaders.TIME, "9".repeat(200_000)),
            utf8("{}"),
            "ce_time is 200000 characters long"));
  }

  private static byte[] nested(String open, String close, int depth) {
    return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void landsOnInvalidEventsUnchangedAndRoutingGoesOn(
      String name, Headers headers, byte[] value, String reason) {
    payments.pipeInput(new TestRecord<>(utf8("k"), value, headers));
    payments.pipeInput(event("evt-good", "payment_received", RouterTopologyTest.DATA));

    TestRecord<byte[], byte[]> rejected = invalid.readRecord();
    assertThat(invalid.isEmpty()).isTrue();
    assertThat(rejected.value()).isEqualTo(value);
    String why =
        new String(
            rejected.headers().lastHeader(Topics.INVALID_REASON_HEADER).value(),
            StandardCharsets.UTF_8);
    assertThat(why).contains(reason);
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good");
  }

  /**
   * The reason quotes header values ("ce_time '...' is not an RFC 3339 timestamp"), so it once
   * carried a 200 KB header whole into the reason header and a WARN log line, and a header holding
   * a line break forged log lines. Quoted values are now cut and escaped, the reason bounded.
   */
  @Test
  void theReasonIsOneShortLineWhateverTheHeaders() {
    payments.pipeInput(
        new TestRecord<>(
            utf8("k"),
            utf8("{}"),
            RouterTopologyTest.with(CloudEventHeaders.TIME, "9".repeat(200_000))));
    payments.pipeInput(
        new TestRecord<>(
            utf8("k"),
            utf8("{}"),
            RouterTopologyTest.with(
                CloudEventHeaders.SPECVERSION, "x\n12:00:00.000 INFO forged log line")));
    List<TestRecord<byte[], byte[]>> rejected = invalid.readRecordsToList();
    assertThat(rejected).hasSize(2);
    for (TestRecord<byte[], byte[]> record : rejected) {
      String why =
          new String(
              record.headers().lastHeader(Topics.INVALID_REASON_HEADER).value(),
              StandardCharsets.UTF_8);
      assertThat(why)
          .hasSizeLessThanOrEqualTo(EventReader.MAX_REASON_CHARS)
          .doesNotContain("\n", "\r")
          .matches(r -> r.chars().noneMatch(Character::isISOControl), "no control characters");
    }
    assertThat(rejected.get(0).headers().lastHeader(Topics.INVALID_REASON_HEADER).value())
        .asString(StandardCharsets.UTF_8)
        .startsWith(CloudEventHeaders.TIME + " is 200000 characters long");
    assertThat(rejected.get(1).headers().lastHeader(Topics.INVALID_REASON_HEADER).value())
        .asString(StandardCharsets.UTF_8)
        .contains("'x\\n12:00:00.000 INFO forged log line'");
  }

  /**
   * A value larger than a Kafka record may be (1 MB by default) cannot be copied to {@code
   * hookline.invalid-events} as it is: writing it would fail, abort the transaction, and stop
   * routing at this record. It is noted there without its value.
   */
  @Test
  void aValueTooLargeToCopyIsNotedWithoutItAndRoutingGoesOn() {
    byte[] tenMegabytes = new byte[10 * 1024 * 1024];
    Arrays.fill(tenMegabytes, (byte) 'a');
    tenMegabytes[0] = '{';
    Headers headers = valid().add("x-huge", new byte[5000]);
    payments.pipeInput(new TestRecord<>(utf8("k"), tenMegabytes, headers));
    payments.pipeInput(event("evt-good", "payment_received", RouterTopologyTest.DATA));

    TestRecord<byte[], byte[]> noted = invalid.readRecord();
    assertThat(noted.value()).isNull();
    assertThat(noted.key()).isEqualTo(utf8("k"));
    assertThat(header(noted, Topics.INVALID_REASON_HEADER))
        .startsWith("the event data is 10485760 bytes, over the 262144 byte limit")
        .contains("too large to copy");
    assertThat(header(noted, Topics.ROUTED_FROM_HEADER)).isEqualTo("events.payments-0@0");
    assertThat(header(noted, CloudEventHeaders.ID)).isEqualTo("evt-x");
    assertThat(noted.headers().lastHeader("x-huge")).as("large headers are left out").isNull();
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good");
  }

  /**
   * Whatever the limits of the attributes and the data, a task larger than a Kafka record is never
   * handed to Kafka: the event is refused with the reason (here with a 4 KB record limit).
   */
  @Test
  void aTaskLargerThanAKafkaRecordIsNeverWrittenAndTheEventIsRefused() {
    restartWith(
        new RouterTopology(
            RouterTopologyTest.TYPES::contains,
            registry,
            4096,
            RouterConfig.DEFAULT_DEDUPLICATION_WINDOW));
    // 2.8 KB of data that is written back larger (1e9 becomes 1.0E9): the copy fits, the task not
    String data = "{\"n\":[" + "1e9,".repeat(699) + "1e9]}";
    payments.pipeInput(event("evt-big", "payment_received", data));
    payments.pipeInput(event("evt-good", "payment_received", RouterTopologyTest.DATA));

    TestRecord<byte[], byte[]> refused = invalid.readRecord();
    assertThat(refused.value()).asString(StandardCharsets.UTF_8).isEqualTo(data);
    assertThat(header(refused, Topics.INVALID_REASON_HEADER))
        .startsWith("its delivery task would be about")
        .endsWith("over the 4096 byte limit of a Kafka record (max.request.size)");
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good");
  }

  /** Each refusal by Kafka is an exception of its own (one instance is one refusal). */
  static Exception refusal() {
    return new org.apache.kafka.common.errors.RecordTooLargeException("too big");
  }

  /**
   * What Kafka refused once (the broker's own limits: {@link RouterErrorHandler}) is passed one
   * step further down each time the record is read again: refused whole, then noted without its
   * value, then dropped with an ERROR log; the records after it are routed every time.
   */
  @Test
  void aRecordKafkaRefusedIsPassedFurtherDownEachTimeItIsReadAgain() {
    RouterTopology topology = new RouterTopology(RouterTopologyTest.TYPES::contains, registry);
    String position = "events.payments-0@0";
    org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> task =
        new org.apache.kafka.clients.producer.ProducerRecord<>(
            Topics.DELIVERIES, utf8("w"), utf8("{}"));
    topology.unwritable().failed(position, task, refusal());
    restartWith(topology);
    payments.pipeInput(event("evt-refused", "payment_received", RouterTopologyTest.DATA));
    payments.pipeInput(event("evt-good-1", "payment_received", RouterTopologyTest.DATA));
    TestRecord<byte[], byte[]> refused = invalid.readRecord();
    assertThat(refused.value()).asString(StandardCharsets.UTF_8).isEqualTo(RouterTopologyTest.DATA);
    assertThat(header(refused, Topics.INVALID_REASON_HEADER))
        .isEqualTo(
            "its delivery task could not be written to hookline.deliveries:"
                + " RecordTooLargeException: too big");
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good-1");

    // the copy was refused too
    var copy =
        new org.apache.kafka.clients.producer.ProducerRecord<>(
            Topics.INVALID_EVENTS, null, null, utf8("k"), refused.value(), refused.headers());
    topology.unwritable().failed(position, copy, refusal());
    restartWith(topology);
    payments.pipeInput(event("evt-refused", "payment_received", RouterTopologyTest.DATA));
    payments.pipeInput(event("evt-good-2", "payment_received", RouterTopologyTest.DATA));
    TestRecord<byte[], byte[]> noted = invalid.readRecord();
    assertThat(noted.value()).isNull();
    assertThat(header(noted, Topics.INVALID_REASON_HEADER))
        .startsWith("its delivery task could not be written")
        .contains("; the record could not be copied: RecordTooLargeException");
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good-2");

    // and the note too: passed, logged
    var note =
        new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(
            Topics.INVALID_EVENTS, null, null, null, null, noted.headers());
    topology.unwritable().failed(position, note, refusal());
    restartWith(topology);
    payments.pipeInput(event("evt-refused", "payment_received", RouterTopologyTest.DATA));
    payments.pipeInput(event("evt-good-3", "payment_received", RouterTopologyTest.DATA));
    assertThat(invalid.isEmpty()).isTrue();
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good-3");
    assertThat(registry.counter(RouterTopology.INVALID_EVENTS_COUNTER).count()).isEqualTo(3.0);
  }

  @Test
  void nestingBelowTheLimitIsRoutedAndItsTaskIsValidJson() {
    payments.pipeInput(new TestRecord<>(utf8("k"), nested("{\"a\":", "}", 900), valid()));
    List<byte[]> values = deliveries.readValuesToList();
    assertThat(values).hasSize(1);
    // the task a worker reads back must itself be readable (it nests one level deeper than the
    // data)
    assertThat(
            Json.fromBytes(values.get(0), DeliveryTask.class)
                .event()
                .data()
                .at("/a/a/a")
                .isObject())
        .isTrue();
    assertThat(invalid.isEmpty()).isTrue();
  }

  @Test
  void numbersPastDoubleRangeAreRoutedAsValidJson() throws Exception {
    payments.pipeInput(
        new TestRecord<>(utf8("k"), utf8("{\"n\":1e999999,\"m\":-1e999999}"), valid()));
    List<byte[]> values = deliveries.readValuesToList();
    if (values.isEmpty()) {
      assertThat(invalid.readRecord().value()).isNotNull(); // refused is fine too; crashing is not
      return;
    }
    // routed: the task must still be strict JSON (no bare Infinity tokens) for the worker and the
    // receiver
    Json.MAPPER
        .reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .readTree(values.get(0));
  }

  @Test
  void aBurstOfHostileEventsNeverStopsTheRouter() {
    List<Arguments> all = hostile().toList();
    for (int round = 0; round < 3; round++) {
      for (Arguments a : all) {
        Object[] args = a.get();
        payments.pipeInput(new TestRecord<>(utf8("k"), (byte[]) args[2], (Headers) args[1]));
      }
    }
    payments.pipeInput(event("evt-after", "payment_received", RouterTopologyTest.DATA));
    assertThat(invalid.readRecordsToList()).hasSize(all.size() * 3);
    assertThat(registry.counter(RouterTopology.INVALID_EVENTS_COUNTER).count())
        .isEqualTo(all.size() * 3.0);
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-after");
  }

  private void restartWith(RouterTopology topology) {
    driver.close();
    open(topology);
  }

  private void open(RouterTopology topology) {
    driver = new TopologyTestDriver(topology.build(), RouterTopologyTest.props(stateDir));
    subscriptions =
        driver.createInputTopic(
            Topics.SUBSCRIPTIONS, new ByteArraySerializer(), new ByteArraySerializer());
    payments =
        driver.createInputTopic(
            "events.payments", new ByteArraySerializer(), new ByteArraySerializer());
    deliveries =
        driver.createOutputTopic(
            Topics.DELIVERIES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    invalid =
        driver.createOutputTopic(
            Topics.INVALID_EVENTS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    subscriptions.pipeInput(key(id(1)), Json.toBytes(sub(id(1), 1, true, "*")));
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private List<DeliveryTask> tasks() {
    return deliveries.readValuesToList().stream()
        .map(v -> Json.fromBytes(v, DeliveryTask.class))
        .toList();
  }
}
