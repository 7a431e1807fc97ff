package dev.hookline.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventPublisherTest {
  private static final EventCatalog CATALOG = EventCatalog.load();
  private static final PublisherConfig CONFIG = PublisherConfig.defaults("unused:9092");

  private final MockProducer<String, byte[]> producer = newProducer(true);
  private final EventPublisher publisher = EventPublisher.wrap(producer, CATALOG, CONFIG);

  @AfterEach
  void close() {
    publisher.close();
  }

  @Test
  void writesCloudEventsBinaryModeRecord() throws Exception {
    ObjectNode data = example("payment_received");
    Instant before = Instant.now().minusMillis(1);
    PublishedEvent published = publisher.publishSync("payment_received", data);
    Instant after = Instant.now();

    assertThat(producer.history()).hasSize(1);
    ProducerRecord<String, byte[]> record = producer.history().get(0);
    assertThat(record.topic()).isEqualTo("events.payments");
    assertThat(record.key()).isEqualTo("1201");
    assertThat(record.value()).isEqualTo(Json.MAPPER.writeValueAsBytes(data));
    assertThat(Json.MAPPER.readTree(record.value())).isEqualTo(data);

    assertThat(headerNames(record))
        .containsExactlyInAnyOrder(
            "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type");
    assertThat(header(record, CloudEventHeaders.SPECVERSION)).isEqualTo("1.0");
    assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("urn:hookline:producer");
    assertThat(header(record, CloudEventHeaders.TYPE)).isEqualTo("payment_received");
    assertThat(header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
    String id = header(record, CloudEventHeaders.ID);
    assertThat(id).matches("evt_[0-9A-HJKMNP-TV-Z]{26}");
    String time = header(record, CloudEventHeaders.TIME);
    assertThat(time).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z");
    assertThat(Instant.parse(time)).isBetween(before, after);

    assertThat(published.id()).isEqualTo(id);
    assertThat(published.type()).isEqualTo("payment_received");
    assertThat(published.topic()).isEqualTo("events.payments");
    assertThat(published.time()).isEqualTo(Instant.parse(time));
    assertThat(published.offset()).isZero();
  }

  @Test
  void sendsTheCallersJsonOfTheDataAsItIs() throws Exception {
    ObjectNode data = example("payment_received");
    // the same data, written with other white space: recognisably the caller's bytes
    byte[] json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(data);

    publisher.publish("payment_received", data, json, PublishOptions.none()).get();

    assertThat(producer.history()).hasSize(1);
    assertThat(producer.history().get(0).value()).isEqualTo(json);
  }

  @Test
  void usesTheConfiguredSourceAndTheTypesDomain() {
    try (EventPublisher custom =
        EventPublisher.wrap(
            producer, CATALOG, CONFIG.toBuilder().source("https://billing.example.com").build())) {
      custom.publishSync("hookline.webhook.disabled", example("hookline.webhook.disabled"));
      custom.publishSync("domain_created", example("domain_created"));
    }
    assertThat(producer.history())
        .extracting(ProducerRecord::topic)
        .containsExactly("events.hookline", "events.domains");
    assertThat(producer.history())
        .allSatisfy(
            r -> assertThat(header(r, "ce_source")).isEqualTo("https://billing.example.com"));
  }

  @Test
  void partitionKeyIsCallersKeyElseMainIdElseEventId() {
    publisher.publishSync("payment_received", example("payment_received"), "tenant-7");
    publisher.publishSync(
        "payment_received", example("payment_received"), " "); // blank: as if absent
    publisher.publishSync(
        "payment_failed", example("payment_failed")); // no payment_id: membership_id
    publisher.publishSync("customer_created", example("customer_created"));
    publisher.publishSync(
        "site_published", example("site_published")); // membership_id before site_id
    publisher.publishSync("hookline.webhook.disabled", example("hookline.webhook.disabled"));

    assertThat(producer.history())
        .extracting(ProducerRecord::key)
        .containsExactly(
            "tenant-7", "1201", "314", "88", "314", "0b7d7c0e-4a43-4f6e-9b8e-2f4c1d9a6e51");
  }

  @Test
  void aTenantTravelsAsTheCeTenantHeaderAndNoTenantAddsNoHeader() {
    publisher.publishSync(
        "payment_received",
        example("payment_received"),
        PublishOptions.none().withTenant("acme-eu:shop_1.x").withKey("k"));
    publisher.publishSync("payment_received", example("payment_received"), PublishOptions.none());

    ProducerRecord<String, byte[]> withTenant = producer.history().get(0);
    assertThat(header(withTenant, CloudEventHeaders.TENANT)).isEqualTo("acme-eu:shop_1.x");
    assertThat(withTenant.key()).isEqualTo("k");
    assertThat(headerNames(producer.history().get(1))).doesNotContain(CloudEventHeaders.TENANT);
  }

  @Test
  void aMalformedTenantIsRefusedNamingTheFieldAndNothingIsSent() {
    for (String bad : List.of("", "a b", "a|b", "x".repeat(65), "ünï")) {
      CompletableFuture<PublishedEvent> result =
          publisher.publish(
              "payment_received",
              example("payment_received"),
              PublishOptions.none().withTenant(bad));
      assertThatThrownBy(result::join)
          .as("tenant '%s'", bad)
          .hasCauseInstanceOf(InvalidEventException.class)
          .cause()
          .satisfies(
              e ->
                  assertThat(((InvalidEventException) e).errors())
                      .extracting(FieldError::field)
                      .containsExactly("tenant"));
    }
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void eventWithoutAnIdFieldIsKeyedByItsEventId() {
    EventCatalog catalog =
        EventCatalog.of(
            List.of(
                new EventType(
                    "ping",
                    "Ping",
                    "A ping.",
                    "misc",
                    Json.MAPPER.createObjectNode().put("type", "object"),
                    Json.MAPPER.createObjectNode())));
    try (EventPublisher pings = EventPublisher.wrap(producer, catalog, CONFIG)) {
      PublishedEvent published =
          pings.publishSync("ping", Json.MAPPER.createObjectNode().put("note", "hi"));
      assertThat(producer.history())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.key()).isEqualTo(published.id());
                assertThat(r.topic()).isEqualTo("events.misc");
              });
    }
  }

  @Test
  void invalidDataNeverReachesKafka() {
    ObjectNode data = example("payment_received");
    data.remove("payment_id");
    data.put("customer_user_email", "nope");

    CompletableFuture<PublishedEvent> future = publisher.publish("payment_received", data);
    assertThat(future).isCompletedExceptionally();
    assertThatThrownBy(future::join)
        .cause()
        .isInstanceOfSatisfying(
            InvalidEventException.class,
            e -> {
              assertThat(e.type()).isEqualTo("payment_received");
              assertThat(e.errors())
                  .extracting(FieldError::field)
                  .containsExactlyInAnyOrder("data.payment_id", "data.customer_user_email");
              assertThat(e.getMessage()).contains("data.payment_id");
            });
    assertThatThrownBy(() -> publisher.publishSync("payment_received", data))
        .isInstanceOf(InvalidEventException.class);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void unknownTypeMissingTypeAndNonObjectDataAreFieldErrors() {
    assertThat(
            fieldsOf(
                () -> publisher.publishSync("payment_teleported", example("payment_received"))))
        .containsExactly("type");
    assertThat(fieldsOf(() -> publisher.publishSync(null, example("payment_received"))))
        .containsExactly("type");
    assertThat(
            fieldsOf(
                () -> publisher.publishSync("payment_received", Json.MAPPER.createArrayNode())))
        .containsExactly("data");
    assertThat(fieldsOf(() -> publisher.publishSync("payment_received", null)))
        .containsExactly("data");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void payloadOver256KbIsRefusedEvenWithoutValidation() {
    ObjectNode data = example("payment_received");
    data.put("payment_product_names", "x".repeat(Event.MAX_DATA_BYTES));
    MockProducer<String, byte[]> other = newProducer(true);
    try (EventPublisher unvalidated =
        EventPublisher.wrap(other, CATALOG, CONFIG.toBuilder().validate(false).build())) {
      assertThatThrownBy(() -> unvalidated.publishSync("payment_received", data))
          .isInstanceOfSatisfying(
              InvalidEventException.class,
              e ->
                  assertThat(e.errors())
                      .singleElement()
                      .satisfies(
                          err -> {
                            assertThat(err.field()).isEqualTo("data");
                            assertThat(err.message()).contains("262144");
                          }));
    }
    assertThat(other.history()).isEmpty();
    // just under the limit goes through
    ObjectNode small = example("payment_received");
    int overhead = Json.toBytes(small).length + ",\"pad\":\"\"".length();
    small.put("pad", "y".repeat(Event.MAX_DATA_BYTES - overhead));
    assertThat(Json.toBytes(small)).hasSize(Event.MAX_DATA_BYTES);
    publisher.publishSync("payment_received", small);
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void validationCanBeTurnedOff() {
    ObjectNode data = example("payment_received");
    data.put("payment_total", 12);
    try (EventPublisher unvalidated =
        EventPublisher.wrap(producer, CATALOG, CONFIG.toBuilder().validate(false).build())) {
      unvalidated.publishSync("payment_received", data);
    }
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void kafkaFailureFailsTheFutureWithPublishException() {
    MockProducer<String, byte[]> manual = newProducer(false);
    try (EventPublisher slow = EventPublisher.wrap(manual, CATALOG, CONFIG)) {
      CompletableFuture<PublishedEvent> future =
          slow.publish("payment_received", example("payment_received"));
      assertThat(future).isNotDone();
      manual.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
      assertThatThrownBy(future::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("broker gone")
          .hasMessageContaining("events.payments");
    }
  }

  @Test
  void publishAfterCloseFailsCleanly() {
    publisher.close();
    assertThatThrownBy(() -> publisher.publishSync("payment_received", example("payment_received")))
        .isInstanceOf(PublishException.class);
  }

  @Test
  void concurrentPublishersAreSafe() throws Exception {
    int threads = 8;
    int perThread = 500;
    List<CompletableFuture<PublishedEvent>> futures =
        java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      ObjectNode data = example("payment_received");
                      data.put("payment_id", thread * perThread + i + 1);
                      futures.add(publisher.publish("payment_received", data));
                    }
                  }));
    }
    for (Thread worker : workers) worker.join();

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    Set<String> ids = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (CompletableFuture<PublishedEvent> f : futures) ids.add(f.join().id());
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      keys.add(r.key());
      assertThat(Json.MAPPER.readTree(r.value()).get("payment_id").asText()).isEqualTo(r.key());
    }
    assertThat(producer.history()).hasSize(threads * perThread);
    assertThat(ids).hasSize(threads * perThread);
    assertThat(keys).hasSize(threads * perThread);
  }

  @Test
  void kafkaSettingsAreIdempotentAndAcksAll() {
    PublisherConfig config =
        PublisherConfig.builder("k1:9092,k2:9092")
            .clientId("billing")
            .batching(Duration.ofMillis(20), 128 * 1024)
            .kafkaProperties(
                Map.of("acks", "1", "enable.idempotence", "false", "compression.type", "lz4"))
            .build();
    var props = EventPublisher.producerProperties(config);
    assertThat(props)
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("client.id", "billing")
        .containsEntry("linger.ms", "20")
        .containsEntry("batch.size", "131072")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("compression.type", "lz4");
  }

  @Test
  void configHasDocumentedDefaultsAndRefusesNonsense() {
    PublisherConfig config = PublisherConfig.defaults("localhost:9092");
    assertThat(config.source()).isEqualTo("urn:hookline:producer");
    assertThat(config.validate()).isTrue();
    assertThat(config.linger()).isEqualTo(Duration.ofMillis(5));
    assertThatThrownBy(() -> PublisherConfig.defaults(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.toBuilder().source("not a uri").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source");
    // the router's limits (EventAttribute.SOURCE): refused here rather than on every event
    assertThat(config.toBuilder().source("urn:" + "s".repeat(1020)).build().source()).hasSize(1024);
    assertThatThrownBy(() -> config.toBuilder().source("urn:" + "s".repeat(1021)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ce_source is 1025 characters long");
    assertThatThrownBy(() -> config.toBuilder().source("urn:caf\u00e9").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+00E9");
  }

  @Test
  void realKafkaProducerIsBuiltAndInvalidEventsFailWithoutABroker() {
    // nothing listens on port 1: an invalid event must fail at once, not after a metadata timeout
    try (EventPublisher real =
        EventPublisher.create(PublisherConfig.defaults("127.0.0.1:1"), CATALOG)) {
      CompletableFuture<PublishedEvent> future =
          real.publish("payment_received", Json.MAPPER.createObjectNode());
      assertThat(future).isCompletedExceptionally();
    }
  }

  private static MockProducer<String, byte[]> newProducer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }

  private static ObjectNode example(String type) {
    return CATALOG.find(type).orElseThrow().example().deepCopy();
  }

  private static List<String> headerNames(ProducerRecord<String, byte[]> record) {
    List<String> names = new ArrayList<>();
    for (Header header : record.headers()) names.add(header.key());
    return names;
  }

  private static String header(ProducerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as(name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static List<String> fieldsOf(Runnable publish) {
    try {
      publish.run();
    } catch (InvalidEventException e) {
      return e.errors().stream().map(FieldError::field).toList();
    }
    throw new AssertionError("expected InvalidEventException");
  }
}
