package dev.hookline.store;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

final class PgDeliveryStore implements DeliveryStore {
  private final DataSource dataSource;

  PgDeliveryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override public void recordAll(List<AttemptRecord> attempts) { throw new UnsupportedOperationException("TODO"); }
  @Override public List<DeliveryView> listForWebhook(UUID webhookId, DeliveryStatus status, UUID before, int limit) { throw new UnsupportedOperationException("TODO"); }
  @Override public Optional<DeliveryView> find(UUID deliveryId) { throw new UnsupportedOperationException("TODO"); }
}
