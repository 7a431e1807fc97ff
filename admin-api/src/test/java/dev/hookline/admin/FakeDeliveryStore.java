package dev.hookline.admin;

import dev.hookline.schemas.Event;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryStore;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.Redelivery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory {@link DeliveryStore}: deliveries added by the test (or a fake worker), newest last.
 */
final class FakeDeliveryStore implements DeliveryStore {
  static final String SOURCE = "urn:test";
  private final List<DeliveryView> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger writes = new AtomicInteger();

  void add(DeliveryView delivery) {
    deliveries.add(delivery);
  }

  /** Changes made through the store interface (marks); adds by the test are not counted. */
  int writes() {
    return writes.get();
  }

  @Override
  public void recordAll(List<AttemptRecord> attempts) {
    throw new UnsupportedOperationException("the admin API never records attempts");
  }

  @Override
  public List<DeliveryView> listForWebhook(
      UUID webhookId, DeliveryStatus status, UUID before, int limit) {
    return listForWebhook(webhookId, status, null, before, limit);
  }

  @Override
  public List<DeliveryView> listForWebhook(
      UUID webhookId, DeliveryStatus status, Instant since, UUID before, int limit) {
    List<DeliveryView> newestFirst = new ArrayList<>(deliveries).reversed();
    List<DeliveryView> page = new ArrayList<>();
    boolean passedCursor = before == null;
    for (DeliveryView d : newestFirst) {
      if (!passedCursor) {
        passedCursor = d.id().equals(before);
        continue;
      }
      if (!d.webhookId().equals(webhookId) || (status != null && d.status() != status)) continue;
      if (since != null && d.createdAt().isBefore(since)) continue;
      if (page.size() == limit) break;
      // list views carry no attempts, like the Postgres store
      page.add(
          new DeliveryView(
              d.id(),
              d.webhookId(),
              d.eventId(),
              d.eventType(),
              d.trigger(),
              d.status(),
              d.attemptCount(),
              d.lastStatusCode(),
              d.lastError(),
              d.nextAttemptAt(),
              d.createdAt(),
              d.updatedAt(),
              d.payload(),
              List.of()));
    }
    return page;
  }

  /** Whose webhook a delivery's is: set by the fixture to the fake webhook store's answer. */
  volatile java.util.function.Function<UUID, Optional<String>> tenantOfWebhook =
      id -> Optional.empty();

  @Override
  public List<DeliveryView> list(dev.hookline.store.DeliveryQuery query, UUID before, int limit) {
    List<DeliveryView> page = new ArrayList<>();
    boolean passedCursor = before == null;
    for (DeliveryView d : new ArrayList<>(deliveries).reversed()) {
      if (!passedCursor) {
        passedCursor = d.id().equals(before);
        continue;
      }
      if (!tenantOfWebhook.apply(d.webhookId()).map(query.tenant()::equals).orElse(false)) continue;
      if (query.status() != null && d.status() != query.status()) continue;
      if (page.size() == limit) break;
      page.add(d);
    }
    return page;
  }

  @Override
  public Optional<DeliveryView> find(UUID deliveryId) {
    return deliveries.stream().filter(d -> d.id().equals(deliveryId)).findFirst();
  }

  @Override
  public List<Redelivery> failedBetween(UUID webhookId, Instant since, Instant until, int limit) {
    return deliveries.stream()
        .filter(
            d ->
                d.webhookId().equals(webhookId)
                    && d.status() == DeliveryStatus.FAILED
                    && !d.trigger().equals("test"))
        .filter(d -> !d.createdAt().isBefore(since) && d.createdAt().isBefore(until))
        .limit(Math.min(limit, MAX_RECOVER))
        .map(FakeDeliveryStore::redelivery)
        .toList();
  }

  @Override
  public Optional<Redelivery> redelivery(UUID deliveryId) {
    return find(deliveryId).map(FakeDeliveryStore::redelivery);
  }

  @Override
  public int markRequeued(List<Redelivery> queued) {
    writes.incrementAndGet();
    int marked = 0;
    for (Redelivery r : queued) {
      for (int i = 0; i < deliveries.size(); i++) {
        DeliveryView d = deliveries.get(i);
        if (d.id().equals(r.deliveryId()) && d.attemptCount() == r.nextAttempt() - 1) {
          deliveries.set(
              i,
              new DeliveryView(
                  d.id(),
                  d.webhookId(),
                  d.eventId(),
                  d.eventType(),
                  d.trigger(),
                  DeliveryStatus.PENDING,
                  d.attemptCount(),
                  d.lastStatusCode(),
                  d.lastError(),
                  null,
                  d.createdAt(),
                  Instant.now(),
                  d.payload(),
                  d.attempts()));
          marked++;
        }
      }
    }
    return marked;
  }

  private static Redelivery redelivery(DeliveryView d) {
    Event event = new Event(d.eventId(), d.eventType(), SOURCE, d.createdAt(), d.payload());
    return new Redelivery(
        d.id(),
        d.webhookId(),
        Trigger.fromWireName(d.trigger()),
        d.status(),
        event,
        d.attemptCount() + 1);
  }
}
