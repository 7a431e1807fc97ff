package dev.hookline.store;

import static dev.hookline.store.PgWebhookStore.instant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhooks with their delivery counters: the page is selected first, then each row's counters come
 * from one lateral aggregate over its deliveries, so a page costs one query, not one per webhook.
 */
final class WebhookListings {
  private static final String STATS =
      " left join lateral (select count(*) as total,"
          + " count(*) filter (where d.status = 'succeeded') as succeeded,"
          + " count(*) filter (where d.status = 'failed') as failed,"
          + " max(d.created_at) as last_at"
          + " from deliveries d where d.webhook_id = w.id and d.trigger <> 'test') s on true";

  private WebhookListings() {}

  static List<WebhookListing> page(
      Connection c, String columns, WebhookQuery query, UUID after, int limit) throws SQLException {
    StringBuilder where = new StringBuilder(" where deleted_at is null");
    if (query.active() != null) where.append(" and active = ?");
    if (query.tenant() != null) where.append(" and tenant_id = ?");
    if (query.search() != null) {
      where.append(
          " and (name ilike ? escape '\\' or url ilike ? escape '\\'"
              + " or exists (select 1 from unnest(events) as e(name) where e.name ilike ? escape '\\'))");
    }
    if (after != null)
      where.append(" and (created_at, id) > (select created_at, id from webhooks where id = ?)");
    String sql =
        "select w.*, s.total, s.succeeded, s.failed, s.last_at from (select "
            + columns
            + " from webhooks"
            + where
            + " order by created_at, id limit ?) w"
            + STATS
            + " order by w.created_at, w.id";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (query.active() != null) ps.setBoolean(i++, query.active());
      if (query.tenant() != null) ps.setString(i++, query.tenant());
      if (query.search() != null) {
        String pattern = "%" + escapeLike(query.search()) + "%";
        ps.setString(i++, pattern);
        ps.setString(i++, pattern);
        ps.setString(i++, pattern);
      }
      if (after != null) ps.setObject(i++, after);
      ps.setInt(i, limit);
      return read(ps);
    }
  }

  static Optional<WebhookListing> one(Connection c, String columns, UUID id) throws SQLException {
    String sql =
        "select w.*, s.total, s.succeeded, s.failed, s.last_at from (select "
            + columns
            + " from webhooks where id = ? and deleted_at is null) w"
            + STATS;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, id);
      return read(ps).stream().findFirst();
    }
  }

  private static List<WebhookListing> read(PreparedStatement ps) throws SQLException {
    List<WebhookListing> page = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        WebhookStats stats =
            new WebhookStats(
                rs.getLong("total"),
                rs.getLong("succeeded"),
                rs.getLong("failed"),
                instant(rs.getTimestamp("last_at")));
        page.add(new WebhookListing(PgWebhookStore.map(rs), stats));
      }
    }
    return page;
  }

  /** The search is a plain substring: LIKE's wildcards in it match themselves. */
  static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
