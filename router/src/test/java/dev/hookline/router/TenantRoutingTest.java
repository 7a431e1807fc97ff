package dev.hookline.router;

import static dev.hookline.router.RouterTopologyTest.DATA;
import static dev.hookline.router.RouterTopologyTest.event;
import static dev.hookline.router.RouterTopologyTest.id;
import static dev.hookline.router.RouterTopologyTest.key;
import static dev.hookline.router.RouterTopologyTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.CloudEventHeaders;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routing on (tenant, type): a tenant's webhook receives only its tenant's events, a network-wide
 * one every matching event; the {@code ce_tenant} header is checked; a lookup reads only the
 * entries it returns; a store from before tenants is converted.
 */
class TenantRoutingTest {
  static final String PAID = "payment_received";

  @TempDir Path stateDir;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<byte[], byte[]> subscriptions;
  TestInputTopic<byte[], byte[]> payments;
  TestOutputTopic<byte[], byte[]> deliveries;
  TestOutputTopic<byte[], byte[]> invalid;

  @BeforeEach
  void start() {
    driver =
        new TopologyTestDriver(
            new RouterTopology(RouterTopologyTest.TYPES::contains, registry).build(),
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
  void aTenantsWebhookGetsOnlyItsTenantsEventsAndANetworkWideOneGetsThemAll() {
    subscribe(id(1), "acme", PAID);
    subscribe(id(2), "globex", PAID);
    subscribe(id(3), null, PAID); // the network admin's
    subscribe(id(4), "acme", "*");
    subscribe(id(5), "acme", "invoice_paid");

    payments.pipeInput(tenantEvent("evt-acme", "acme"));
    payments.pipeInput(tenantEvent("evt-globex", "globex"));
    payments.pipeInput(event("evt-none", PAID, DATA));
    payments.pipeInput(tenantEvent("evt-initech", "initech")); // a tenant without webhooks

    assertThat(tasks())
        .extracting(t -> t.event().id() + ">" + t.webhookId().toString().substring(34))
        .containsExactly(
            "evt-acme>01",
            "evt-acme>03",
            "evt-acme>04",
            "evt-globex>02",
            "evt-globex>03",
            "evt-none>03",
            "evt-initech>03");
    assertThat(invalid.isEmpty()).isTrue();
  }

  @Test
  void theTaskCarriesTheWebhooksTenantAndTheEventItsOwn() {
    subscribe(id(1), "acme", PAID);
    subscribe(id(2), null, PAID);
    payments.pipeInput(tenantEvent("evt-1", "acme"));

    List<DeliveryTask> tasks = tasks();
    assertThat(tasks).extracting(DeliveryTask::tenant).containsExactly("acme", null);
    assertThat(tasks).extracting(t -> t.event().tenant()).containsOnly("acme");
  }

  @Test
  void aWebhookMovedOutOfATenantOrDeletedLeavesNoRouteBehind() {
    subscribe(id(1), "acme", PAID);
    // the admin API refuses a move; a record that does it anyway must still index cleanly
    subscriptions.pipeInput(
        key(id(1)), Json.toBytes(new Subscription(id(1), 2, List.of(PAID), true, "globex", null)));
    payments.pipeInput(tenantEvent("evt-acme", "acme"));
    payments.pipeInput(tenantEvent("evt-globex", "globex"));
    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-globex");

    subscriptions.pipeInput(key(id(1)), (byte[]) null);
    payments.pipeInput(tenantEvent("evt-globex-2", "globex"));
    assertThat(deliveries.isEmpty()).isTrue();
  }

  @Test
  void aRoutingRecordWithAnUnusableTenantRoutesNowhere() {
    for (String bad : List.of("", "a|b", "x".repeat(65))) {
      subscriptions.pipeInput(
          key(id(1)), Json.toBytes(new Subscription(id(1), 1, List.of(PAID), true, bad, null)));
      payments.pipeInput(tenantEvent("evt-1", "acme"));
      payments.pipeInput(event("evt-2", PAID, DATA));
    }
    assertThat(deliveries.isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a|b", "acme/eu", "ünï"})
  void aMalformedCeTenantGoesToInvalidEventsWithTheReason(String tenant) {
    subscribe(id(1), null, "*");
    payments.pipeInput(tenantEvent("evt-bad", tenant));
    payments.pipeInput(tenantEvent("evt-good", "acme"));

    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-good");
    TestRecord<byte[], byte[]> refused = invalid.readRecord();
    String reason =
        new String(
            refused.headers().lastHeader(Topics.INVALID_REASON_HEADER).value(),
            StandardCharsets.UTF_8);
    assertThat(reason).startsWith("ce_tenant ").contains("1 to 64");
  }

  @Test
  void aCeTenantThatIsNotUtf8OrTooLongIsRefused() {
    subscribe(id(1), null, "*");
    TestRecord<byte[], byte[]> notUtf8 = event("evt-1", PAID, DATA);
    notUtf8
        .headers()
        .add(new RecordHeader(CloudEventHeaders.TENANT, new byte[] {(byte) 0xC3, 0x28}));
    payments.pipeInput(notUtf8);
    payments.pipeInput(tenantEvent("evt-2", "t".repeat(65)));
    payments.pipeInput(tenantEvent("evt-3", "t".repeat(64)));

    assertThat(tasks()).extracting(t -> t.event().id()).containsExactly("evt-3");
    assertThat(invalid.readRecordsToList()).hasSize(2);
  }

  /**
   * 1,000 tenants of 10 webhooks each, all subscribed to the type: one tenant's event reads its
   * tenant's 10 entries and the network-wide one, never the other 9,990.
   */
  @Test
  void aLookupReadsOnlyTheEntriesItReturns() {
    KeyValueStore<String, byte[]> store = inMemoryStore();
    RoutesIndex.Updater updater = updater(store);
    int n = 0;
    for (int tenant = 0; tenant < 1_000; tenant++) {
      for (int w = 0; w < 10; w++) {
        UUID id = id(++n);
        updater.process(
            record(id, new Subscription(id, 1, List.of(PAID), true, "t-" + tenant, null)));
      }
    }
    UUID network = id(++n);
    updater.process(record(network, new Subscription(network, 1, List.of("*"), true, null, null)));

    AtomicInteger read = new AtomicInteger();
    List<RoutesIndex.Route> routes = RoutesIndex.lookup(counting(store, read), "t-500", PAID);

    assertThat(routes).hasSize(11);
    assertThat(routes)
        .filteredOn(r -> r.tenant() == null)
        .extracting(RoutesIndex.Route::webhookId)
        .containsExactly(network);
    assertThat(read.get()).as("entries read").isEqualTo(11);
    assertThat(RoutesIndex.lookup(store, null, PAID))
        .containsExactly(new RoutesIndex.Route(network, 1, null));
  }

  @Test
  void eachRoutingRecordIsOneWriteAndDeletingATenantsWebhooksLeavesOnlyTheNetworkWideOnes() {
    KeyValueStore<String, byte[]> store = inMemoryStore();
    List<String> writes = new java.util.ArrayList<>();
    RoutesIndex.Updater updater = updater(recordingWrites(store, writes));
    UUID network = id(100);
    updater.process(record(network, new Subscription(network, 1, List.of(PAID), true, null, null)));
    for (int w = 1; w <= 3; w++)
      updater.process(
          record(
              id(w),
              new Subscription(id(w), 1, List.of(PAID, "*", "invoice_sent"), true, "t1", null)));
    updater.process(record(id(4), new Subscription(id(4), 1, List.of(PAID), true, "t2", null)));
    assertThat(RoutesIndex.lookup(store, "t1", PAID)).hasSize(4);

    // the tenant is deleted: its webhooks' tombstones, and one that was deactivated first
    updater.process(record(id(1), new Subscription(id(1), 2, List.of(PAID), false, "t1", null)));
    for (int w = 1; w <= 3; w++) updater.process(new Record<>(key(id(w)), null, 0L));

    // one write (a write batch) per record, however many entries it changes
    assertThat(writes).hasSize(1 + 3 + 1 + 1 + 3).containsOnly("putAll");
    assertThat(RoutesIndex.lookup(store, "t1", PAID))
        .containsExactly(new RoutesIndex.Route(network, 1, null));
    assertThat(RoutesIndex.lookup(store, "t1", "invoice_sent")).isEmpty();
    assertThat(RoutesIndex.lookup(store, "t2", PAID))
        .extracting(RoutesIndex.Route::webhookId)
        .containsExactly(id(4), network);
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      assertThat(all)
          .toIterable()
          .extracting(e -> e.key)
          .as("nothing of t1's webhooks is left")
          .noneMatch(k -> k.contains(id(1).toString()) || k.contains("|t1|"));
    }
  }

  @Test
  void aStoreWrittenBeforeTenantsIsConvertedAtStart() {
    KeyValueStore<String, byte[]> store = inMemoryStore();
    // what the router of the previous release left: r|<type>|<id>, and w|<id> with its record
    byte[] version = ByteBuffer.allocate(Long.BYTES).putLong(7).array();
    store.put("r|" + PAID + "|" + id(1), version);
    store.put("r|*|" + id(2), version);
    store.put(
        "w|" + id(1), Json.toBytes(new Subscription(id(1), 7, List.of(PAID), true, null, null)));
    store.put(
        "w|" + id(2), Json.toBytes(new Subscription(id(2), 7, List.of("*"), true, null, null)));

    RoutesIndex.Updater updater = updater(store);

    assertThat(RoutesIndex.lookup(store, "acme", PAID))
        .containsExactly(
            new RoutesIndex.Route(id(1), 7, null), new RoutesIndex.Route(id(2), 7, null));
    try (KeyValueIterator<String, byte[]> old =
        store.prefixScan("r|", new org.apache.kafka.common.serialization.StringSerializer())) {
      assertThat(old.hasNext()).as("old keys left").isFalse();
    }
    // and the next change of a converted webhook removes its converted entries
    updater.process(
        record(id(1), new Subscription(id(1), 8, List.of("invoice_paid"), true, null, null)));
    assertThat(RoutesIndex.lookup(store, null, PAID))
        .containsExactly(new RoutesIndex.Route(id(2), 7, null));
  }

  // --- helpers ---

  void subscribe(UUID webhook, String tenant, String... events) {
    subscriptions.pipeInput(
        key(webhook),
        Json.toBytes(new Subscription(webhook, 1, List.of(events), true, tenant, null)));
  }

  static TestRecord<byte[], byte[]> tenantEvent(String id, String tenant) {
    TestRecord<byte[], byte[]> record = event(id, PAID, DATA);
    record.headers().add(CloudEventHeaders.TENANT, utf8(tenant));
    return record;
  }

  List<DeliveryTask> tasks() {
    return deliveries.readValuesToList().stream()
        .map(v -> Json.fromBytes(v, DeliveryTask.class))
        .toList();
  }

  /** An in-memory routes store, opened as the router would open it. */
  static KeyValueStore<String, byte[]> inMemoryStore() {
    KeyValueStore<String, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RoutesIndex.STORE),
                org.apache.kafka.common.serialization.Serdes.String(),
                org.apache.kafka.common.serialization.Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(CONTEXT.getStateStoreContext(), store);
    return store;
  }

  private static final MockProcessorContext<Void, Void> CONTEXT = new MockProcessorContext<>();

  /** An updater started on the store, as the router's global thread starts one. */
  static RoutesIndex.Updater updater(KeyValueStore<String, byte[]> store) {
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    context.addStateStore(store);
    RoutesIndex.Updater updater = new RoutesIndex.Updater(new RouteFilters());
    updater.init(context);
    return updater;
  }

  static Record<byte[], byte[]> record(UUID id, Subscription subscription) {
    return new Record<>(key(id), Json.toBytes(subscription), 0L);
  }

  /** The store, noting the name of every writing call (put, putAll, delete...). */
  @SuppressWarnings("unchecked")
  static KeyValueStore<String, byte[]> recordingWrites(
      KeyValueStore<String, byte[]> store, List<String> writes) {
    return (KeyValueStore<String, byte[]>)
        Proxy.newProxyInstance(
            KeyValueStore.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class},
            (proxy, method, args) -> {
              if (List.of("put", "putAll", "putIfAbsent", "delete").contains(method.getName()))
                writes.add(method.getName());
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** The store, counting every entry its prefix scans hand out. */
  @SuppressWarnings("unchecked")
  static KeyValueStore<String, byte[]> counting(
      KeyValueStore<String, byte[]> store, AtomicInteger read) {
    return (KeyValueStore<String, byte[]>)
        Proxy.newProxyInstance(
            KeyValueStore.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (!method.getName().equals("prefixScan")) return result;
              KeyValueIterator<String, byte[]> it = (KeyValueIterator<String, byte[]>) result;
              return new KeyValueIterator<String, byte[]>() {
                @Override
                public boolean hasNext() {
                  return it.hasNext();
                }

                @Override
                public KeyValue<String, byte[]> next() {
                  read.incrementAndGet();
                  return it.next();
                }

                @Override
                public void close() {
                  it.close();
                }

                @Override
                public String peekNextKey() {
                  return it.peekNextKey();
                }
              };
            });
  }
}
