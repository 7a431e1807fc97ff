package dev.hookline.store;

import static dev.hookline.store.PgWebhookStore.instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.hookline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

final class PgTenantStore implements TenantStore {
  private static final String COLUMNS = "id, name, metadata::text, created_at, updated_at";
  private static final String TOKEN_COLUMNS = "id, tenant_id, created_at, expires_at";

  /** API tokens; portal sessions are told apart by their own prefix. */
  static final String API_TOKEN_PREFIX = "hlt_";

  static final String PORTAL_TOKEN_PREFIX = "hlp_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource dataSource;

  PgTenantStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Optional<Tenant> create(NewTenant t) {
    return Tx.run(
        dataSource,
        c -> {
          // a deleted tenant's id is free again: its row is revived as a new tenant
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into tenants (id, name, metadata) values (?, ?, ?::jsonb)"
                      + " on conflict (id) do update set name = excluded.name, metadata = excluded.metadata,"
                      + " created_at = now(), updated_at = now(), deleted_at = null"
                      + " where tenants.deleted_at is not null returning "
                      + COLUMNS)) {
            ps.setString(1, t.id());
            ps.setString(2, t.name());
            ps.setString(3, Json.toString(t.metadata()));
            return single(ps);
          }
        });
  }

  @Override
  public Optional<Tenant> find(String id) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select " + COLUMNS + " from tenants where id = ? and deleted_at is null")) {
            ps.setString(1, id);
            return single(ps);
          }
        });
  }

  @Override
  public List<Tenant> list(String search, String after, int limit) {
    return Tx.run(
        dataSource,
        c -> {
          StringBuilder sql =
              new StringBuilder("select " + COLUMNS + " from tenants where deleted_at is null");
          if (search != null)
            sql.append(" and (id ilike ? escape '\\' or name ilike ? escape '\\')");
          if (after != null)
            sql.append(" and (created_at, id) > (select created_at, id from tenants where id = ?)");
          sql.append(" order by created_at, id limit ?");
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (search != null) {
              String pattern = "%" + WebhookListings.escapeLike(search) + "%";
              ps.setString(i++, pattern);
              ps.setString(i++, pattern);
            }
            if (after != null) ps.setString(i++, after);
            ps.setInt(i, limit);
            List<Tenant> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) page.add(map(rs));
            }
            return page;
          }
        });
  }

  @Override
  public Optional<Tenant> update(String id, TenantPatch patch) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update tenants set name = coalesce(?, name), metadata = coalesce(?::jsonb, metadata),"
                      + " updated_at = now() where id = ? and deleted_at is null returning "
                      + COLUMNS)) {
            ps.setString(1, patch.name().orElse(null));
            ps.setString(2, patch.metadata().map(Json::toString).orElse(null));
            ps.setString(3, id);
            return single(ps);
          }
        });
  }

  @Override
  public boolean delete(String id) {
    return Tx.run(
        dataSource,
        c -> {
          // the tenant's row lock first: a webhook being created for it waits, then sees it gone
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update tenants set deleted_at = now(), updated_at = now()"
                      + " where id = ? and deleted_at is null")) {
            ps.setString(1, id);
            if (ps.executeUpdate() == 0) return false;
          }
          List<UUID> webhooks = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update webhooks set deleted_at = now(), active = false, version = version + 1,"
                      + " updated_at = now() where id in (select id from webhooks"
                      + " where tenant_id = ? and deleted_at is null order by id for update)"
                      + " returning id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) webhooks.add(rs.getObject(1, UUID.class));
            }
          }
          for (UUID webhook : webhooks.stream().sorted().toList())
            PgWebhookStore.insertOutbox(c, webhook.toString(), null);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update tenant_tokens set revoked_at = now() where tenant_id = ? and revoked_at is null")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "delete from portal_links where tenant_id = ? and used_at is null")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
          return true;
        });
  }

  @Override
  public Optional<CreatedTenantToken> createToken(String tenantId) {
    return Tx.run(
        dataSource,
        c -> {
          if (!lockLive(c, tenantId)) return Optional.empty();
          return Optional.of(insertToken(c, tenantId, "api", null));
        });
  }

  @Override
  public List<TenantToken> tokens(String tenantId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select "
                      + TOKEN_COLUMNS
                      + " from tenant_tokens where tenant_id = ? and kind = 'api' and revoked_at is null"
                      + " order by created_at, id")) {
            ps.setString(1, tenantId);
            List<TenantToken> tokens = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) tokens.add(token(rs));
            }
            return tokens;
          }
        });
  }

  @Override
  public boolean revokeToken(String tenantId, String tokenId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update tenant_tokens set revoked_at = now()"
                      + " where id = ? and tenant_id = ? and revoked_at is null")) {
            ps.setString(1, tokenId);
            ps.setString(2, tenantId);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<TenantCaller> authenticate(String token) {
    if (token == null
        || !(token.startsWith(API_TOKEN_PREFIX) || token.startsWith(PORTAL_TOKEN_PREFIX)))
      return Optional.empty(); // not one of ours: no need to ask the database
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select t.tenant_id, t.id, t.kind from tenant_tokens t join tenants n on n.id = t.tenant_id"
                      + " where t.token_hash = ? and t.revoked_at is null"
                      + " and (t.expires_at is null or t.expires_at > now()) and n.deleted_at is null")) {
            ps.setBytes(1, sha256(token));
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return Optional.empty();
              return Optional.of(
                  new TenantCaller(
                      rs.getString(1), rs.getString(2), rs.getString(3).equals("portal")));
            }
          }
        });
  }

  @Override
  public Optional<PortalLink> createPortalLink(String tenantId, Duration validFor) {
    String code = random(32);
    return Tx.run(
        dataSource,
        c -> {
          if (!lockLive(c, tenantId)) return Optional.empty();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into portal_links (code_hash, tenant_id, expires_at)"
                      + " values (?, ?, now() + ? * interval '1 millisecond') returning expires_at")) {
            ps.setBytes(1, sha256(code));
            ps.setString(2, tenantId);
            ps.setLong(3, validFor.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return Optional.of(new PortalLink(code, tenantId, instant(rs.getTimestamp(1))));
            }
          }
        });
  }

  @Override
  public Optional<CreatedTenantToken> redeemPortalLink(String code, Duration sessionFor) {
    if (code == null || code.isEmpty()) return Optional.empty();
    return Tx.run(
        dataSource,
        c -> {
          String tenantId;
          // one statement marks it used: of two concurrent redemptions, one updates the row and
          // the other finds it used
          try (PreparedStatement ps =
              c.prepareStatement(
                  "update portal_links l set used_at = now() from tenants n"
                      + " where l.code_hash = ? and l.used_at is null and l.expires_at > now()"
                      + " and n.id = l.tenant_id and n.deleted_at is null returning l.tenant_id")) {
            ps.setBytes(1, sha256(code));
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) return Optional.empty();
              tenantId = rs.getString(1);
            }
          }
          return Optional.of(insertToken(c, tenantId, "portal", sessionFor));
        });
  }

  /** Whether the tenant exists; holds it (share lock) against a concurrent delete until commit. */
  static boolean lockLive(Connection c, String tenantId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("select 1 from tenants where id = ? and deleted_at is null for share")) {
      ps.setString(1, tenantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static CreatedTenantToken insertToken(
      Connection c, String tenantId, String kind, Duration validFor) throws SQLException {
    String id = "tok_" + random(12);
    String secret = (kind.equals("portal") ? PORTAL_TOKEN_PREFIX : API_TOKEN_PREFIX) + random(32);
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into tenant_tokens (id, tenant_id, token_hash, kind, expires_at)"
                + " values (?, ?, ?, ?, now() + ? * interval '1 millisecond') returning "
                + TOKEN_COLUMNS)) {
      ps.setString(1, id);
      ps.setString(2, tenantId);
      ps.setBytes(3, sha256(secret));
      ps.setString(4, kind);
      if (validFor == null) ps.setNull(5, java.sql.Types.BIGINT);
      else ps.setLong(5, validFor.toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new CreatedTenantToken(token(rs), secret);
      }
    }
  }

  private static TenantToken token(ResultSet rs) throws SQLException {
    return new TenantToken(
        rs.getString(1), rs.getString(2), instant(rs.getTimestamp(3)), instant(rs.getTimestamp(4)));
  }

  private static Optional<Tenant> single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(map(rs)) : Optional.empty();
    }
  }

  private static Tenant map(ResultSet rs) throws SQLException {
    return new Tenant(
        rs.getString(1),
        rs.getString(2),
        metadata(rs.getString(3)),
        instant(rs.getTimestamp(4)),
        instant(rs.getTimestamp(5)));
  }

  private static Map<String, String> metadata(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt tenant metadata", e);
    }
  }

  /** Base64url of {@code bytes} random bytes: 32 give 256 bits, out of reach of guessing. */
  private static String random(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * Tokens and codes are 256-bit random: a plain SHA-256 is enough to keep them from being usable
   * when read from the database (no salt or slow hash needed for such entropy).
   */
  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
