package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Search, the active filter, paging and the per-webhook counters of the webhook list. */
class WebhookListingTest {
  private static Database db;
  private static WebhookStore webhooks;
  private static UUID orders;
  private static UUID crm;
  private static UUID paused;
  private static UUID percent;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    webhooks = db.webhooks();
    orders =
        create(
            "Orders to Zapier",
            "https://hooks.zapier.com/orders",
            true,
            "payment_received",
            "invoice_sent");
    crm = create("CRM sync", "https://crm.example.com/in", true, "customer_created");
    paused = create("Paused one", "https://paused.example.com/", false, "*");
    percent = create("100% sure_thing", "https://p.example.com/", true, "domain_created");
    UUID deleted =
        create("Orders deleted", "https://deleted.example.com/", true, "payment_received");
    webhooks.delete(deleted);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static UUID create(String name, String url, boolean active, String... events) {
    return webhooks
        .create(TestWebhooks.newWebhook().name(name).url(url).events(events).active(active).build())
        .webhook()
        .id();
  }

  private static List<UUID> ids(WebhookQuery query) {
    return webhooks.list(query, null, 100).stream().map(l -> l.webhook().id()).toList();
  }

  @Test
  void searchMatchesNameUrlOrEventCaseInsensitively() {
    assertThat(ids(WebhookQuery.all())).containsExactly(orders, crm, paused, percent);
    assertThat(ids(new WebhookQuery("orders", null, null))).containsExactly(orders);
    assertThat(ids(new WebhookQuery("ZAPIER.COM", null, null))).containsExactly(orders);
    assertThat(ids(new WebhookQuery("customer_created", null, null))).containsExactly(crm);
    assertThat(ids(new WebhookQuery("invoice", null, null))).containsExactly(orders);
    assertThat(ids(new WebhookQuery("example.com", null, null)))
        .containsExactly(crm, paused, percent);
    assertThat(ids(new WebhookQuery("nothing like it", null, null))).isEmpty();
  }

  @Test
  void likeWildcardsInTheSearchMatchThemselves() {
    assertThat(ids(new WebhookQuery("%", null, null))).containsExactly(percent);
    // unescaped, "_" would match the space in "Orders to"
    assertThat(ids(new WebhookQuery("s_t", null, null))).isEmpty();
    assertThat(ids(new WebhookQuery("sure_", null, null))).containsExactly(percent);
  }

  @Test
  void filtersByActive() {
    assertThat(ids(new WebhookQuery(null, false, null))).containsExactly(paused);
    assertThat(ids(new WebhookQuery(null, true, null))).containsExactly(orders, crm, percent);
    assertThat(ids(new WebhookQuery("example", true, null))).containsExactly(crm, percent);
  }

  @Test
  void pagesWithTheFilterApplied() {
    WebhookQuery active = new WebhookQuery(null, true, null);
    List<WebhookListing> first = webhooks.list(active, null, 2);
    List<WebhookListing> second = webhooks.list(active, first.get(1).webhook().id(), 2);
    assertThat(first).extracting(l -> l.webhook().id()).containsExactly(orders, crm);
    assertThat(second).extracting(l -> l.webhook().id()).containsExactly(percent);
  }

  @Test
  void countsDeliveriesWithoutTestDeliveries() {
    Database own = TestPostgres.freshStore();
    try (own) {
      UUID busy = own.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
      UUID idle = own.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
      List<AttemptRecord> attempts = new ArrayList<>();
      attempts.add(attempt(busy, "e1", Trigger.EVENT, DeliveryStatus.SUCCEEDED));
      attempts.add(attempt(busy, "e2", Trigger.EVENT, DeliveryStatus.SUCCEEDED));
      attempts.add(attempt(busy, "e3", Trigger.EVENT, DeliveryStatus.FAILED));
      attempts.add(attempt(busy, "e4", Trigger.EVENT, DeliveryStatus.RETRYING));
      attempts.add(attempt(busy, "t1", Trigger.TEST, DeliveryStatus.SUCCEEDED));
      attempts.add(attempt(busy, "t2", Trigger.TEST, DeliveryStatus.FAILED));
      own.attempts().recordAll(attempts);

      List<WebhookListing> page = own.webhooks().list(WebhookQuery.all(), null, 10);
      WebhookStats busyStats = page.get(0).stats();
      assertThat(busyStats.deliveries()).isEqualTo(4);
      assertThat(busyStats.succeeded()).isEqualTo(2);
      assertThat(busyStats.failed()).isEqualTo(1);
      assertThat(busyStats.lastDeliveryAt()).isNotNull();
      assertThat(page.get(1).stats()).isEqualTo(WebhookStats.NONE);

      assertThat(own.webhooks().findListing(busy).orElseThrow().stats()).isEqualTo(busyStats);
      assertThat(own.webhooks().findListing(idle).orElseThrow().stats())
          .isEqualTo(WebhookStats.NONE);
      assertThat(own.webhooks().findListing(UUID.randomUUID())).isEmpty();
    }
  }

  static AttemptRecord attempt(
      UUID webhookId, String eventId, Trigger trigger, DeliveryStatus status) {
    Event event =
        new Event(
            eventId + "_" + webhookId,
            "payment_received",
            "urn:test",
            Instant.now(),
            Json.readTree("{\"payment_id\": 1}".getBytes()),
            null);
    DeliveryTask task =
        new DeliveryTask(
            DeliveryTask.deliveryIdFor(event, webhookId), webhookId, 1, 1, trigger, event, null);
    boolean ok = status == DeliveryStatus.SUCCEEDED;
    return new AttemptRecord(
        task,
        Instant.now(),
        5,
        ok ? 200 : 500,
        ok ? "ok" : "no",
        null,
        null,
        "w1",
        status,
        status == DeliveryStatus.RETRYING ? Instant.now().plusSeconds(60) : null);
  }
}
