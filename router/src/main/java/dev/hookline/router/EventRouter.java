package dev.hookline.router;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.RawData;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one event record into one delivery task per matching webhook, or into one invalid-event
 * record. Looks the routes up in the global {@link RoutesIndex} store, so no repartition.
 */
final class EventRouter implements Processor<byte[], byte[], byte[], EventRouter.Routed> {
  private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

  /** What leaves the router for one input record; the key and headers travel on the record. */
  sealed interface Routed {
    byte[] value();
  }

  /**
   * A delivery task for {@link Topics#DELIVERIES}: key = webhook id, value = task JSON; its tenant
   * (the webhook's, null for a network-wide one) chooses the partition.
   */
  record Delivery(byte[] value, String tenant) implements Routed {}

  /** The record as received, for {@link Topics#INVALID_EVENTS}, with the reason header added. */
  record Invalid(byte[] value) implements Routed {}

  /** Counters shared by every instance (one per stream task). */
  record Meters(
      Counter invalidEvents,
      Counter routedEvents,
      Counter deliveryTasks,
      Counter duplicateEvents) {}

  /** A note (record too large to copy) keeps at most this much of the record, whatever came in. */
  static final int NOTE_MAX_KEY = 1024;

  static final int NOTE_MAX_HEADERS = 16;
  static final int NOTE_MAX_HEADER_BYTES = 1024;

  /** A record batch's and a record's framing, rounded up. */
  private static final int RECORD_OVERHEAD_BYTES = 512;

  private final EventReader reader;
  private final Meters meters;
  private final UnwritableRecords unwritable;
  private final int maxRecordBytes;
  private final Duration deduplicationWindow;
  private final RouteFilters filters;
  private ProcessorContext<byte[], Routed> context;
  private KeyValueStore<String, byte[]> routes;
  private SeenEvents seen;

  /**
   * @param maxRecordBytes the largest record the router's producer sends ({@code
   *     max.request.size}): a task or a copy larger than this is never handed to Kafka, whose
   *     refusal would abort the transaction and stop routing at this record
   * @param deduplicationWindow how long an event's (source, id) is remembered; zero for never (then
   *     no {@link SeenEvents#STORE} is connected)
   * @param filters the routes' payload filters, evaluated after the (tenant, type) match
   */
  EventRouter(
      EventReader reader,
      Meters meters,
      UnwritableRecords unwritable,
      int maxRecordBytes,
      Duration deduplicationWindow,
      RouteFilters filters) {
    this.reader = reader;
    this.meters = meters;
    this.unwritable = unwritable;
    this.maxRecordBytes = maxRecordBytes;
    this.deduplicationWindow = deduplicationWindow;
    this.filters = filters;
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.routes = context.getStateStore(RoutesIndex.STORE);
    if (!deduplicationWindow.isZero())
      this.seen = new SeenEvents(context.getStateStore(SeenEvents.STORE), deduplicationWindow);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String from = context.recordMetadata().map(EventRouter::describe).orElse("unknown position");
    UnwritableRecords.Failure failed = unwritable.at(from);
    if (failed != null) {
      pass(record, failed, from);
      return;
    }
    switch (reader.read(
        record.headers(), record.value(), Instant.ofEpochMilli(record.timestamp()))) {
      case EventReader.Valid valid -> routeOnce(record, valid.event(), from);
      case EventReader.Invalid invalid -> reject(record, invalid.reason(), from);
    }
  }

  /** Routes the event unless its (source, id) was routed within the window. */
  private void routeOnce(Record<byte[], byte[]> record, Event event, String from) {
    if (seen == null) {
      route(record, event, from);
      return;
    }
    if (seen.seen(event, record.timestamp())) {
      meters.duplicateEvents().increment();
      log.debug(
          "Event {} from {} at {} was routed before: dropped", event.id(), event.source(), from);
      return;
    }
    if (route(record, event, from)) seen.remember(event, record.timestamp());
  }

  /** One task per matching webhook; false if the event was refused instead. */
  private boolean route(Record<byte[], byte[]> record, Event event, String from) {
    List<RoutesIndex.Route> matches =
        filters.admitted(RoutesIndex.lookup(routes, event.tenant(), event.type()), event);
    if (matches.size() > 1) event = withDataSerialisedOnce(event);
    boolean first = true;
    for (RoutesIndex.Route route : matches) {
      DeliveryTask task =
          new DeliveryTask(
              DeliveryTask.deliveryIdFor(event, route.webhookId()),
              route.webhookId(),
              route.version(),
              1,
              Trigger.EVENT,
              event,
              route.tenant());
      // key as every writer of tasks has it (DeliveryTaskWriter)
      byte[] key = DeliveryTaskWriter.key(task).getBytes(StandardCharsets.UTF_8);
      byte[] value = TaskJson.bytes(task);
      // The ce_* headers describe the event, not the task: the task starts with clean headers,
      // and where it came from (so a task Kafka will not take is traced back to its event).
      RecordHeaders headers = routedFrom(new RecordHeaders(), from);
      if (first) {
        // the tasks of one event differ only in the webhook id and version: checking the first,
        // with room for a longer version, checks them all before any is written
        long size = size(key, value, headers) + Long.toString(Long.MAX_VALUE).length();
        if (size > maxRecordBytes) {
          reject(
              record,
              "its delivery task would be about "
                  + size
                  + " bytes, over the "
                  + maxRecordBytes
                  + " byte limit of a Kafka record (max.request.size)",
              from);
          return false;
        }
        first = false;
      }
      context.forward(
          record
              .withKey(key)
              .withValue((Routed) new Delivery(value, task.tenant()))
              .withHeaders(headers));
      meters.deliveryTasks().increment();
    }
    meters.routedEvents().increment();
    return true;
  }

