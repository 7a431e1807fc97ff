package dev.hookline.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.EventType;
import dev.hookline.schemas.FieldError;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.TenantIds;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes catalog events to Kafka in CloudEvents binary mode: the value is the event data JSON,
 * the CloudEvents attributes travel as {@code ce_*} headers, the topic is {@code events.<domain>}
 * of the event type.
 *
 * <p>One per application: thread-safe, and it owns a Kafka producer (idempotent, {@code acks=all})
 * that {@link #close()} flushes and closes. Data is validated against the {@link EventCatalog}
 * first; invalid events never reach Kafka.
 */
public final class EventPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

  /**
   * Fields that identify the aggregate an event is about, most specific first. The first one
   * present becomes the partition key, so that one payment's (membership's...) events stay in
   * order.
   */
  static final List<String> KEY_FIELDS =
      List.of("payment_id", "membership_id", "customer_id", "site_id", "domain_id", "webhook_id");

  static final String CONTENT_TYPE_JSON = "application/json";
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<String, byte[]> producer;
  private final EventCatalog catalog;
  private final byte[] source;
  private final boolean validate;
  private final Clock clock;

  private EventPublisher(
      Producer<String, byte[]> producer,
      EventCatalog catalog,
      PublisherConfig config,
      Clock clock) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.source = config.source().getBytes(StandardCharsets.UTF_8);
    this.validate = config.validate();
    this.clock = clock;
  }

  /** A publisher on a new Kafka producer, validating against the shipped catalog. */
  public static EventPublisher create(PublisherConfig config) {
    return create(config, EventCatalog.load());
  }

  /** A publisher on a new Kafka producer, validating against {@code catalog}. */
  public static EventPublisher create(PublisherConfig config, EventCatalog catalog) {
    return new EventPublisher(
        new KafkaProducer<>(producerProperties(config)), catalog, config, Clock.systemUTC());
  }

  /**
   * A publisher on an existing producer, e.g. a {@code MockProducer} in tests. Only the source and
   * validate settings of {@code config} apply; the publisher takes ownership and closes the
   * producer.
   */
  public static EventPublisher wrap(
      Producer<String, byte[]> producer, EventCatalog catalog, PublisherConfig config) {
    return new EventPublisher(producer, catalog, config, Clock.systemUTC());
  }

  static Properties producerProperties(PublisherConfig config) {
    Properties props =
        ProducerSettings.reliable(
            config.bootstrapServers(), config.clientId(), config.kafkaProperties());
    props.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(config.linger().toMillis()));
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(config.batchSizeBytes()));
    return props;
  }

  /** {@link #publish(String, JsonNode, String)} with the partition key taken from the data. */
  public CompletableFuture<PublishedEvent> publish(String type, JsonNode data) {
    return publish(type, data, PublishOptions.none());
  }

  /**
   * Publishes one event.
   *
   * @param type an event type of the catalog, e.g. {@code payment_received}
   * @param data the event data, a JSON object matching the type's schema
   * @param key the partition key; when null or blank, the event's main id ({@link #KEY_FIELDS}),
   *     else the event id
   * @return completes when Kafka has acknowledged the event; fails with {@link
   *     InvalidEventException} (nothing was sent) or {@link PublishException} (Kafka refused it).
   *     This method itself does not throw for bad input.
   */
  public CompletableFuture<PublishedEvent> publish(String type, JsonNode data, String key) {
    return publish(type, data, PublishOptions.none().withKey(key));
  }

  /**
   * Publishes one event with per-event options, e.g. its tenant.
   *
   * @param type an event type of the catalog, e.g. {@code payment_received}
   * @param data the event data, a JSON object matching the type's schema
   * @param options the partition key and the tenant; {@link PublishOptions#none()} for neither
   * @return as {@link #publish(String, JsonNode, String)}; a malformed tenant fails it with {@link
   *     InvalidEventException} naming {@code tenant}
   */
  public CompletableFuture<PublishedEvent> publish(
      String type, JsonNode data, PublishOptions options) {
    return publish(type, data, null, options);
  }

  /**
   * As {@link #publish(String, JsonNode, PublishOptions)}, for a caller that has written the data
   * as JSON already (to check its size, say): {@code json} is sent as it is, and the data is not
   * written again.
   *
   * @param json exactly {@code data} as JSON (UTF-8), or null to write it here
   */
  public CompletableFuture<PublishedEvent> publish(
      String type, JsonNode data, byte[] json, PublishOptions options) {
    OutgoingEvent event;
    try {
      event = prepare(type, data, json, Objects.requireNonNull(options, "options"));
    } catch (InvalidEventException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<PublishedEvent> result = new CompletableFuture<>();
    try {
      // the callback completes the result; the Future that send returns says the same thing again
      var unused =
          producer.send(
              event.record(),
              (metadata, error) -> {
                if (error != null) {
                  log.debug("event {} of type {} not published", event.id(), type, error);
                  result.completeExceptionally(failure(event, error));
                } else {
                  result.complete(
                      new PublishedEvent(
                          event.id(),
                          type,
                          metadata.topic(),
                          metadata.partition(),
                          metadata.offset(),
                          event.time()));
                }
              });
    } catch (RuntimeException e) { // closed producer, metadata timeout, ...
      result.completeExceptionally(failure(event, e));
    }
    return result;
  }

  /** {@link #publishSync(String, JsonNode, String)} with the partition key taken from the data. */
  public PublishedEvent publishSync(String type, JsonNode data) {
    return publishSync(type, data, PublishOptions.none());
  }

  /**
   * Publishes one event and waits for Kafka's acknowledgement.
   *
   * @throws InvalidEventException when the event is refused before reaching Kafka
   * @throws PublishException when Kafka does not accept it (or the wait is interrupted)
   */
  public PublishedEvent publishSync(String type, JsonNode data, String key) {
    return publishSync(type, data, PublishOptions.none().withKey(key));
  }

  /**
   * Publishes one event with per-event options and waits for Kafka's acknowledgement.
   *
   * @throws InvalidEventException when the event is refused before reaching Kafka
   * @throws PublishException when Kafka does not accept it (or the wait is interrupted)
   */
  public PublishedEvent publishSync(String type, JsonNode data, PublishOptions options) {
    CompletableFuture<PublishedEvent> future = publish(type, data, options);
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw new PublishException(
          "could not publish " + type + " event: " + e.getCause(), null, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while publishing " + type + " event", null, e);
    }
  }

  /** Sends everything buffered and waits for the acknowledgements. */
  public void flush() {
    producer.flush();
  }

  /** Flushes pending events (waiting up to 30 s) and closes the Kafka producer. */
  @Override
  public void close() {
    producer.close(CLOSE_TIMEOUT);
  }

  /** The record to send, or {@link InvalidEventException}. Never touches Kafka. */
  private OutgoingEvent prepare(String type, JsonNode data, byte[] json, PublishOptions options) {
    if (type == null || type.isBlank()) throw invalid(type, "type", "is required");
    String tenant = options.tenant();
    if (tenant != null && !TenantIds.isValid(tenant)) throw invalid(type, "tenant", TenantIds.RULE);
    EventType eventType =
        catalog
            .find(type)
            .orElseThrow(() -> invalid(type, "type", "unknown event type '" + type + "'"));
    if (data == null || !data.isObject()) throw invalid(type, "data", "must be a JSON object");
    byte[] value = json;
    if (value == null) {
      try {
        value = Json.MAPPER.writeValueAsBytes(data);
      } catch (JsonProcessingException e) {
        throw invalid(type, "data", "cannot be written as JSON: " + e.getOriginalMessage());
      }
    }
    if (value.length > Event.MAX_DATA_BYTES) {
      throw invalid(
          type,
          "data",
          "is "
              + value.length
              + " bytes of JSON; the limit is "
              + Event.MAX_DATA_BYTES
              + " (256 KB)");
    }
    if (validate) {
      List<FieldError> errors = catalog.validate(type, data);
      if (!errors.isEmpty()) throw new InvalidEventException(type, errors);
    }

    Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String id = EventIds.next(time.toEpochMilli());
    RecordHeaders headers = new RecordHeaders();
    headers.add(CloudEventHeaders.SPECVERSION, utf8(CloudEventHeaders.SPECVERSION_VALUE));
    headers.add(CloudEventHeaders.ID, utf8(id));
    headers.add(CloudEventHeaders.SOURCE, source.clone());
    headers.add(CloudEventHeaders.TYPE, utf8(type));
    headers.add(CloudEventHeaders.TIME, utf8(DateTimeFormatter.ISO_INSTANT.format(time)));
    headers.add(CloudEventHeaders.CONTENT_TYPE, utf8(CONTENT_TYPE_JSON));
    if (tenant != null) headers.add(CloudEventHeaders.TENANT, utf8(tenant));
    String partitionKey = partitionKey(options.key(), data, id);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(eventType.topic(), null, partitionKey, value, headers);
    return new OutgoingEvent(id, time, record);
  }

  /**
   * The caller's key, else the first {@link #KEY_FIELDS} value present in the data, else the event
   * id.
   */
  static String partitionKey(String key, JsonNode data, String eventId) {
    if (key != null && !key.isBlank()) return key;
    for (String field : KEY_FIELDS) {
      JsonNode value = data.get(field);
      if (value != null && value.isValueNode() && !value.isNull()) {
        String text = value.asText();
        if (!text.isBlank()) return text;
      }
    }
    return eventId;
  }

  private static PublishException failure(OutgoingEvent event, Throwable error) {
    return new PublishException(
        "could not publish event "
            + event.id()
            + " to "
            + event.record().topic()
            + ": "
            + error.getMessage(),
        event.id(),
        error);
  }

  private static InvalidEventException invalid(String type, String field, String message) {
    return new InvalidEventException(type, List.of(new FieldError(field, message)));
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private record OutgoingEvent(String id, Instant time, ProducerRecord<String, byte[]> record) {}
}
