package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebhookStoreTest {
  private static Database db;
  private static WebhookStore webhooks;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    webhooks = db.webhooks();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  static NewWebhook zapier(String... events) {
    return TestWebhooks.newWebhook().events(events).build();
  }

  @Test
  void createStoresTheWebhookAndReturnsItsSecretOnce() {
    CreatedWebhook created = webhooks.create(zapier("payment_received"));

    assertThat(created.secret()).startsWith("whsec_");
    Webhook found = webhooks.find(created.webhook().id()).orElseThrow();
    assertThat(found.name()).isEqualTo("Zapier Integration");
    assertThat(found.events()).containsExactly("payment_received");
    assertThat(found.version()).isEqualTo(1);
    assertThat(found.active()).isTrue();
    assertThat(webhooks.secrets(found.id()).orElseThrow().current()).isEqualTo(created.secret());
  }

  @Test
  void secretIsEncryptedAtRest() throws Exception {
    CreatedWebhook created = webhooks.create(zapier("payment_received"));
    try (var c = db.dataSource().getConnection();
        var ps = c.prepareStatement("select secret_enc from webhooks where id = ?")) {
      ps.setObject(1, created.webhook().id());
      try (var rs = ps.executeQuery()) {
        rs.next();
        String stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain(created.secret().substring(6));
      }
    }
  }

  @Test
  void everyChangeBumpsTheVersionAndWritesItsRoutingRecordToTheOutbox() throws Exception {
    Webhook w = webhooks.create(zapier("payment_received")).webhook();
    Webhook patched =
        webhooks
            .update(w.id(), WebhookPatch.builder().events(List.of("*")).active(false).build())
            .orElseThrow();
    assertThat(patched.version()).isEqualTo(2);
    assertThat(webhooks.delete(w.id())).isTrue();

    List<OutboxRecord> relayed = new ArrayList<>();
    while (db.outbox().relayBatch(100, relayed::addAll) > 0) {
      // drain
    }
    List<OutboxRecord> mine =
        relayed.stream().filter(r -> r.key().equals(w.id().toString())).toList();
    assertThat(mine)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.SUBSCRIPTIONS));
    Subscription first =
        Json.fromBytes(
            mine.get(0).payload().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Subscription.class);
    Subscription second =
        Json.fromBytes(
            mine.get(1).payload().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Subscription.class);
    assertThat(first)
        .isEqualTo(new Subscription(w.id(), 1, List.of("payment_received"), true, null, null));
    assertThat(second).isEqualTo(new Subscription(w.id(), 2, List.of("*"), false, null, null));
    assertThat(mine.get(2).payload()).as("tombstone on delete").isNull();
    assertThat(mine.get(0).payload()).doesNotContain("whsec_");
  }

  @Test
  void aFilterIsStoredAsWrittenRoutedWithTheWebhookAndKeptUnlessPatchedOrCleared()
      throws Exception {
    // members in an order jsonb would change: the order of clauses is the filter's
    JsonNode filter =
        Json.readTree(
            "{\"data.payment_total_raw\": {\"$gte\": 100}, \"type\": \"payment_received\"}"
                .getBytes(StandardCharsets.UTF_8));
    Webhook w =
        webhooks
            .create(TestWebhooks.newWebhook().events("payment_received").filter(filter).build())
            .webhook();
    assertThat(webhooks.find(w.id()).orElseThrow().filter().toString())
        .isEqualTo(filter.toString());

    Webhook renamed =
        webhooks.update(w.id(), WebhookPatch.empty().withRetryScheduleReset()).orElseThrow();
    assertThat(renamed.filter()).as("absent from the patch: kept").isEqualTo(filter);
    JsonNode other = Json.readTree("{\"data.currency\": \"EUR\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(
            webhooks.update(w.id(), WebhookPatch.empty().withFilter(other)).orElseThrow().filter())
        .isEqualTo(other);
    Webhook cleared =
        webhooks.update(w.id(), WebhookPatch.empty().withFilterCleared()).orElseThrow();
    assertThat(cleared.filter()).isNull();
    assertThat(webhooks.find(w.id()).orElseThrow().filter()).isNull();

    List<OutboxRecord> relayed = new ArrayList<>();
    while (db.outbox().relayBatch(100, relayed::addAll) > 0) {
      // drain
    }
    List<Subscription> routing =
        relayed.stream()
            .filter(r -> r.key().equals(w.id().toString()))
            .map(
                r ->
                    Json.fromBytes(
                        r.payload().getBytes(StandardCharsets.UTF_8), Subscription.class))
            .toList();
    assertThat(routing)
        .extracting(Subscription::filter)
        .containsExactly(filter, filter, other, null);
    assertThat(
            relayed.stream()
                .filter(r -> r.key().equals(w.id().toString()))
                .toList()
                .get(0)
                .payload())
        .contains(filter.toString());
  }

  @Test
  void deletedWebhooksAreGoneFromReadsButKeepTheirRow() {
    Webhook w = webhooks.create(zapier("payment_received")).webhook();
    assertThat(webhooks.delete(w.id())).isTrue();
    assertThat(webhooks.delete(w.id())).isFalse();
    assertThat(webhooks.find(w.id())).isEmpty();
    assertThat(webhooks.update(w.id(), WebhookPatch.empty())).isEmpty();
    assertThat(webhooks.list(null, 1000)).extracting(Webhook::id).doesNotContain(w.id());
  }

  @Test
  void listPagesWithACursor() {
    Database own = TestPostgres.freshStore();
    try (own) {
      WebhookStore store = own.webhooks();
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) ids.add(store.create(zapier("payment_received")).webhook().id());
      List<Webhook> first = store.list(null, 2);
      List<Webhook> second = store.list(first.get(1).id(), 2);
      List<Webhook> third = store.list(second.get(1).id(), 2);
      assertThat(first).hasSize(2);
      assertThat(second).hasSize(2);
      assertThat(third).hasSize(1);
      List<UUID> all = new ArrayList<>();
      for (var page : List.of(first, second, third)) page.forEach(w -> all.add(w.id()));
      assertThat(all).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
    }
  }

  @Test
  void unknownIdsAreEmpty() {
    UUID unknown = UUID.randomUUID();
    assertThat(webhooks.find(unknown)).isEmpty();
    assertThat(webhooks.secrets(unknown)).isEmpty();
    assertThat(webhooks.delete(unknown)).isFalse();
  }
}
