package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.event;
import static dev.hookline.router.RouterTopologyTest.id;
import static dev.hookline.router.RouterTopologyTest.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Payload filters in the router: evaluated after the (tenant, type) match, on the body sent. */
class FilterRoutingTest {
  static final String BIG_STRIPE = "{\"payment_total_raw\": 150, \"payment_gateway\": \"stripe\"}";
  static final String SMALL_STRIPE = "{\"payment_total_raw\": 50, \"payment_gateway\": \"stripe\"}";
  static final String BIG_PAYPAL = "{\"payment_total_raw\": 500, \"payment_gateway\": \"paypal\"}";
  static final String DESIGN_EXAMPLE =
      "{\"data.payment_total_raw\": {\"$gte\": 100}, \"data.payment_gateway\": {\"$in\": [\"stripe\"]}}";

  @TempDir Path stateDir;
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> subscriptions;
  TestInputTopic<byte[], byte[]> payments;
  TestOutputTopic<byte[], byte[]> deliveries;
  TestOutputTopic<byte[], byte[]> invalid;

  @BeforeEach
  void start() {
    driver =
        new TopologyTestDriver(
            new RouterTopology(
                    Set.of("payment_received", "payment_refunded")::contains,
                    new SimpleMeterRegistry())
                .build(),
            RouterTopologyTest.props(stateDir));
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
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aFilteredWebhookGetsOnlyTheEventsItsFilterPassesAndAnUnfilteredOneGetsThemAll() {
    subscribe(id(1), 1, DESIGN_EXAMPLE, "payment_received");
    subscribe(id(2), 1, null, "payment_received");

    payments.pipeInput(event("evt-big-stripe", "payment_received", BIG_STRIPE));
    payments.pipeInput(event("evt-small-stripe", "payment_received", SMALL_STRIPE));
    payments.pipeInput(event("evt-big-paypal", "payment_received", BIG_PAYPAL));

    assertThat(tasks())
        .extracting(t -> t.event().id() + "->" + t.webhookId())
        .containsExactly(
            "evt-big-stripe->" + id(1),
            "evt-big-stripe->" + id(2),
            "evt-small-stripe->" + id(2),
            "evt-big-paypal->" + id(2));
    assertThat(invalid.isEmpty()).isTrue();
  }

  @Test
  void theFilterSeesTheDeliveredBodyTypeAndTimestampIncluded() {
    // a wildcard webhook filtering on the body's type, and one on the event time as sent
    subscribe(id(1), 1, "{\"type\": {\"$prefix\": \"payment_ref\"}}", "*");
    subscribe(id(2), 1, "{\"timestamp\": {\"$gte\": \"2026-11-28T10:15:30.123Z\"}}", "*");
    subscribe(id(3), 1, "{\"timestamp\": {\"$gt\": \"2026-11-28T10:15:30.123Z\"}}", "*");
    subscribe(id(4), 1, "{\"payment_total_raw\": {\"$exists\": true}}", "*");

    payments.pipeInput(event("evt-1", "payment_received", BIG_STRIPE));
    payments.pipeInput(event("evt-2", "payment_refunded", BIG_STRIPE));

    assertThat(tasks())
        .as("data is under data., not at the top; the time is RFC 3339 as sent")
        .extracting(t -> t.event().id() + "->" + t.webhookId())
        .containsExactly("evt-1->" + id(2), "evt-2->" + id(1), "evt-2->" + id(2));
  }

  @Test
  void aNewVersionOfTheFilterIsCompiledAgainAndClearingItTakesEverything() {
    subscribe(id(1), 1, "{\"data.payment_gateway\": \"paypal\"}", "payment_received");
    payments.pipeInput(event("evt-1", "payment_received", BIG_STRIPE));
    subscribe(id(1), 2, "{\"data.payment_gateway\": \"stripe\"}", "payment_received");
    payments.pipeInput(event("evt-2", "payment_received", BIG_STRIPE));
    subscribe(id(1), 3, null, "payment_received");
    payments.pipeInput(event("evt-3", "payment_received", SMALL_STRIPE));

    assertThat(tasks())
        .extracting(t -> t.event().id() + "@" + t.webhookVersion())
        .containsExactly("evt-2@2", "evt-3@3");
  }

  @Test
  void anUnreadableFilterInARoutingRecordFailsClosedAndRoutingGoesOn() {
    subscribe(id(1), 1, "{\"data.payment_gateway\": {\"$regex\": \"str.*\"}}", "payment_received");
    subscriptions.pipeInput(
        key(id(2)),
        ("{\"id\":\""
                + id(2)
                + "\",\"version\":1,\"events\":[\"payment_received\"],\"active\":true,"
                + "\"filter\":[\"not\",\"an object\"]}")
            .getBytes(StandardCharsets.UTF_8));
    subscribe(id(3), 1, null, "payment_received");

    payments.pipeInput(event("evt-1", "payment_received", BIG_STRIPE));

    assertThat(tasks()).extracting(DeliveryTask::webhookId).containsExactly(id(3));
    assertThat(invalid.isEmpty()).isTrue();
  }

  @Test
  void anUnreadableFilterInTheIndexMatchesNothing() {
    RouteFilters filters = new RouteFilters();
    RoutesIndex.Route broken =
        new RoutesIndex.Route(
            id(1), 1, null, "{\"x\": {\"$nope\": 1}}".getBytes(StandardCharsets.UTF_8));
    RoutesIndex.Route open = new RoutesIndex.Route(id(2), 1, null, null);
    assertThat(
            filters.admitted(
                List.of(broken, open),
                Json.MAPPER.convertValue(
                    java.util.Map.of(
                        "id",
                        "e",
                        "type",
                        "t",
                        "source",
                        "s",
                        "time",
                        "2026-11-28T10:15:30Z",
                        "data",
                        java.util.Map.of()),
                    dev.hookline.schemas.Event.class)))
        .containsExactly(open);
    assertThat(filters.size()).as("the failure is remembered for the version").isEqualTo(1);
  }

  private void subscribe(UUID webhook, long version, String filter, String... events) {
    subscriptions.pipeInput(
        key(webhook),
        Json.toBytes(
            new Subscription(
                webhook,
                version,
                List.of(events),
                true,
                null,
                filter == null ? null : Json.readTree(filter.getBytes(StandardCharsets.UTF_8)))));
  }

  private List<DeliveryTask> tasks() {
    return deliveries.readValuesToList().stream()
        .map(v -> Json.fromBytes(v, DeliveryTask.class))
        .toList();
  }
}
