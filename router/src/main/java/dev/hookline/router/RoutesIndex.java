package dev.hookline.router;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.TenantIds;
import dev.hookline.schemas.filter.Filter;
import dev.hookline.schemas.filter.FilterException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes: a global state store indexing the compacted subscriptions topic by (tenant, event
 * type), so an event finds its webhooks with a few prefix scans that each return only matches, and
 * the event stream is never repartitioned.
 *
 * <p>Keys (all strings):
 *
 * <ul>
 *   <li>{@code t|<tenant>|<event type>|<webhook id>} → the webhook version (8 bytes), followed by
 *       the UTF-8 JSON of its payload filter when it has one, for active webhooks only; the tenant
 *       is empty for a network-wide webhook, and {@code *} is indexed as the type {@code *}
 *   <li>{@code w|<webhook id>} → the webhook's current subscription JSON, active or not, so the
 *       next update or tombstone can remove exactly the route entries it had
 * </ul>
 *
 * <p>An event of tenant T and type X looks at four prefixes: {@code t|T|X|}, {@code t|T|*|}, {@code
 * t||X|} and {@code t||*|} (the last two alone for an event without a tenant). The cost of a lookup
 * is the number of webhooks it finds, not the number of tenants or of webhooks of the type: with
 * 100,000 tenants of 10 webhooks each, an event of one tenant reads that tenant's entries and the
 * network-wide ones. The store is RocksDB: the index lives on disk, and memory holds RocksDB's
 * bounded caches, not one object per webhook. Neither a tenant id nor an event type can contain
 * {@code |}, so the prefixes cannot run into each other.
 *
 * <p>The index is derived data, not a copy of the topic. It stays correct across restarts because
 * {@code StreamsBuilder#addGlobalStore(StoreBuilder, String, Consumed, ProcessorSupplier)} restores
 * by re-running {@link Updater} over the topic (KAFKA-7663, Kafka 3.7+) instead of copying raw
 * records into the store; and {@link Updater} is idempotent, so re-reading records after the last
 * checkpoint is harmless. (In 4.4 the Topology#addGlobalStore variant reprocesses too; only
 * StreamsBuilder#globalTable copies raw records, and a table keyed by webhook id could not be
 * looked up by event type anyway.) A store written before tenants existed (keys {@code r|<event
 * type>|<webhook id>}, all network-wide) is converted when the router starts, see {@link
 * Updater#init}.
 */
final class RoutesIndex {
  static final String STORE = "hookline-routes";

  private static final Logger log = LoggerFactory.getLogger(RoutesIndex.class);
  private static final String ROUTE = "t|";

  /** The route keys of a store written before tenants: {@code r|<event type>|<webhook id>}. */
  private static final String UNTENANTED_ROUTE = "r|";

  private static final String WEBHOOK = "w|";
  private static final int UUID_LENGTH = 36;
  private static final StringSerializer PREFIX_SERIALIZER = new StringSerializer();

  /**
   * A tolerant reader: admin-api may add fields to the routing record before the router is
   * upgraded, and an unknown field must not make a webhook unroutable.
   */
  private static final ObjectReader SUBSCRIPTION_READER =
      Json.MAPPER
          .readerFor(Subscription.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One matching webhook, as the event stream needs it; {@code tenant} null: network-wide; {@code
   * filter} the payload filter's JSON (see {@link RouteFilters}), null: none.
   */
  record Route(UUID webhookId, long version, String tenant, byte[] filter) {
    /** A route without a filter. */
    Route(UUID webhookId, long version, String tenant) {
      this(webhookId, version, tenant, null);
    }
  }

  private RoutesIndex() {}

  static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
    // A global store's changelog is its source topic: no logging of its own.
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled();
  }

  /**
   * The active webhooks that take an event of {@code eventType} and {@code tenant} (null: an event
   * without a tenant): that tenant's webhooks subscribed to the type or to {@code *}, and the
   * network-wide ones. Each once, in webhook id order (so the tasks of one event are emitted in a
   * deterministic order).
   */
  static List<Route> lookup(KeyValueStore<String, byte[]> store, String tenant, String eventType) {
    TreeMap<String, Route> byId = new TreeMap<>();
    scan(store, "", eventType, byId);
    scan(store, "", Subscription.WILDCARD, byId);
    if (tenant != null && !tenant.isEmpty()) {
      scan(store, tenant, eventType, byId);
      scan(store, tenant, Subscription.WILDCARD, byId);
    }
    return new ArrayList<>(byId.values());
  }

  private static void scan(
      KeyValueStore<String, byte[]> store,
      String tenant,
      String eventType,
      TreeMap<String, Route> into) {
    String prefix = routePrefix(tenant, eventType);
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, PREFIX_SERIALIZER)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        // Exactly prefix + a webhook id: guards against a type that is a prefix of another one.
        if (entry.key.length() != prefix.length() + UUID_LENGTH) continue;
        String webhookId = entry.key.substring(prefix.length());
        into.putIfAbsent(
            webhookId,
            new Route(
                UUID.fromString(webhookId),
                ByteBuffer.wrap(entry.value).getLong(),
                tenant.isEmpty() ? null : tenant,
                entry.value.length > Long.BYTES
                    ? Arrays.copyOfRange(entry.value, Long.BYTES, entry.value.length)
                    : null));
      }
    }
  }

  private static String routePrefix(String tenant, String eventType) {
    return ROUTE + tenant + "|" + eventType + "|";
  }

  private static String routeKey(String tenant, String eventType, String webhookId) {
    return routePrefix(tenant == null ? "" : tenant, eventType) + webhookId;
  }

  /**
   * Applies one record of the subscriptions topic to the index. Never throws: a failure here would
   * stop the global thread, and with it the whole router.
   */
  static final class Updater implements Processor<byte[], byte[], Void, Void> {
    private final RouteFilters filters;
    private KeyValueStore<String, byte[]> store;

    /**
     * @param filters forgets a webhook's compiled filter whenever the webhook changes
     */
    Updater(RouteFilters filters) {
      this.filters = filters;
    }

    /**
     * Also converts the route keys of a store written before tenants existed: every webhook then
     * was network-wide, so {@code r|<type>|<id>} becomes {@code t||<type>|<id>}. Without it, a
     * router upgraded on its old state directory would not route to webhooks that did not change
     * until the next reconciliation snapshot. Idempotent, and one empty prefix scan once done.
     */
    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
      List<KeyValue<String, byte[]>> untenanted = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it =
          store.prefixScan(UNTENANTED_ROUTE, PREFIX_SERIALIZER)) {
        it.forEachRemaining(untenanted::add);
      }
      for (KeyValue<String, byte[]> entry : untenanted) {
        store.put(ROUTE + "|" + entry.key.substring(UNTENANTED_ROUTE.length()), entry.value);
        store.delete(entry.key);
      }
      if (!untenanted.isEmpty())
        log.info("Converted {} route entries to the (tenant, type) index", untenanted.size());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      if (record.key() == null) {
        log.warn("Skipping a subscriptions record without a key");
        return;
      }
      String key = new String(record.key(), StandardCharsets.UTF_8);
      UUID webhookId;
      try {
        webhookId = UUID.fromString(key);
      } catch (IllegalArgumentException e) {
        log.warn(
            "Skipping a subscriptions record whose key {} is not a webhook id", OneLine.quote(key));
        return;
      }
      Subscription next = record.value() == null ? null : decode(webhookId, record.value());
      filters.forget(webhookId);
      try {
        apply(webhookId.toString(), next, record.value());
      } catch (RuntimeException e) {
        log.error("Could not update the routes of webhook {}", webhookId, e);
      }
    }

    /**
     * Replaces the webhook's route entries with those of {@code next}; null removes them all. A
     * record older than the one held is ignored: the outbox keeps per-webhook order, but a relay
     * that gave up on a batch may still see it land late, after a newer one, and the periodic
     * snapshot re-sends current versions. An equal version is applied again (idempotent), which
     * lets a snapshot repair a corrupted record of the same version.
     *
     * <p>All of a webhook's entries change in one write ({@code putAll}, a RocksDB write batch): a
     * router stopped in the middle never finds half a webhook, and a router rebuilding a million
     * webhooks from the topic makes one write per record, not one per entry. The record is kept as
     * it came ({@code json}, checked by {@link #decode}), not encoded again.
     */
    private void apply(String webhookId, Subscription next, byte[] json) {
      // key -> value, null for a delete; a key written again after its delete is kept
      Map<String, byte[]> writes = new LinkedHashMap<>();
      byte[] previousJson = store.get(WEBHOOK + webhookId);
      if (previousJson != null) {
        Subscription previous = decode(UUID.fromString(webhookId), previousJson);
        if (previous != null && next != null && next.version() < previous.version()) {
          log.info(
              "Ignoring version {} of webhook {}: version {} is already applied",
              next.version(),
              webhookId,
              previous.version());
          return;
        }
        if (previous != null) {
          for (String type : previous.events())
            writes.put(routeKey(previous.tenant(), type, webhookId), null);
        }
      }
      if (next == null) {
        writes.put(WEBHOOK + webhookId, null);
        write(writes);
        return;
      }
      writes.put(WEBHOOK + webhookId, json);
      if (!next.active()) {
        write(writes);
        return;
      }
      byte[] filter = next.filter() == null ? new byte[0] : Json.toBytes(next.filter());
      byte[] version =
          ByteBuffer.allocate(Long.BYTES + filter.length)
              .putLong(next.version())
              .put(filter)
              .array();
      for (String type : next.events()) {
        if (type == null || type.isBlank() || type.contains("|")) {
          log.warn(
              "Webhook {} subscribes to an unusable event type '{}'; ignoring that entry",
              webhookId,
              type);
          continue;
        }
        writes.put(routeKey(next.tenant(), type, webhookId), version);
      }
      write(writes);
    }

    private void write(Map<String, byte[]> writes) {
      List<KeyValue<String, byte[]>> batch = new ArrayList<>(writes.size());
      writes.forEach((key, value) -> batch.add(KeyValue.pair(key, value)));
      store.putAll(batch);
    }

    /**
     * An unreadable routing record fails closed: it is treated as a delete, so a webhook is never
     * routed under a record the router could not check.
     */
    private static Subscription decode(UUID webhookId, byte[] json) {
      try {
        Subscription subscription = SUBSCRIPTION_READER.readValue(json);
        if (subscription == null) throw new IllegalArgumentException("null routing record");
        if (!subscription.id().equals(webhookId)) {
          log.error(
              "Routing record under key {} names webhook {}; not routing to it",
              webhookId,
              subscription.id());
          return null;
        }
        if (subscription.tenant() != null && !TenantIds.isValid(subscription.tenant())) {
          log.error(
              "Routing record of webhook {} names the tenant {}, which {}; not routing to it",
              webhookId,
              OneLine.quote(subscription.tenant()),
              TenantIds.RULE);
          return null;
        }
        if (subscription.filter() != null) {
          try {
            Filter.compile(subscription.filter(), "filter");
          } catch (FilterException e) {
            log.error(
                "Routing record of webhook {} has a filter the router cannot read ({}); not"
                    + " routing to it",
                webhookId,
                OneLine.of(e.getMessage(), 500));
            return null;
          }
        }
        return subscription;
      } catch (Exception e) {
        log.error(
            "Unreadable routing record for webhook {}; not routing to it: {}",
            webhookId,
            e.getMessage());
        return null;
      }
    }
  }
}
