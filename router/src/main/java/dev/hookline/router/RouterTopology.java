package dev.hookline.router;

import dev.hookline.producer.DeliveryTaskWriter;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The router's Kafka Streams topology (docs/design.md "Kafka"):
 *
 * <pre>
 *   hookline.subscriptions ──► [global store: routes by event type]
 *                                          │ prefix scan, no repartition
 *   events.* ──► read CloudEvent ──► route ┴─► one task per matching webhook ──► hookline.deliveries
 *                                  │   └─────► record as received + reason ───► hookline.invalid-events
 *                                  └── [store: (source, id) seen in the window; a copy is dropped]
 * </pre>
 */
public final class RouterTopology {
  static final String INVALID_EVENTS_COUNTER = "hookline.router.invalid.events";
  static final String ROUTED_EVENTS_COUNTER = "hookline.router.events";
  static final String DELIVERY_TASKS_COUNTER = "hookline.router.delivery.tasks";
  static final String DUPLICATE_EVENTS_COUNTER = "hookline.router.duplicate.events";

  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  private final Predicate<String> knownType;
  private final MeterRegistry registry;
  private final int maxRecordBytes;
  private final Duration deduplicationWindow;
  private final UnwritableRecords unwritable = new UnwritableRecords();

  /** Kafka's default {@code max.request.size}: the largest record a producer sends. */
  static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

  public RouterTopology(EventCatalog catalog, MeterRegistry registry) {
    this(Objects.requireNonNull(catalog, "catalog")::contains, registry);
  }

  /** For tests: any set of known event types, not only the shipped catalog. */
  RouterTopology(Predicate<String> knownType, MeterRegistry registry) {
    this(knownType, registry, DEFAULT_MAX_RECORD_BYTES, RouterConfig.DEFAULT_DEDUPLICATION_WINDOW);
  }

  /**
   * @param maxRecordBytes the router producer's {@code max.request.size}: no task or copy larger
   *     than this is handed to Kafka (the event goes to {@code hookline.invalid-events} instead)
   * @param deduplicationWindow how long an event's (source, id) is remembered ({@link SeenEvents});
   *     zero to route every copy
   */
  RouterTopology(
      Predicate<String> knownType,
      MeterRegistry registry,
      int maxRecordBytes,
      Duration deduplicationWindow) {
    this.knownType = Objects.requireNonNull(knownType, "knownType");
    this.registry = Objects.requireNonNull(registry, "registry");
    if (maxRecordBytes < 1024)
      throw new IllegalArgumentException("maxRecordBytes must be >= 1024, was " + maxRecordBytes);
    this.maxRecordBytes = maxRecordBytes;
    this.deduplicationWindow = RouterConfig.checkDeduplicationWindow(deduplicationWindow);
  }

  /** What Kafka refused to write for which event record (shared with RouterErrorHandler). */
  UnwritableRecords unwritable() {
    return unwritable;
  }

  /**
   * The error handling this topology needs, for its Kafka Streams properties: an event whose output
   * cannot be written ends on {@code hookline.invalid-events}, never stops routing.
   */
  void putErrorHandling(Properties properties) {
    properties.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, RouterErrorHandler.class);
    properties.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RouterErrorHandler.class);
    properties.put(UnwritableRecords.CONFIG, unwritable);
  }

  public Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    RouteFilters filters = new RouteFilters();

    // The routes. This addGlobalStore variant restores by re-running the Updater over the topic,
    // so the derived index is rebuilt correctly after a restart (see RoutesIndex).
    builder.addGlobalStore(
        RoutesIndex.storeBuilder(),
        Topics.SUBSCRIPTIONS,
        Consumed.with(BYTES, BYTES).withName("read-subscriptions"),
        () -> new RoutesIndex.Updater(filters));

    EventReader reader = new EventReader(knownType);
    EventRouter.Meters meters =
        new EventRouter.Meters(
            counter(INVALID_EVENTS_COUNTER, "Events sent to " + Topics.INVALID_EVENTS),
            counter(ROUTED_EVENTS_COUNTER, "Valid events routed"),
            counter(DELIVERY_TASKS_COUNTER, "Delivery tasks emitted"),
            counter(DUPLICATE_EVENTS_COUNTER, "Events dropped: their (source, id) was routed"));

    String[] stores = {};
    if (!deduplicationWindow.isZero()) {
      builder.addStateStore(SeenEvents.storeBuilder(deduplicationWindow));
      stores = new String[] {SeenEvents.STORE};
    }
    KStream<byte[], EventRouter.Routed> routed =
        builder.stream(Topics.EVENTS_PATTERN, Consumed.with(BYTES, BYTES).withName("read-events"))
            .process(
                () ->
                    new EventRouter(
                        reader, meters, unwritable, maxRecordBytes, deduplicationWindow, filters),
                Named.as("route-events"),
                stores);

    routed
        .split(Named.as("routed-"))
        .branch(
            (key, value) -> value instanceof EventRouter.Delivery,
            Branched.withConsumer(
                tasks ->
                    tasks
                        .mapValues(v -> (EventRouter.Delivery) v, Named.as("task-values"))
                        .to(
                            Topics.DELIVERIES,
                            Produced.with(BYTES, TASK_VALUES)
                                .withStreamPartitioner(new SpreadTasks())
                                .withName("write-deliveries")),
                "deliveries"))
        .branch(
            (key, value) -> value instanceof EventRouter.Invalid,
            Branched.withConsumer(
                invalid ->
                    invalid
                        .mapValues(EventRouter.Routed::value, Named.as("invalid-bytes"))
                        .to(
                            Topics.INVALID_EVENTS,
                            Produced.with(BYTES, BYTES).withName("write-invalid-events")),
                "invalid"))
        .noDefaultBranch();

    return builder.build();
  }

  /** A task's value is its JSON; the tenant beside it only chooses the partition. */
  private static final Serde<EventRouter.Delivery> TASK_VALUES =
      Serdes.serdeFrom(
          (topic, delivery) -> delivery == null ? null : delivery.value(),
          (topic, bytes) -> {
            throw new UnsupportedOperationException("the router never reads its tasks back");
          });

  /**
   * Tasks go to a partition the way every writer of tasks puts them: their tenant's lane, or by
   * their bytes without a tenant (see {@link DeliveryTaskWriter}).
   */
  static final class SpreadTasks implements StreamPartitioner<byte[], EventRouter.Delivery> {
    @Override
    public Optional<Set<Integer>> partitions(
        String topic, byte[] key, EventRouter.Delivery task, int numPartitions) {
      return Optional.of(
          Set.of(DeliveryTaskWriter.partition(task.tenant(), task.value(), numPartitions)));
    }
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }
}
