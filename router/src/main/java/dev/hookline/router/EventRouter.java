package dev.hookline.router;

import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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

  /** A delivery task for {@link Topics#DELIVERIES}: key = webhook id, value = task JSON. */
  record Delivery(byte[] value) implements Routed {}

  /** The record as received, for {@link Topics#INVALID_EVENTS}, with the reason header added. */
  record Invalid(byte[] value) implements Routed {}

  /** Counters shared by every instance (one per stream task). */
  record Meters(Counter invalidEvents, Counter routedEvents, Counter deliveryTasks) {}

  private final EventReader reader;
  private final Meters meters;
  private ProcessorContext<byte[], Routed> context;
  private KeyValueStore<String, byte[]> routes;

  EventRouter(EventReader reader, Meters meters) {
    this.reader = reader;
    this.meters = meters;
  }

  @Override
  public void init(ProcessorContext<byte[], Routed> context) {
    this.context = context;
    this.routes = context.getStateStore(RoutesIndex.STORE);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    switch (reader.read(
        record.headers(), record.value(), Instant.ofEpochMilli(record.timestamp()))) {
      case EventReader.Valid valid -> route(record, valid.event());
      case EventReader.Invalid invalid -> reject(record, invalid.reason());
    }
  }

  private void route(Record<byte[], byte[]> record, Event event) {
    meters.routedEvents().increment();
    List<RoutesIndex.Route> matches = RoutesIndex.lookup(routes, event.tenant(), event.type());
    if (matches.size() > 1) event = withDataSerialisedOnce(event);
    for (RoutesIndex.Route route : matches) {
      DeliveryTask task =
          new DeliveryTask(
              DeliveryTask.deliveryIdFor(event.id(), route.webhookId()),
              route.webhookId(),
              route.version(),
              1,
              Trigger.EVENT,
              event,
              route.tenant());
      // key and headers as every writer of tasks has them (DeliveryTaskWriter): the ce_* headers
      // describe the event, not the task
      context.forward(
          record
              .withKey(DeliveryTaskWriter.key(task).getBytes(StandardCharsets.UTF_8))
              .withValue((Routed) new Delivery(Json.toBytes(task)))
              .withHeaders(new RecordHeaders()));
      meters.deliveryTasks().increment();
    }
  }

  /**
   * The same event whose data writes itself as the JSON text it was read from: one serialisation
   * per event, not one per matching webhook (at 10,000 webhooks it was a third of the router's
   * time).
   */
  static Event withDataSerialisedOnce(Event event) {
    return new Event(
        event.id(),
        event.type(),
        event.source(),
        event.time(),
        new POJONode(new RawValue(Json.toString(event.data()))),
        event.tenant());
  }

  private void reject(Record<byte[], byte[]> record, String reason) {
    meters.invalidEvents().increment();
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.remove(Topics.INVALID_REASON_HEADER);
    headers.add(Topics.INVALID_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    String where = context.recordMetadata().map(EventRouter::describe).orElse("unknown position");
    log.warn("Invalid event at {}: {}", where, reason);
    context.forward(record.withValue((Routed) new Invalid(record.value())).withHeaders(headers));
  }

  private static String describe(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }
}
