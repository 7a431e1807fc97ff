package dev.hookline.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's delivery log, newest first, across its webhooks. Each webhook's newest deliveries come
 * from its own index range ({@code deliveries_by_webhook}), at most one page each, and are merged:
 * a page reads at most (webhooks of the tenant × page size) rows, however long the history.
 */
final class TenantDeliveries {
  private TenantDeliveries() {}

  static List<DeliveryView> page(Connection c, DeliveryQuery query, UUID before, int limit)
      throws SQLException {
    StringBuilder inner =
        new StringBuilder("select d.* from deliveries d where d.webhook_id = w.id");
    if (query.status() != null) inner.append(" and d.status = ?");
    if (query.since() != null) inner.append(" and d.created_at >= ?");
    if (before != null) inner.append(" and (d.created_at, d.id) < (b.created_at, b.id)");
    inner.append(" order by d.created_at desc, d.id desc limit ?");
    String sql =
        "select "
            + PgDeliveryStore.VIEW_COLUMNS
            + " from (select id from webhooks where tenant_id = ?"
            + (query.liveWebhooksOnly() ? " and deleted_at is null" : "")
            + ") w"
            + (before != null
                ? " cross join (select created_at, id from deliveries where id = ?) b"
                : "")
            + " cross join lateral ("
            + inner
            + ") d join events e on e.id = d.event_id and e.source = d.event_source"
            + " order by d.created_at desc, d.id desc limit ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, query.tenant());
      if (before != null) ps.setObject(i++, before);
      if (query.status() != null) ps.setString(i++, query.status().dbName());
      if (query.since() != null) ps.setTimestamp(i++, Timestamp.from(query.since()));
      ps.setInt(i++, limit);
      ps.setInt(i, limit);
      List<DeliveryView> page = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) page.add(PgDeliveryStore.view(rs, null, List.of()));
      }
      return page;
    }
  }
}
