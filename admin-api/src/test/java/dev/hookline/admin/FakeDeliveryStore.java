package dev.hookline.admin;

import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.DeliveryView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory {@link DeliveryStore}: deliveries added by the test, newest last. */
final class FakeDeliveryStore implements DeliveryStore {
  private final List<DeliveryView> deliveries = new CopyOnWriteArrayList<>();

  void add(DeliveryView delivery) {
    deliveries.add(delivery);
  }

  @Override
  public void recordAll(List<AttemptRecord> attempts) {
    throw new UnsupportedOperationException("the admin API never records attempts");
  }

  @Override
  public List<DeliveryView> listForWebhook(UUID webhookId, DeliveryStatus status, UUID before, int limit) {
    List<DeliveryView> newestFirst = new ArrayList<>(deliveries).reversed();
    List<DeliveryView> page = new ArrayList<>();
    boolean passedCursor = before == null;
    for (DeliveryView d : newestFirst) {
      if (!passedCursor) {
        passedCursor = d.id().equals(before);
        continue;
      }
      if (!d.webhookId().equals(webhookId) || (status != null && d.status() != status)) continue;
      if (page.size() == limit) break;
      // list views carry no attempts, like the Postgres store
      page.add(new DeliveryView(d.id(), d.webhookId(), d.eventId(), d.eventType(), d.trigger(), d.status(),
          d.attemptCount(), d.lastStatusCode(), d.lastError(), d.nextAttemptAt(), d.createdAt(), d.updatedAt(),
          d.payload(), List.of()));
    }
    return page;
  }

  @Override
  public Optional<DeliveryView> find(UUID deliveryId) {
    return deliveries.stream().filter(d -> d.id().equals(deliveryId)).findFirst();
  }
}
