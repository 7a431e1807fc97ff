package dev.hookline.admin;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.Database;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.IdempotencyKeys;
import dev.hookline.store.InMemoryDeliveries;
import dev.hookline.store.InMemoryStore;
import dev.hookline.store.InMemoryTenants;
import dev.hookline.store.InMemoryWebhooks;
import dev.hookline.store.TenantStore;
import dev.hookline.store.TestPostgres;
import dev.hookline.store.WebhookStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The stores an {@link ApiFixture} runs on: the store's {@link InMemoryStore}, or a real
 * PostgreSQL. The in-memory store accepts what PostgreSQL refuses (a NUL in a text column, a lone
 * surrogate), so the bad-input table and the property tests run on both.
 */
sealed interface StoreBackend extends AutoCloseable {
  WebhookStore webhooks();

  DeliveryStore deliveries();

  TenantStore tenants();

  IdempotencyKeys idempotencyKeys();

  /** Adds a delivery with its attempts, as a worker would have recorded it. */
  void addDelivery(DeliveryView delivery);

  /** A value that changes whenever anything is written, to tell a refusal that wrote. */
  Object state();

  @Override
  void close();

  /** The store's test-jar fake: writes counted by its parts. */
  record InMemory(InMemoryStore store) implements StoreBackend {
    InMemory() {
      this(new InMemoryStore());
    }

    @Override
    public InMemoryWebhooks webhooks() {
      return store.webhooks();
    }

    @Override
    public InMemoryDeliveries deliveries() {
      return store.deliveries();
    }

    @Override
    public InMemoryTenants tenants() {
      return store.tenants();
    }

    @Override
    public IdempotencyKeys idempotencyKeys() {
      return store.idempotencyKeys();
    }

    @Override
    public void addDelivery(DeliveryView delivery) {
      store.deliveries().add(delivery);
    }

    @Override
    public Object state() {
      return List.of(
          store.webhooks().writes(),
          store.deliveries().writes(),
          store.tenants().writes(),
          store.idempotencyKeys().size());
    }

    @Override
    public void close() {}
  }

  /** A fresh, migrated database on the test JVM's embedded PostgreSQL. */
  record Postgres(Database db) implements StoreBackend {
    Postgres() {
      this(TestPostgres.freshStore());
    }

    @Override
    public WebhookStore webhooks() {
      return db.webhooks();
    }

    @Override
    public DeliveryStore deliveries() {
      return db.deliveries();
    }

    @Override
    public TenantStore tenants() {
      return db.tenants();
    }

    @Override
    public IdempotencyKeys idempotencyKeys() {
      return db.idempotencyKeys();
    }

    @Override
    public void addDelivery(DeliveryView d) {
      List<AttemptRecord> records = new ArrayList<>();
      Event event =
          new Event(d.eventId(), d.eventType(), "urn:test", d.createdAt(), d.payload(), null);
      for (DeliveryView.AttemptView a : d.attempts()) {
        boolean last = a.attempt() == d.attempts().size();
        DeliveryStatus status = last ? d.status() : DeliveryStatus.RETRYING;
        records.add(
            new AttemptRecord(
                new DeliveryTask(
                    d.id(),
                    d.webhookId(),
                    1,
                    a.attempt(),
                    Trigger.fromWireName(a.trigger()),
                    event,
                    null),
                a.startedAt(),
                a.durationMs(),
                a.statusCode(),
                a.responseExcerpt(),
                a.errorClass(),
                a.errorMessage(),
                a.workerId(),
                status,
                status == DeliveryStatus.RETRYING ? a.startedAt().plusSeconds(3600) : null));
      }
      // one batch per attempt, in order, as a worker records them
      for (AttemptRecord r : records) db.attempts().recordAll(List.of(r));
    }

    /** Every row of every table (but Flyway's), digested: any write changes it. */
    @Override
    public Object state() {
      List<String> digest = new ArrayList<>();
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "select table_name from information_schema.tables where table_schema = 'public'"
                    + " and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history'"
                    + " order by table_name")) {
          while (rs.next()) tables.add(rs.getString(1));
        }
        for (String table : tables) {
          try (ResultSet rs =
              s.executeQuery(
                  "select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by"
                      + " t::text)), '') from \""
                      + table
                      + "\" t")) {
            rs.next();
            digest.add(table + "=" + rs.getString(1));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return digest;
    }

    @Override
    public void close() {
      db.close();
    }
  }
}
