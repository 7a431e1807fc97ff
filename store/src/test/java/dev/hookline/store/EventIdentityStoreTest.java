package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Trigger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * An event's identity is (source, id) in PostgreSQL (V13): two events of different sources with the
 * same id are two events rows, two deliveries per webhook, each with its own payload; and rows
 * written before V13 stay readable, a task already on Kafka still finding its row.
 */
class EventIdentityStoreTest {
  private static final String ID = "evt_shared";

  @Test
  void twoSourcesWithTheSameIdAreTwoEventsAndTwoDeliveries() {
    try (Database db = TestPostgres.freshStore()) {
      UUID webhook =
          db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
      DeliveryTask eu = task(webhook, event("urn:shop:eu", "{\"region\": \"eu\"}"));
      DeliveryTask us = task(webhook, event("urn:shop:us", "{\"region\": \"us\"}"));
      assertThat(eu.deliveryId()).isNotEqualTo(us.deliveryId());

      // one batch, as a worker records them (and again: the same event twice is one row)
      assertThat(
              db.attempts().recordAll(List.of(ok(eu), ok(us), ok(eu.nextAttempt(Trigger.MANUAL)))))
          .isEmpty();

      assertThat(db.deliveries().listForWebhook(webhook, null, null, null, 10))
          .extracting(d -> d.eventId() + " " + d.eventSource() + " " + d.attemptCount())
          .containsExactlyInAnyOrder("evt_shared urn:shop:eu 2", "evt_shared urn:shop:us 1");
      assertThat(
              db.deliveries().find(us.deliveryId()).orElseThrow().payload().get("region").asText())
          .isEqualTo("us");
      assertThat(
              db.deliveries().find(eu.deliveryId()).orElseThrow().payload().get("region").asText())
          .isEqualTo("eu");
      // a manual retry rebuilds the task from the row: the same event, hence the same webhook-id
      Redelivery again = db.deliveries().redelivery(us.deliveryId()).orElseThrow();
      assertThat(again.event().source()).isEqualTo("urn:shop:us");
      assertThat(again.event().data().get("region").asText()).isEqualTo("us");
      assertThat(
              EventIdentity.webhookId(
                  again.task(db.webhooks().find(webhook).orElseThrow(), Trigger.MANUAL)))
          .isEqualTo(EventIdentity.webhookId(us));
    }
  }

  @Test
  void retentionTellsTheTwoApart() throws Exception {
    try (Database db = TestPostgres.freshStore()) {
      UUID webhook =
          db.webhooks().create(WebhookStoreTest.zapier("payment_received")).webhook().id();
      DeliveryTask old = task(webhook, event("urn:old", "{}"));
      DeliveryTask kept = task(webhook, event("urn:kept", "{}"));
      assertThat(db.attempts().recordAll(List.of(ok(old), ok(kept)))).isEmpty();
      sql(
          db,
          "update events set recorded_at = now() - interval '40 days' where source = 'urn:old'");
      sql(
          db,
          "update deliveries set updated_at = now() - interval '40 days' where event_source = 'urn:old'");

      assertThat(new RetentionJob(db.dataSource(), Duration.ofDays(30)).runOnce().events())
          .isEqualTo(1);
      assertThat(db.deliveries().find(old.deliveryId())).isEmpty();
      assertThat(db.deliveries().find(kept.deliveryId())).isPresent();
    }
  }

  @Test
  void rowsWrittenBeforeV13StayReadableAndTheirTasksStillFindThem() throws Exception {
    DatabaseConfig config = TestPostgres.freshDatabase();
    UUID webhook = UUID.randomUUID();
    UUID legacyId = EventIdentity.legacyDeliveryId(ID, webhook);
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setUrl(config.url());
    ds.setUser(config.user());
    ds.setPassword(config.password());
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target("12")
        .load()
        .migrate();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "insert into webhooks (id, name, url, events, secret_enc) values ('"
              + webhook
              + "', 'old', 'https://example.com/hook', '{payment_received}', '\\x00')");
      s.execute(
          "insert into events (id, type, source, occurred_at, payload) values ('"
              + ID
              + "', 'payment_received', 'urn:shop:eu', '2026-11-28T10:00:00Z', '{\"region\": \"eu\"}')");
      s.execute(
          "insert into deliveries (id, event_id, webhook_id, webhook_version, trigger, status, attempts,"
              + " next_attempt_at) values ('"
              + legacyId
              + "', '"
              + ID
              + "', '"
              + webhook
              + "', 1, 'event', 'retrying', 1, now() + interval '1 hour')");
    }

    try (Database db =
        Database.open(config, SecretCipher.fromBase64Key(SecretCipher.generateKey()))) {
      DeliveryView before = db.deliveries().find(legacyId).orElseThrow();
      assertThat(before.eventSource()).isEqualTo("urn:shop:eu");
      assertThat(before.payload().get("region").asText()).isEqualTo("eu");

      // the task of its second attempt, written to Kafka before the upgrade: the same row
      DeliveryTask inFlight =
          new DeliveryTask(
              legacyId,
              webhook,
              1,
              2,
              Trigger.RETRY,
              event("urn:shop:eu", "{\"region\": \"eu\"}"),
              null);
      assertThat(EventIdentity.webhookId(inFlight))
          .as("as its first attempt was sent")
          .isEqualTo(ID);
      // and an event of another source with the same id, routed after the upgrade: a row of its own
      DeliveryTask other = task(webhook, event("urn:shop:us", "{\"region\": \"us\"}"));
      assertThat(db.attempts().recordAll(List.of(ok(inFlight), ok(other)))).isEmpty();

      assertThat(db.deliveries().find(legacyId).orElseThrow())
          .extracting(DeliveryView::status, DeliveryView::attemptCount)
          .containsExactly(DeliveryStatus.SUCCEEDED, 2);
      assertThat(
              db.deliveries()
                  .find(other.deliveryId())
                  .orElseThrow()
                  .payload()
                  .get("region")
                  .asText())
          .isEqualTo("us");
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement("select count(*) from events where id = ? group by id")) {
        ps.setString(1, ID);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(2);
        }
      }
    }
  }

  private static Event event(String source, String data) {
    return new Event(
        ID,
        "payment_received",
        source,
        Instant.parse("2026-11-28T10:00:00Z"),
        Json.readTree(data.getBytes(StandardCharsets.UTF_8)),
        null);
  }

  private static DeliveryTask task(UUID webhook, Event event) {
    return new DeliveryTask(
        DeliveryTask.deliveryIdFor(event, webhook), webhook, 1, 1, Trigger.EVENT, event, null);
  }

  private static AttemptRecord ok(DeliveryTask t) {
    return new AttemptRecord(
        t, Instant.now(), 8, 200, "thanks", null, null, "w1", DeliveryStatus.SUCCEEDED, null);
  }

  private static void sql(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThat(s.executeUpdate(sql)).isPositive();
    }
  }
}