  /**
   * The same event whose data writes itself as the JSON text it was read from: one serialisation
   * per event, not one per matching webhook (at 10,000 webhooks it was a third of the router's
   * time). The text is what {@link Json#toBytes} writes, the form every other writer of tasks
   * (retries, redeliveries, test events) gives the data too: the worker signs the task's data as it
   * is ({@link RawData}), so a retry's body is the first attempt's byte for byte.
   */
  static Event withDataSerialisedOnce(Event event) {
    if (RawData.textOf(event.data()) != null) return event; // kept as it came (WrittenData)
    return new Event(
        event.id(),
        event.type(),
        event.source(),
        event.time(),
        RawData.of(RawData.text(event.data())),
        event.tenant());
  }

  private void reject(Record<byte[], byte[]> record, String reason, String from) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.remove(Topics.INVALID_REASON_HEADER);
    headers.add(Topics.INVALID_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    routedFrom(headers, from);
    long size = size(record.key(), record.value(), headers);
    if (size > maxRecordBytes) {
      note(record, reason + "; the record, " + size + " bytes, is too large to copy", from);
      return;
    }
    meters.invalidEvents().increment();
    log.warn("Invalid event at {}: {}", from, reason);
    context.forward(record.withValue((Routed) new Invalid(record.value())).withHeaders(headers));
  }

  /**
   * Instead of a copy too large to write: the reason, where the record is, and its small headers
   * (the ce_* attributes within their limits), without the value.
   */
  private void note(Record<byte[], byte[]> record, String reason, String from) {
    meters.invalidEvents().increment();
    String why = OneLine.of(reason, EventReader.MAX_REASON_CHARS);
    log.warn("Invalid event at {}, noted without its value: {}", from, why);
    byte[] key = record.key() != null && record.key().length <= NOTE_MAX_KEY ? record.key() : null;
    context.forward(
        record
            .withKey(key)
            .withValue((Routed) new Invalid(null))
            .withHeaders(noteHeaders(record.headers(), why, from)));
  }

  /** Bytes of a record as the producer counts them against its limit, with room for framing. */
  private static long size(byte[] key, byte[] value, Headers headers) {
    long size = RECORD_OVERHEAD_BYTES;
    if (key != null) size += key.length;
    if (value != null) size += value.length;
    for (Header h : headers) {
      size += h.key().length() * 3L + (h.value() == null ? 0 : h.value().length) + 10;
    }
    return size;
  }

  /** An event record whose output Kafka would not take last time (see UnwritableRecords). */
  private void pass(Record<byte[], byte[]> record, UnwritableRecords.Failure failed, String from) {
    switch (failed.fallback()) {
      case REFUSE -> reject(record, failed.reason(), from);
      case NOTE -> note(record, failed.reason(), from);
      case DROP -> {
        meters.invalidEvents().increment();
        log.error(
            "Event at {} passed: not even a note of it could be written to {}: {}",
            from,
            Topics.INVALID_EVENTS,
            failed.reason());
      }
    }
  }

  /** The small headers of the record (its ce_* attributes within their limits), why, where. */
  private static RecordHeaders noteHeaders(Headers received, String reason, String from) {
    RecordHeaders headers = new RecordHeaders();
    int kept = 0;
    for (Header h : received) {
      if (kept == NOTE_MAX_HEADERS) break;
      if (h.key().equals(Topics.INVALID_REASON_HEADER) || h.key().equals(Topics.ROUTED_FROM_HEADER))
        continue;
      if (h.value() != null && h.value().length > NOTE_MAX_HEADER_BYTES) continue;
      headers.add(h);
      kept++;
    }
    headers.add(Topics.INVALID_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    return routedFrom(headers, from);
  }

  private static RecordHeaders routedFrom(RecordHeaders headers, String from) {
    headers.remove(Topics.ROUTED_FROM_HEADER);
    headers.add(Topics.ROUTED_FROM_HEADER, from.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static String describe(RecordMetadata m) {
    return UnwritableRecords.position(m.topic(), m.partition(), m.offset());
  }
}
