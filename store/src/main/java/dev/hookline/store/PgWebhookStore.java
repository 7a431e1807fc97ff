package dev.hookline.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.schemas.Json;
import dev.hookline.schemas.Subscription;
import dev.hookline.schemas.Topics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

final class PgWebhookStore implements WebhookStore {
  static final String COLUMNS =
      "id, version, name, url, description, events, active, disabled_at, disabled_reason,"
          + " timeout_seconds, retry_schedule, headers::text, created_at, updated_at, tenant_id, filter, rate_limit";

  private final DataSource dataSource;
  private final SecretCipher cipher;

  PgWebhookStore(DataSource dataSource, SecretCipher cipher) {
    this.dataSource = dataSource;
    this.cipher = cipher;
  }

  @Override
  public CreatedWebhook create(NewWebhook w) {
    UUID id = UUID.randomUUID();
    String secret = SecretCipher.generateSigningSecret();
    return Tx.run(
        dataSource,
        c -> {
          // held until commit: a concurrent delete of the tenant waits, or is seen
          if (w.tenant() != null && !PgTenantStore.lockLive(c, w.tenant()))
            throw new UnknownTenantException(w.tenant());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into webhooks (id, name, url, description, events, active, secret_enc, timeout_seconds,"
                      + " retry_schedule, headers, tenant_id, filter, rate_limit)"
                      + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)"
                      + " returning "
                      + COLUMNS)) {
            ps.setObject(1, id);
            ps.setString(2, w.name());
            ps.setString(3, w.url());
            ps.setString(4, w.description());
            ps.setArray(5, c.createArrayOf("text", w.events().toArray()));
            ps.setBoolean(6, w.active());
            ps.setBytes(7, cipher.encrypt(secret));
            ps.setInt(8, w.timeoutSeconds());
            ps.setArray(
                9,
                w.retrySchedule() == null
                    ? null
                    : c.createArrayOf("integer", w.retrySchedule().toArray()));
            ps.setString(10, Json.toString(w.headers()));
            ps.setString(11, w.tenant());
            ps.setString(12, w.filter() == null ? null : Json.toString(w.filter()));
            ps.setObject(13, w.rateLimit(), java.sql.Types.INTEGER);
            Webhook created = single(ps).orElseThrow();
            writeOutbox(c, created);
            return new CreatedWebhook(created, secret);
          }
        });
  }

  @Override
  public Optional<Webhook> find(UUID id) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select " + COLUMNS + " from webhooks where id = ? and deleted_at is null")) {
            ps.setObject(1, id);
            return single(ps);
          }
        });
  }

  @Override
  public List<Webhook> list(UUID after, int limit) {
    return Tx.run(
        dataSource,
        c -> {
          String sql =
              "select "
                  + COLUMNS
                  + " from webhooks where deleted_at is null"
                  + (after == null
                      ? ""
                      : " and (created_at, id) > (select created_at, id from webhooks where id = ?)")
                  + " order by created_at, id limit ?";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (after != null) ps.setObject(i++, after);
            ps.setInt(i, limit);
            List<Webhook> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) page.add(map(rs));
            }
            return page;
          }
        });
  }

  @Override
  public Optional<Webhook> update(UUID id, WebhookPatch p) {
    return Tx.run(
        dataSource,
        c -> {
          Optional<Webhook> current;
          // the row lock orders concurrent edits of one webhook, so its outbox rows keep commit
          // order
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select "
                      + COLUMNS
                      + " from webhooks where id = ? and deleted_at is null for update")) {
            ps.setObject(1, id);
            current = single(ps);
          }
          if (current.isEmpty()) return Optional.empty();
          Webhook old = current.get();
          // active: true re-enables a webhook Hookline disabled (410 Gone, failing for days)
          boolean reenable = p.active().orElse(false);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update webhooks set name = ?, url = ?, description = ?, events = ?, active = ?, timeout_seconds = ?,"
                      + " retry_schedule = ?, headers = ?::jsonb, filter = ?, rate_limit = ?, version = version + 1, updated_at = now(),"
                      + " disabled_at = case when ? then null else disabled_at end,"
                      + " disabled_reason = case when ? then null else disabled_reason end"
                      + " where id = ? returning "
                      + COLUMNS)) {
            ps.setString(1, p.name().orElse(old.name()));
            ps.setString(2, p.url().orElse(old.url()));
            ps.setString(3, p.description().orElse(old.description()));
            ps.setArray(4, c.createArrayOf("text", p.events().orElse(old.events()).toArray()));
            ps.setBoolean(5, p.active().orElse(old.active()));
            ps.setInt(6, p.timeoutSeconds().orElse(old.timeoutSeconds()));
            List<Integer> schedule =
                p.resetRetrySchedule() ? null : p.retrySchedule().orElse(old.retrySchedule());
            ps.setArray(
                7, schedule == null ? null : c.createArrayOf("integer", schedule.toArray()));
            ps.setString(8, Json.toString(p.headers().orElse(old.headers())));
            JsonNode filter = p.clearFilter() ? null : p.filter().orElse(old.filter());
            ps.setString(9, filter == null ? null : Json.toString(filter));
            Integer rateLimit = p.clearRateLimit() ? null : p.rateLimit().orElse(old.rateLimit());
            ps.setObject(10, rateLimit, java.sql.Types.INTEGER);
            ps.setBoolean(11, reenable);
            ps.setBoolean(12, reenable);
            ps.setObject(13, id);
            Webhook updated = single(ps).orElseThrow();
            writeOutbox(c, updated);
            return Optional.of(updated);
          }
        });
  }

  @Override
  public Optional<CreatedWebhook> rotateSecret(UUID id) {
    String secret = SecretCipher.generateSigningSecret();
    return Tx.run(
        dataSource,
        c -> {
          // previous_secret_expires_at and updated_at share now(): callers derive the expiry from
          // updatedAt
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update webhooks set previous_secret_enc = secret_enc, secret_enc = ?,"
                      + " previous_secret_expires_at = now() + make_interval(secs => ?),"
                      + " version = version + 1, updated_at = now()"
                      + " where id = ? and deleted_at is null returning "
                      + COLUMNS)) {
            ps.setBytes(1, cipher.encrypt(secret));
            ps.setLong(2, PREVIOUS_SECRET_GRACE.toSeconds());
            ps.setObject(3, id);
            Optional<Webhook> rotated = single(ps);
            if (rotated.isEmpty()) return Optional.empty();
            writeOutbox(c, rotated.get());
            return Optional.of(new CreatedWebhook(rotated.get(), secret));
          }
        });
  }

  @Override
  public List<WebhookListing> list(WebhookQuery query, UUID after, int limit) {
    return Tx.run(dataSource, c -> WebhookListings.page(c, COLUMNS, query, after, limit));
  }

  @Override
  public Optional<WebhookListing> findListing(UUID id) {
    return Tx.run(dataSource, c -> WebhookListings.one(c, COLUMNS, id));
  }

  @Override
  public boolean delete(UUID id) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update webhooks set deleted_at = now(), active = false, version = version + 1, updated_at = now()"
                      + " where id = ? and deleted_at is null")) {
            ps.setObject(1, id);
            if (ps.executeUpdate() == 0) return false;
          }
          insertOutbox(c, id.toString(), null);
          return true;
        });
  }

  @Override
  public Optional<SigningSecrets> secrets(UUID id) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select secret_enc, previous_secret_enc, previous_secret_expires_at from webhooks"
                      + " where id = ? and deleted_at is null")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return Optional.empty();
              byte[] previous = rs.getBytes(2);
              Timestamp expires = rs.getTimestamp(3);
              return Optional.of(
                  new SigningSecrets(
                      cipher.decrypt(rs.getBytes(1)),
                      previous == null ? null : cipher.decrypt(previous),
                      expires == null ? null : expires.toInstant()));
            }
          }
        });
  }

  /** The webhook's routing record, in the same transaction as the change. */
  static void writeOutbox(Connection c, Webhook w) throws SQLException {
    Subscription routing =
        new Subscription(w.id(), w.version(), w.events(), w.routable(), w.tenant(), w.filter());
    insertOutbox(c, w.id().toString(), Json.toString(routing));
  }

  static void insertOutbox(Connection c, String key, String payload) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("insert into outbox (topic, record_key, payload) values (?, ?, ?)")) {
      ps.setString(1, Topics.SUBSCRIPTIONS);
      ps.setString(2, key);
      ps.setString(3, payload);
      ps.executeUpdate();
    }
  }

  static Optional<Webhook> single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(map(rs)) : Optional.empty();
    }
  }

  static Webhook map(ResultSet rs) throws SQLException {
    Array schedule = rs.getArray("retry_schedule");
    return new Webhook(
        rs.getObject("id", UUID.class),
        rs.getLong("version"),
        rs.getString("name"),
        rs.getString("url"),
        rs.getString("description"),
        List.of((String[]) rs.getArray("events").getArray()),
        rs.getBoolean("active"),
        instant(rs.getTimestamp("disabled_at")),
        rs.getString("disabled_reason"),
        rs.getInt("timeout_seconds"),
        schedule == null ? null : Arrays.asList((Integer[]) schedule.getArray()),
        headers(rs.getString("headers")),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        rs.getString("tenant_id"),
        filter(rs.getString("filter")),
        rs.getObject("rate_limit", Integer.class));
  }

  /** The filter column: the JSON the admin API wrote, or null. */
  static JsonNode filter(String json) {
    if (json == null) return null;
    try {
      return Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt filter column", e);
    }
  }

  private static Map<String, String> headers(String json) {
    try {
      return Map.copyOf(Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt headers column", e);
    }
  }

  static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
