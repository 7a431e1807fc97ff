package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
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

class RouterTopologyTest {
  static final Set<String> TYPES = Set.of("payment_received", "payment_refunded", "invoice_paid");
  static final String DATA = "{\"payment_id\":1201,\"payment_total\":\"$29.00\"}";

  @TempDir Path stateDir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> subscriptions;
  TestInputTopic<byte[], byte[]> payments;
  TestInputTopic<byte[], byte[]> invoices;
  TestOutputTopic<byte[], byte[]> deliveries;
  TestOutputTopic<byte[], byte[]> invalid;

  @BeforeEach
  void start() {
    driver =
        new TopologyTestDriver(
            new RouterTopology(TYPES::contains, registry).build(), props(stateDir));
    subscriptions = input(Topics.SUBSCRIPTIONS);
    payments = input("events.payments");
    invoices = input("events.invoices");
    deliveries =
        driver.createOutputTopic(
            Topics.DELIVERIES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    invalid =
        driver.createOutputTopic(
            Topics.INVALID_EVENTS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void fansOutOneTaskPerMatchingWebhookInWebhookIdOrder() {
    List<UUID> subscribed = List.of(id(3), id(1), id(2));
    subscribed.forEach(w -> subscribe(w, 1, true, "payment_received"));
    subscribe(id(4), 1, true, "invoice_paid");

    payments.pipeInput(event("evt-1", "payment_received", DATA));

    List<TestRecord<byte[], byte[]>> out = deliveries.readRecordsToList();
    List<DeliveryTask> tasks =
        out.stream().map(r -> Json.fromBytes(r.value(), DeliveryTask.class)).toList();
    assertThat(tasks).extracting(DeliveryTask::webhookId).containsExactly(id(1), id(2), id(3));
    for (int i = 0; i < out.size(); i++) {
      DeliveryTask task = tasks.get(i);
      assertThat(new String(out.get(i).key(), StandardCharsets.UTF_8))
          .isEqualTo(task.webhookId().toString());
      assertThat(out.get(i).headers().toArray())
          .as("ce_* headers are not copied onto tasks; where the task came from is")
          .extracting(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
          .containsExactly(Topics.ROUTED_FROM_HEADER + "=events.payments-0@0");
      assertThat(task.deliveryId())
          .isEqualTo(EventIdentity.deliveryId(task.event().source(), "evt-1", task.webhookId()));
      assertThat(task.attempt()).isEqualTo(1);
      assertThat(task.trigger()).isEqualTo(Trigger.EVENT);
      assertThat(task.event().id()).isEqualTo("evt-1");
      assertThat(task.event().type()).isEqualTo("payment_received");
      assertThat(task.event().source()).isEqualTo("/billing");
      assertThat(task.event().time()).isEqualTo(Instant.parse("2026-11-28T10:15:30.123Z"));
      assertThat(task.event().data())
          .isEqualTo(Json.readTree(DATA.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(invalid.isEmpty()).isTrue();
    assertThat(registry.counter(RouterTopology.DELIVERY_TASKS_COUNTER).count()).isEqualTo(3.0);
  }

  @Test
  void eventWithoutSubscribersProducesNothing() {
    subscribe(id(1), 1, true, "invoice_paid");
    payments.pipeInput(event("evt-1", "payment_received", DATA));
    assertThat(deliveries.isEmpty()).isTrue();
    assertThat(invalid.isEmpty()).isTrue();
  }

  @Test
  void wildcardMatchesEveryTypeOnceEvenWhenAlsoListedExplicitly() {
    subscribe(id(1), 1, true, "*");
    subscribe(id(2), 1, true, "payment_received", "*");

    payments.pipeInput(event("evt-1", "payment_received", DATA));
    invoices.pipeInput(event("evt-2", "invoice_paid", DATA));

    assertThat(tasks())
        .extracting(t -> t.event().id() + ">" + t.webhookId())
        .containsExactly("evt-1>" + id(1), "evt-1>" + id(2), "evt-2>" + id(1), "evt-2>" + id(2));
  }

  @Test
  void inactiveWebhooksNeverMatchUntilReactivated() {
    subscribe(id(1), 1, false, "payment_received");
    subscribe(id(2), 1, false, "*");
    payments.pipeInput(event("evt-1", "payment_received", DATA));
    assertThat(deliveries.isEmpty()).isTrue();

    subscribe(id(1), 2, true, "payment_received");
    payments.pipeInput(event("evt-2", "payment_received", DATA));
    assertThat(tasks()).extracting(DeliveryTask::webhookId).containsExactly(id(1));

    subscribe(id(1), 3, false, "payment_received");
    payments.pipeInput(event("evt-3", "payment_received", DATA));
    assertThat(deliveries.isEmpty()).isTrue();
  }

  @Test
  void updatedEventListReplacesTheOldOneAndCarriesTheNewVersion() {
    subscribe(id(1), 1, true, "payment_received", "invoice_paid");
    subscribe(id(1), 7, true, "payment_refunded", "invoice_paid");

    payments.pipeInput(event("evt-1", "payment_received", DATA));
    assertThat(deliveries.isEmpty()).as("old type no longer matches").isTrue();

    payments.pipeInput(event("evt-2", "payment_refunded", DATA));
    invoices.pipeInput(event("evt-3", "invoice_paid", DATA));
    assertThat(tasks())
        .extracting(t -> t.event().id() + "@v" + t.webhookVersion())
        .containsExactly("evt-2@v7", "evt-3@v7");
  }

  @Test
  void aRecordOlderThanTheAppliedVersionIsIgnored() {
    subscribe(id(1), 5, true, "payment_received");
    subscribe(id(1), 3, false, "payment_received"); // a late, stale record: must not deactivate
    subscribe(id(1), 4, true, "invoice_paid"); // nor move the webhook to another type

    payments.pipeInput(event("evt-1", "payment_received", DATA));
    invoices.pipeInput(event("evt-2", "invoice_paid", DATA));
    assertThat(tasks())
        .extracting(t -> t.event().id() + "@v" + t.webhookVersion())
        .containsExactly("evt-1@v5");

    // the same version again (a snapshot repairing a corrupted record) is applied
    subscribe(id(1), 5, true, "invoice_paid");
    payments.pipeInput(event("evt-3", "payment_received", DATA));
    invoices.pipeInput(event("evt-4", "invoice_paid", DATA));
    assertThat(tasks())
        .extracting(t -> t.event().id() + "@v" + t.webhookVersion())
        .containsExactly("evt-4@v5");

    // and a newer one as always
    subscribe(id(1), 6, false, "invoice_paid");
    invoices.pipeInput(event("evt-5", "invoice_paid", DATA));
    assertThat(deliveries.isEmpty()).isTrue();
  }

  @Test
  void tombstoneStopsMatching() {
    subscribe(id(1), 1, true, "payment_received");
    subscribe(id(2), 1, true, "*");
    subscriptions.pipeInput(key(id(1)), (byte[]) null);
    subscriptions.pipeInput(key(id(2)), (byte[]) null);
    subscriptions.pipeInput(
        key(id(3)), (byte[]) null); // a tombstone for an unknown webhook is harmless

    payments.pipeInput(event("evt-1", "payment_received", DATA));
    assertThat(deliveries.isEmpty()).isTrue();

    subscribe(id(1), 2, true, "payment_received"); // re-created
    payments.pipeInput(event("evt-2", "payment_received", DATA));
    assertThat(tasks()).extracting(DeliveryTask::webhookId).containsExactly(id(1));
  }

  @Test
  void unreadableRoutingRecordsFailClosedAndDoNotStopTheRouter() {
    subscribe(id(1), 1, true, "payment_received");
    subscribe(id(2), 1, true, "payment_received");
    subscribe(id(3), 1, true, "payment_received");
    subscriptions.pipeInput(
        "not-a-uuid".getBytes(StandardCharsets.UTF_8), Json.toBytes(sub(id(9), 1, true, "*")));
    subscriptions.pipeInput(key(id(1)), "{broken".getBytes(StandardCharsets.UTF_8));
    subscriptions.pipeInput(
        key(id(2)), Json.toBytes(sub(id(8), 2, true, "payment_received"))); // id mismatch
    // A field added by a newer admin-api is tolerated.
    subscriptions.pipeInput(
        key(id(4)),
        ("{\"id\":\""
                + id(4)
                + "\",\"version\":5,\"events\":[\"payment_received\"],"
                + "\"active\":true,\"future_field\":1}")
            .getBytes(StandardCharsets.UTF_8));

    payments.pipeInput(event("evt-1", "payment_received", DATA));
    assertThat(tasks())
        .extracting(t -> t.webhookId() + "@v" + t.webhookVersion())
        .containsExactly(id(3) + "@v1", id(4) + "@v5");
  }

  @Test
  void deliveryIdsAreDeterministic() {
    subscribe(id(1), 1, true, "*");
    subscribe(id(2), 1, true, "*");
    payments.pipeInput(event("evt-1", "payment_received", DATA));
    payments.pipeInput(event("evt-2", "payment_received", DATA));
    // the same id from another source: another event, with deliveries of its own
    TestRecord<byte[], byte[]> otherSource = event("evt-1", "payment_received", DATA);
    otherSource
        .headers()
        .remove(CloudEventHeaders.SOURCE)
        .add(CloudEventHeaders.SOURCE, utf8("/shop"));
    payments.pipeInput(otherSource);

    List<UUID> ids = tasks().stream().map(DeliveryTask::deliveryId).toList();
    assertThat(ids).hasSize(6).doesNotHaveDuplicates();
    assertThat(ids.get(0)).isEqualTo(EventIdentity.deliveryId("/billing", "evt-1", id(1)));
    assertThat(ids.get(4)).isEqualTo(EventIdentity.deliveryId("/shop", "evt-1", id(1)));
  }

  @Test
  void missingTimeFallsBackToTheRecordTimestamp() {
    subscribe(id(1), 1, true, "*");
    TestRecord<byte[], byte[]> record = event("evt-1", "payment_received", DATA);
    record.headers().remove(CloudEventHeaders.TIME);
    Instant recordTime = Instant.parse("2026-01-02T03:04:05Z");
    payments.pipeInput(
        new TestRecord<>(record.key(), record.value(), record.headers(), recordTime));
    assertThat(tasks())
        .singleElement()
        .satisfies(t -> assertThat(t.event().time()).isEqualTo(recordTime));
  }

  static Stream<Arguments> invalidEvents() {
    byte[] data = DATA.getBytes(StandardCharsets.UTF_8);
    byte[] tooBig =
        ("{\"x\":\"" + "a".repeat(Event.MAX_DATA_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of(
            "no specversion",
            without(CloudEventHeaders.SPECVERSION),
            data,
            "missing or empty header ce_specversion"),
        Arguments.of(
            "specversion 0.3",
            with(CloudEventHeaders.SPECVERSION, "0.3"),
            data,
            "unsupported ce_specversion '0.3'"),
        Arguments.of("no id", without(CloudEventHeaders.ID), data, "missing or empty header ce_id"),
        Arguments.of(
            "blank id", with(CloudEventHeaders.ID, " "), data, "missing or empty header ce_id"),
        Arguments.of(
            "no source",
            without(CloudEventHeaders.SOURCE),
            data,
            "missing or empty header ce_source"),
        Arguments.of(
            "bad source",
            with(CloudEventHeaders.SOURCE, "http://[not-a-uri"),
            data,
            "is not a URI reference"),
        Arguments.of(
            "no type", without(CloudEventHeaders.TYPE), data, "missing or empty header ce_type"),
        Arguments.of(
            "unknown type",
            with(CloudEventHeaders.TYPE, "order_shipped"),
            data,
            "unknown event type 'order_shipped'"),
        Arguments.of(
            "bad time",
            with(CloudEventHeaders.TIME, "yesterday"),
            data,
            "'yesterday' is not an RFC 3339 timestamp"),
        Arguments.of(
            "time without offset",
            with(CloudEventHeaders.TIME, "2026-11-28T10:15:30"),
            data,
            "not an RFC 3339"),
        Arguments.of(
            "non-UTF-8 header",
            withBytes(CloudEventHeaders.ID, new byte[] {(byte) 0xC3, (byte) 0x28}),
            data,
            "ce_id is not UTF-8"),
        Arguments.of(
            "xml content",
            with(CloudEventHeaders.CONTENT_TYPE, "application/xml"),
            data,
            "'application/xml' is not JSON"),
        Arguments.of(
            "not JSON", valid(), "{nope".getBytes(StandardCharsets.UTF_8), "not valid JSON"),
        Arguments.of(
            "trailing garbage", valid(), "{}x".getBytes(StandardCharsets.UTF_8), "not valid JSON"),
        Arguments.of(
            "JSON array",
            valid(),
            "[1,2]".getBytes(StandardCharsets.UTF_8),
            "must be a JSON object, was array"),
        Arguments.of(
            "JSON string",
            valid(),
            "\"hi\"".getBytes(StandardCharsets.UTF_8),
            "must be a JSON object, was string"),
        Arguments.of("empty value", valid(), new byte[0], "the value is empty"),
        Arguments.of("null value", valid(), null, "the value is empty"),
        Arguments.of("over 256 KB", valid(), tooBig, "over the 262144 byte limit"),
        // the attribute limits (EventAttribute, README "Event attributes")
        Arguments.of(
            "id of 257 characters",
            with(CloudEventHeaders.ID, "i".repeat(257)),
            data,
            "ce_id is 257 characters long; it takes 1 to 256 visible ASCII characters"),
        Arguments.of(
            "200 KB id of control characters",
            with(CloudEventHeaders.ID, "\u0001".repeat(200_000)),
            data,
            "ce_id is 200000 characters long"),
        Arguments.of(
            "id with a control character",
            with(CloudEventHeaders.ID, "evt-\u0000-1"),
            data,
            "ce_id has the character U+0000 at position 4"),
        Arguments.of(
            "id with a line break",
            with(CloudEventHeaders.ID, "evt\r\nX-Forged: 1"),
            data,
            "ce_id has the character U+000D at position 3"),
        Arguments.of(
            "id with a space", with(CloudEventHeaders.ID, "evt 1"), data, "U+0020 at position 3"),
        Arguments.of(
            "id not ASCII", with(CloudEventHeaders.ID, "évt-1"), data, "U+00E9 at position 0"),
        Arguments.of(
            "source of 1,025 characters",
            with(CloudEventHeaders.SOURCE, "/" + "s".repeat(1024)),
            data,
            "ce_source is 1025 characters long; it takes 1 to 1024"),
        Arguments.of(
            "source not ASCII",
            with(CloudEventHeaders.SOURCE, "/billing/caf\u00e9"),
            data,
            "ce_source has the character U+00E9"),
        Arguments.of(
            "type of 129 characters",
            with(CloudEventHeaders.TYPE, "t".repeat(129)),
            data,
            "ce_type is 129 characters long"),
        Arguments.of(
            "time of 65 characters",
            with(CloudEventHeaders.TIME, "2026-11-28T10:15:30." + "1".repeat(44) + "Z"),
            data,
            "ce_time is 65 characters long"),
        Arguments.of(
            "subject with a control character",
            with(CloudEventHeaders.SUBJECT, "site\u00071"),
            data,
            "ce_subject has the character U+0007 at position 4"),
        Arguments.of(
            "subject of 1,025 characters",
            with(CloudEventHeaders.SUBJECT, "s".repeat(1025)),
            data,
            "ce_subject is 1025 characters long"),
        Arguments.of(
            "content type of 257 characters",
            with(CloudEventHeaders.CONTENT_TYPE, "application/json; x=" + "y".repeat(237)),
            data,
            "content-type is 257 characters long"),
        Arguments.of(
            "content type with a line break",
            with(CloudEventHeaders.CONTENT_TYPE, "application/json\n"),
            data,
            "content-type has the character U+000A"));
  }

  /** The largest and the strangest values the limits allow are routed, and read back. */
  @Test
  void attributesAtTheirLimitsAreRouted() {
    subscribe(id(1), 1, true, "*");
    String id = "~!".repeat(128); // 256 visible ASCII characters
    String source = "urn:" + "s".repeat(1020);
    Headers headers = valid();
    headers.remove(CloudEventHeaders.ID).add(CloudEventHeaders.ID, utf8(id));
    headers.remove(CloudEventHeaders.SOURCE).add(CloudEventHeaders.SOURCE, utf8(source));
    headers.add(CloudEventHeaders.SUBJECT, utf8("caf\u00e9 \uD83D\uDE00 " + "s".repeat(1016)));
    headers
        .remove(CloudEventHeaders.TIME)
        .add(CloudEventHeaders.TIME, utf8("2026-11-28T10:15:30.123456789+05:30"));
    payments.pipeInput(new TestRecord<>(utf8("k"), utf8(DATA), headers));

    assertThat(invalid.isEmpty()).isTrue();
    DeliveryTask task = tasks().getFirst();
    assertThat(task.event().id()).isEqualTo(id);
    assertThat(task.event().source()).isEqualTo(source);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidEvents")
  void invalidEventsGoToInvalidTopicUnchangedWithAReasonAndRoutingGoesOn(
      String name, Headers headers, byte[] value, String reason) {
    subscribe(id(1), 1, true, "*");
    byte[] key = "aggregate-42".getBytes(StandardCharsets.UTF_8);

    payments.pipeInput(new TestRecord<>(key, value, headers));
    payments.pipeInput(event("evt-good", "payment_received", DATA));

    TestRecord<byte[], byte[]> rejected = invalid.readRecord();
    assertThat(invalid.isEmpty()).isTrue();
    assertThat(rejected.key()).isEqualTo(key);
    assertThat(rejected.value()).isEqualTo(value);
    List<String> originalHeaders =
        Arrays.stream(headers.toArray())
            .map(h -> h.key() + "=" + Arrays.toString(h.value()))
            .toList();
    List<String> outHeaders =
        new ArrayList<>(
            Arrays.stream(rejected.headers().toArray())
                .filter(h -> !h.key().equals(Topics.INVALID_REASON_HEADER))
                .filter(h -> !h.key().equals(Topics.ROUTED_FROM_HEADER))
                .map(h -> h.key() + "=" + Arrays.toString(h.value()))
                .toList());
    assertThat(outHeaders).containsExactlyElementsOf(originalHeaders);
    assertThat(
            new String(
                rejected.headers().lastHeader(Topics.INVALID_REASON_HEADER).value(),
                StandardCharsets.UTF_8))
        .contains(reason);
    assertThat(rejected.headers().lastHeader(Topics.ROUTED_FROM_HEADER).value())
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("events.payments-0@0");
    assertThat(registry.counter(RouterTopology.INVALID_EVENTS_COUNTER).count()).isEqualTo(1.0);

    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good");
  }

  @Test
  void theShippedCatalogIsUsedByThePublicConstructor() {
    driver.close();
    driver =
        new TopologyTestDriver(
            new RouterTopology(EventCatalog.load(), registry).build(),
            props(stateDir.resolve("2")));
    subscriptions = input(Topics.SUBSCRIPTIONS);
    payments = input("events.payments");
    deliveries =
        driver.createOutputTopic(
            Topics.DELIVERIES, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    invalid =
        driver.createOutputTopic(
            Topics.INVALID_EVENTS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    subscribe(id(1), 1, true, "*");

    payments.pipeInput(event("evt-1", "payment_received", DATA));
    payments.pipeInput(event("evt-2", "no_such_type_in_catalog", DATA));

    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-1");
    assertThat(invalid.readRecordsToList()).hasSize(1);
  }

  // --- helpers ---

  static Properties props(Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return p;
  }

  TestInputTopic<byte[], byte[]> input(String topic) {
    return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
  }

  List<DeliveryTask> tasks() {
    return deliveries.readValuesToList().stream()
        .map(v -> Json.fromBytes(v, DeliveryTask.class))
        .toList();
  }

  void subscribe(UUID webhook, long version, boolean active, String... events) {
    subscriptions.pipeInput(key(webhook), Json.toBytes(sub(webhook, version, active, events)));
  }

  static Subscription sub(UUID webhook, long version, boolean active, String... events) {
    return new Subscription(webhook, version, List.of(events), active, null, null);
  }

  static byte[] key(UUID webhook) {
    return webhook.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Ids whose string order is their number order. */
  static UUID id(int n) {
    return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", n));
  }

  static TestRecord<byte[], byte[]> event(String id, String type, String data) {
    Headers headers = valid();
    headers
        .remove(CloudEventHeaders.ID)
        .add(CloudEventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
    headers
        .remove(CloudEventHeaders.TYPE)
        .add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
    return new TestRecord<>(
        "aggregate-1".getBytes(StandardCharsets.UTF_8),
        data.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  static Headers valid() {
    RecordHeaders h = new RecordHeaders();
    h.add(CloudEventHeaders.SPECVERSION, utf8("1.0"));
    h.add(CloudEventHeaders.ID, utf8("evt-x"));
    h.add(CloudEventHeaders.SOURCE, utf8("/billing"));
    h.add(CloudEventHeaders.TYPE, utf8("payment_received"));
    h.add(CloudEventHeaders.TIME, utf8("2026-11-28T10:15:30.123Z"));
    h.add(CloudEventHeaders.CONTENT_TYPE, utf8("application/json"));
    return h;
  }

  static Headers without(String header) {
    return valid().remove(header);
  }

  static Headers with(String header, String value) {
    return withBytes(header, utf8(value));
  }

  static Headers withBytes(String header, byte[] value) {
    return valid().remove(header).add(header, value);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
