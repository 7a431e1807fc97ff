package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tenants, their webhooks, tokens and portal links on a real PostgreSQL. */
class TenantStoreTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static Database db;
  private static TenantStore tenants;
  private static WebhookStore webhooks;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    tenants = db.tenants();
    webhooks = db.webhooks();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  static String newId() {
    return "acme-" + IDS.incrementAndGet();
  }

  static Tenant tenant(String id) {
    return tenants.create(new NewTenant(id, "Acme " + id, Map.of("plan", "pro"))).orElseThrow();
  }

  @Test
  void createFindEditAndTheIdIsTakenOnce() {
    String id = newId();
    Tenant created = tenant(id);
    assertThat(created.name()).isEqualTo("Acme " + id);
    assertThat(created.metadata()).containsExactly(Map.entry("plan", "pro"));
    assertThat(tenants.find(id)).contains(created);
    assertThat(tenants.create(new NewTenant(id, "Other", Map.of()))).as("taken").isEmpty();
    assertThat(tenants.find(id).orElseThrow().name()).isEqualTo("Acme " + id);

    Tenant renamed =
        tenants
            .update(id, new TenantPatch(Optional.of("Acme Inc."), Optional.empty()))
            .orElseThrow();
    assertThat(renamed.name()).isEqualTo("Acme Inc.");
    assertThat(renamed.metadata()).containsExactly(Map.entry("plan", "pro"));
    Tenant retagged =
        tenants
            .update(id, new TenantPatch(Optional.empty(), Optional.of(Map.of("plan", "free"))))
            .orElseThrow();
    assertThat(retagged.metadata()).containsExactly(Map.entry("plan", "free"));
    assertThat(tenants.update("nobody", new TenantPatch(Optional.of("x"), Optional.empty())))
        .isEmpty();
  }

  @Test
  void listsOldestFirstWithSearchAndCursor() {
    String tag = "lst" + IDS.incrementAndGet();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = tag + "-" + i;
      assertThat(tenants.create(new NewTenant(id, i == 3 ? "Globex" : "Shop " + i, null)))
          .isPresent();
      ids.add(id);
    }
    assertThat(tenants.list(tag, null, 3))
        .extracting(Tenant::id)
        .containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(tenants.list(tag, ids.get(2), 3))
        .extracting(Tenant::id)
        .containsExactly(ids.get(3), ids.get(4));
    assertThat(tenants.list("GLOBEX", null, 100)).extracting(Tenant::id).contains(ids.get(3));
    assertThat(tenants.list("%", null, 100)).as("LIKE wildcards match themselves").isEmpty();
    tenants.delete(ids.get(1));
    assertThat(tenants.list(tag, null, 10)).extracting(Tenant::id).doesNotContain(ids.get(1));
  }

  @Test
  void aWebhookForAnUnknownOrDeletedTenantIsRefusedAndWritesNothing() throws Exception {
    long before = count("webhooks") + count("outbox");
    assertThatThrownBy(() -> webhooks.create(WebhookStoreTest.zapier("*").withTenant("nobody")))
        .isInstanceOf(UnknownTenantException.class)
        .hasMessageContaining("nobody");
    String gone = newId();
    tenant(gone);
    tenants.delete(gone);
    long afterDelete = count("webhooks") + count("outbox");
    assertThatThrownBy(() -> webhooks.create(WebhookStoreTest.zapier("*").withTenant(gone)))
        .isInstanceOf(UnknownTenantException.class);
    assertThat(count("webhooks") + count("outbox")).isEqualTo(afterDelete).isEqualTo(before);
  }

  @Test
  void aTenantsWebhookCarriesItsTenantIntoTheRoutingRecordAndTheSnapshot() throws Exception {
    String id = newId();
    tenant(id);
    Webhook w =
        webhooks.create(WebhookStoreTest.zapier("payment_received").withTenant(id)).webhook();
    assertThat(w.tenant()).isEqualTo(id);
    assertThat(webhooks.find(w.id()).orElseThrow().tenant()).isEqualTo(id);
    webhooks.update(w.id(), WebhookPatch.empty().withRetryScheduleReset());

    List<Subscription> records = new ArrayList<>();
    assertThat(db.subscriptionSnapshots().enqueueIfDue(Duration.ZERO, Duration.ofDays(7)))
        .isInstanceOf(SubscriptionSnapshots.Enqueued.class);
    drainOutbox(
        r -> {
          if (r.key().equals(w.id().toString()) && r.payload() != null)
            records.add(
                Json.fromBytes(r.payload().getBytes(StandardCharsets.UTF_8), Subscription.class));
        });
    assertThat(records)
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(s -> assertThat(s.tenant()).isEqualTo(id));
  }

  @Test
  void listingWebhooksFiltersByTenant() {
    String a = newId();
    String b = newId();
    tenant(a);
    tenant(b);
    UUID ofA = webhooks.create(WebhookStoreTest.zapier("*").withTenant(a)).webhook().id();
    webhooks.create(WebhookStoreTest.zapier("*").withTenant(b));
    UUID network = webhooks.create(WebhookStoreTest.zapier("*")).webhook().id();

    assertThat(webhooks.list(WebhookQuery.all().withTenant(a), null, 100))
        .extracting(l -> l.webhook().id())
        .containsExactly(ofA);
    assertThat(webhooks.list(WebhookQuery.all(), null, 1000))
        .extracting(l -> l.webhook().id())
        .contains(ofA, network);
  }

  @Test
  void deletingATenantDeletesItsWebhooksWithTombstonesRevokesItsTokensAndKeepsHistory()
      throws Exception {
    String doomed = newId();
    String other = newId();
    tenant(doomed);
    tenant(other);
    UUID w1 = webhooks.create(WebhookStoreTest.zapier("*").withTenant(doomed)).webhook().id();
    UUID w2 = webhooks.create(WebhookStoreTest.zapier("*").withTenant(doomed)).webhook().id();
    UUID kept = webhooks.create(WebhookStoreTest.zapier("*").withTenant(other)).webhook().id();
    String token = tenants.createToken(doomed).orElseThrow().secret();
    String otherToken = tenants.createToken(other).orElseThrow().secret();
    String code = tenants.createPortalLink(doomed, Duration.ofMinutes(5)).orElseThrow().code();
    record(w1, "evt_hist_" + doomed);
    drainOutbox(r -> {});

    assertThat(tenants.delete(doomed)).isTrue();
    assertThat(tenants.delete(doomed)).as("once").isFalse();

    assertThat(tenants.find(doomed)).isEmpty();
    assertThat(webhooks.find(w1)).isEmpty();
    assertThat(webhooks.find(w2)).isEmpty();
    assertThat(webhooks.find(kept)).isPresent();
    Map<String, String> relayed = new HashMap<>();
    List<String> keys = new ArrayList<>();
    drainOutbox(
        r -> {
          keys.add(r.key());
          relayed.put(r.key(), r.payload());
        });
    assertThat(keys).containsExactlyInAnyOrder(w1.toString(), w2.toString());
    assertThat(relayed.values()).containsOnlyNulls();
    assertThat(tenants.authenticate(token)).isEmpty();
    assertThat(tenants.authenticate(otherToken)).isPresent();
    assertThat(tenants.redeemPortalLink(code, Duration.ofHours(1))).isEmpty();
    // history stays: the admin's view of the tenant's deliveries still has it
    assertThat(db.deliveries().list(new DeliveryQuery(doomed, null, null, false), null, 10))
        .extracting(DeliveryView::eventId)
        .containsExactly("evt_hist_" + doomed);
    assertThat(db.deliveries().list(new DeliveryQuery(doomed, null, null, true), null, 10))
        .as("a tenant's own view only walks its live webhooks")
        .isEmpty();

    // the id can be taken again: a new tenant, without the old webhooks or tokens
    Tenant again = tenants.create(new NewTenant(doomed, "Reborn", Map.of())).orElseThrow();
    assertThat(again.metadata()).isEmpty();
    assertThat(webhooks.list(WebhookQuery.all().withTenant(doomed), null, 10)).isEmpty();
    assertThat(tenants.authenticate(token)).isEmpty();
    assertThat(tenants.tokens(doomed)).isEmpty();
  }

  @Test
  void aWebhookCreatedWhileItsTenantIsDeletedIsEitherRefusedOrDeletedWithIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        String id = newId();
        tenant(id);
        Callable<Optional<UUID>> create =
            () -> {
              try {
                return Optional.of(
                    webhooks.create(WebhookStoreTest.zapier("*").withTenant(id)).webhook().id());
              } catch (UnknownTenantException e) {
                return Optional.empty();
              }
            };
        Future<Optional<UUID>> created = pool.submit(create);
        Future<Boolean> deleted = pool.submit(() -> tenants.delete(id));
        assertThat(deleted.get()).isTrue();
        created.get().ifPresent(w -> assertThat(webhooks.find(w)).as("left behind").isEmpty());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tokensAreStoredHashedListedWithoutTheSecretAndRevocable() throws Exception {
    String id = newId();
    tenant(id);
    CreatedTenantToken first = tenants.createToken(id).orElseThrow();
    CreatedTenantToken second = tenants.createToken(id).orElseThrow();
    assertThat(first.secret()).startsWith("hlt_").hasSizeGreaterThan(40);
    assertThat(first.token().id()).startsWith("tok_");
    assertThat(first.token().expiresAt()).isNull();
    assertThat(tenants.tokens(id)).containsExactly(first.token(), second.token());
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select * from tenant_tokens")) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Object value = rs.getObject(i);
          if (value != null)
            assertThat(String.valueOf(value))
                .doesNotContain(first.secret())
                .doesNotContain(second.secret());
        }
      }
    }
    assertThat(tenants.authenticate(first.secret()))
        .contains(new TenantCaller(id, first.token().id(), false));
    assertThat(tenants.authenticate(first.secret() + "x")).isEmpty();
    assertThat(tenants.authenticate("not-a-tenant-token")).isEmpty();

    assertThat(tenants.revokeToken(id, first.token().id())).isTrue();
    assertThat(tenants.revokeToken(id, first.token().id())).isFalse();
    assertThat(tenants.revokeToken("someone-else", second.token().id())).isFalse();
    assertThat(tenants.authenticate(first.secret())).isEmpty();
    assertThat(tenants.authenticate(second.secret())).isPresent();
    assertThat(tenants.tokens(id)).containsExactly(second.token());
    assertThat(tenants.createToken("nobody")).isEmpty();
  }

  @Test
  void aPortalLinkOpensOneSessionOnceWithinItsValidity() throws Exception {
    String id = newId();
    tenant(id);
    PortalLink link = tenants.createPortalLink(id, Duration.ofMinutes(10)).orElseThrow();
    assertThat(link.expiresAt())
        .isBetween(Instant.now().plusSeconds(500), Instant.now().plusSeconds(700));

    CreatedTenantToken session =
        tenants.redeemPortalLink(link.code(), Duration.ofHours(8)).orElseThrow();
    assertThat(session.secret()).startsWith("hlp_");
    assertThat(session.token().tenantId()).isEqualTo(id);
    assertThat(session.token().expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(7)));
    assertThat(tenants.authenticate(session.secret())).map(TenantCaller::portal).contains(true);
    assertThat(tenants.tokens(id)).as("sessions are not API tokens").isEmpty();
    assertThat(tenants.redeemPortalLink(link.code(), Duration.ofHours(8))).as("twice").isEmpty();

    PortalLink expired = tenants.createPortalLink(id, Duration.ofMinutes(-1)).orElseThrow();
    assertThat(tenants.redeemPortalLink(expired.code(), Duration.ofHours(8))).isEmpty();
    assertThat(tenants.redeemPortalLink("made-up", Duration.ofHours(8))).isEmpty();

    CreatedTenantToken shortSession =
        tenants
            .redeemPortalLink(
                tenants.createPortalLink(id, Duration.ofMinutes(1)).orElseThrow().code(),
                Duration.ofMinutes(-1))
            .orElseThrow();
    assertThat(tenants.authenticate(shortSession.secret())).as("an ended session").isEmpty();
    assertThat(tenants.createPortalLink("nobody", Duration.ofMinutes(1))).isEmpty();
  }

  @Test
  void retentionDropsPortalLinksAndSessionsEndedADayAgoAndKeepsTheRest() throws Exception {
    String id = newId();
    tenant(id);
    PortalLink old = tenants.createPortalLink(id, Duration.ofDays(-2)).orElseThrow();
    PortalLink fresh = tenants.createPortalLink(id, Duration.ofMinutes(10)).orElseThrow();
    String code = tenants.createPortalLink(id, Duration.ofMinutes(10)).orElseThrow().code();
    CreatedTenantToken ended = tenants.redeemPortalLink(code, Duration.ofDays(-2)).orElseThrow();
    CreatedTenantToken api = tenants.createToken(id).orElseThrow();

    assertThat(db.retention(Duration.ofDays(30)).runOnce().ran()).isTrue();

    assertThat(rows("portal_links", id)).as("the two still valid").isEqualTo(2);
    assertThat(rows("tenant_tokens", id)).isEqualTo(1); // the API token
    assertThat(tenants.redeemPortalLink(fresh.code(), Duration.ofHours(1))).isPresent();
    assertThat(tenants.redeemPortalLink(old.code(), Duration.ofHours(1))).isEmpty();
    assertThat(tenants.authenticate(api.secret())).isPresent();
    assertThat(tenants.authenticate(ended.secret())).isEmpty();
  }

  private static long rows(String table, String tenant) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        var ps = c.prepareStatement("select count(*) from " + table + " where tenant_id = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void concurrentRedemptionsOfOneLinkOpenOneSession() throws Exception {
    String id = newId();
    tenant(id);
    String code = tenants.createPortalLink(id, Duration.ofMinutes(10)).orElseThrow().code();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Optional<CreatedTenantToken>>> tries = new ArrayList<>();
      for (int i = 0; i < 8; i++)
        tries.add(pool.submit(() -> tenants.redeemPortalLink(code, Duration.ofHours(1))));
      int opened = 0;
      for (Future<Optional<CreatedTenantToken>> t : tries) opened += t.get().isPresent() ? 1 : 0;
      assertThat(opened).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTenantsDeliveryLogMergesItsWebhooksNewestFirstWithACursor() {
    String id = newId();
    tenant(id);
    UUID a = webhooks.create(WebhookStoreTest.zapier("*").withTenant(id)).webhook().id();
    UUID b = webhooks.create(WebhookStoreTest.zapier("*").withTenant(id)).webhook().id();
    UUID stranger = webhooks.create(WebhookStoreTest.zapier("*")).webhook().id();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String event = "evt_log_" + id + "_" + i;
      record(i % 2 == 0 ? a : b, event);
      record(stranger, event);
      expected.add(0, event);
    }
    DeliveryQuery all = new DeliveryQuery(id, null, null, true);
    List<DeliveryView> first = db.deliveries().list(all, null, 4);
    assertThat(first)
        .extracting(DeliveryView::eventId)
        .containsExactlyElementsOf(expected.subList(0, 4));
    List<DeliveryView> rest = db.deliveries().list(all, first.get(3).id(), 4);
    assertThat(rest)
        .extracting(DeliveryView::eventId)
        .containsExactlyElementsOf(expected.subList(4, 6));
    assertThat(
            db.deliveries()
                .list(new DeliveryQuery(id, DeliveryStatus.FAILED, null, true), null, 10))
        .isEmpty();
    assertThat(
            db.deliveries()
                .list(new DeliveryQuery(id, null, Instant.now().plusSeconds(60), true), null, 10))
        .isEmpty();
  }

  @Test
  void anEventsTenantIsKeptForItsRetriesAndItsDeadLetter() throws Exception {
    String id = newId();
    tenant(id);
    Webhook w = webhooks.create(WebhookStoreTest.zapier("*").withTenant(id)).webhook();
    Event event =
        new Event(
            "evt_ten_" + id,
            "payment_received",
            "urn:test",
            Instant.parse("2026-11-28T10:00:00Z"),
            Json.readTree("{}".getBytes(StandardCharsets.UTF_8)),
            id);
    DeliveryTask task =
        new DeliveryTask(
            DeliveryTask.deliveryIdFor(event, w.id()), w.id(), 1, 1, Trigger.EVENT, event, id);
    db.attempts()
        .recordAll(
            List.of(
                new AttemptRecord(
                    task,
                    Instant.now(),
                    5,
                    500,
                    "no",
                    null,
                    null,
                    "w1",
                    DeliveryStatus.FAILED,
                    null)));
    Redelivery again = db.deliveries().redelivery(task.deliveryId()).orElseThrow();
    assertThat(again.event().tenant()).isEqualTo(id);
    assertThat(again.task(w, Trigger.MANUAL).tenant()).isEqualTo(id);

    List<DeadLetter> letters = new ArrayList<>();
    db.retryTimers().publishDeadLetters(10_000, letters::addAll);
    DeliveryTask dead =
        letters.stream()
            .map(DeadLetter::task)
            .filter(t -> t.deliveryId().equals(task.deliveryId()))
            .findFirst()
            .orElseThrow();
    assertThat(dead.tenant()).as("the webhook's tenant").isEqualTo(id);
    assertThat(dead.event().tenant()).isEqualTo(id);
  }

  // --- helpers ---

  private static void record(UUID webhook, String eventId) {
    Event event =
        new Event(
            eventId,
            "payment_received",
            "urn:test",
            Instant.now(),
            Json.readTree("{}".getBytes(StandardCharsets.UTF_8)),
            null);
    DeliveryTask task =
        new DeliveryTask(
            DeliveryTask.deliveryIdFor(event, webhook), webhook, 1, 1, Trigger.EVENT, event, null);
    db.attempts()
        .recordAll(
            List.of(
                new AttemptRecord(
                    task,
                    Instant.now(),
                    5,
                    200,
                    "ok",
                    null,
                    null,
                    "w1",
                    DeliveryStatus.SUCCEEDED,
                    null)));
  }

  private static void drainOutbox(java.util.function.Consumer<OutboxRecord> each) throws Exception {
    while (db.outbox().relayBatch(1000, records -> records.forEach(each)) > 0) {
      // drain
    }
  }

  private static long count(String table) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
