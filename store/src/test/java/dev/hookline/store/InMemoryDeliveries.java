package dev.hookline.store;

import dev.hookline.schemas.Event;
import dev.hookline.schemas.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The deliveries of an {@link InMemoryStore}: the delivery log the admin API reads ({@link
 * DeliveryStore}) and the attempts the delivery engine records ({@link AttemptRecorder}). Recorded
 * attempts show in the log like PostgreSQL's; tests may also {@link #add} log entries directly.
 */
public final class InMemoryDeliveries implements DeliveryStore, AttemptRecorder {
  /** The source of the events {@link #redelivery} rebuilds from log entries. */
  public static final String SOURCE = "urn:test";

  private final List<DeliveryView> log = new CopyOnWriteArrayList<>(); // oldest first
  private final List<List<AttemptRecord>> batches = new CopyOnWriteArrayList<>();
  private final java.util.Set<UUID> refuse = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicInteger writes = new AtomicInteger();
  private volatile Consumer<String> calls = call -> {};
  private volatile RuntimeException failure;
  private volatile boolean answersWhileFailing;
  private final InMemoryWebhooks webhooks;

  /**
   * @param webhooks whose tenants a tenant's delivery log asks
   */
  InMemoryDeliveries(InMemoryWebhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** Adds an entry to the delivery log (newest last), as a worker would have recorded it. */
  public void add(DeliveryView delivery) {
    log.add(delivery);
  }

  /**
   * Writes throw {@code e} from now on (null: they work again); {@link #ping} throws too unless
   * PostgreSQL {@code stillAnswers} (a conflict, a bug, rather than being down).
   */
  public void failWrites(RuntimeException e, boolean stillAnswers) {
    failure = e;
    answersWhileFailing = stillAnswers;
  }

  /** Hears every {@code recordAll:<n>} and {@code ping}, e.g. to check their order with acks. */
  public void onCall(Consumer<String> listener) {
    calls = listener;
  }

  /** The batches recorded so far, one list per {@link #recordAll} call that succeeded. */
  public List<List<AttemptRecord>> batches() {
    return List.copyOf(batches);
  }

  /** Every attempt recorded so far, in order. */
  public List<AttemptRecord> recorded() {
    List<AttemptRecord> all = new ArrayList<>();
    batches.forEach(all::addAll);
    return all;
  }

  /** Changes made through {@link #markRequeued}; adds and recorded attempts are not counted. */
  public int writes() {
    return writes.get();
  }

  @Override
  public List<Refused> recordAll(List<AttemptRecord> attempts) {
    calls.accept("recordAll:" + attempts.size());
    RuntimeException e = failure;
    if (e != null) throw e;
    List<Refused> refused = new ArrayList<>();
    List<AttemptRecord> stored = new ArrayList<>();
    for (AttemptRecord a : attempts) {
      if (refuse.contains(a.task().deliveryId()))
        refused.add(new Refused(a, "refused by the test"));
      else stored.add(a);
    }
    batches.add(List.copyOf(stored));
    stored.forEach(this::apply);
    return refused;
  }

  /** The store refuses the attempts of this delivery (as PostgreSQL an unstorable one). */
  public void refuse(UUID deliveryId) {
    refuse.add(deliveryId);
  }

  @Override
  public void ping() {
    calls.accept("ping");
    RuntimeException e = failure;
    if (e != null && !answersWhileFailing) throw e;
  }

  @Override
  public List<DeliveryView> listForWebhook(
      UUID webhookId, DeliveryStatus status, Instant since, UUID before, int limit) {
    List<DeliveryView> page = new ArrayList<>();
    boolean passedCursor = before == null;
    for (DeliveryView d : new ArrayList<>(log).reversed()) {
      if (!passedCursor) {
        passedCursor = d.id().equals(before);
        continue;
      }
      if (!d.webhookId().equals(webhookId) || (status != null && d.status() != status)) continue;
      if (since != null && d.createdAt().isBefore(since)) continue;
      if (page.size() == limit) break;
      page.add(
          copy(
              d,
              d.status(),
              d.nextAttemptAt(),
              d.updatedAt(),
              List.of())); // list views carry no attempts, like PostgreSQL's
    }
    return page;
  }

  @Override
  public List<DeliveryView> list(DeliveryQuery query, UUID before, int limit) {
    List<DeliveryView> page = new ArrayList<>();
    boolean passedCursor = before == null;
    for (DeliveryView d : new ArrayList<>(log).reversed()) {
      if (!passedCursor) {
        passedCursor = d.id().equals(before);
        continue;
      }
      if (!webhooks.ofTenant(d.webhookId(), query.tenant(), query.liveWebhooksOnly())) continue;
      if (query.status() != null && d.status() != query.status()) continue;
      if (query.since() != null && d.createdAt().isBefore(query.since())) continue;
      if (page.size() == limit) break;
      page.add(copy(d, d.status(), d.nextAttemptAt(), d.updatedAt(), List.of()));
    }
    return page;
  }

  @Override
  public Optional<DeliveryView> find(UUID deliveryId) {
    return log.stream().filter(d -> d.id().equals(deliveryId)).findFirst();
  }

  @Override
  public List<Redelivery> failedBetween(UUID webhookId, Instant since, Instant until, int limit) {
    return log.stream()
        .filter(
            d ->
                d.webhookId().equals(webhookId)
                    && d.status() == DeliveryStatus.FAILED
                    && !d.trigger().equals(Trigger.TEST.wireName()))
        .filter(d -> !d.createdAt().isBefore(since) && d.createdAt().isBefore(until))
        .limit(Math.min(limit, MAX_RECOVER))
        .map(InMemoryDeliveries::redelivery)
        .toList();
  }

  @Override
  public Optional<Redelivery> redelivery(UUID deliveryId) {
    return find(deliveryId).map(InMemoryDeliveries::redelivery);
  }

  @Override
  public synchronized int markRequeued(List<Redelivery> queued) {
    writes.incrementAndGet();
    int marked = 0;
    for (Redelivery r : queued) {
      for (int i = 0; i < log.size(); i++) {
        DeliveryView d = log.get(i);
        if (d.id().equals(r.deliveryId()) && d.attemptCount() == r.nextAttempt() - 1) {
          log.set(i, copy(d, DeliveryStatus.PENDING, null, Instant.now(), d.attempts()));
          marked++;
        }
      }
    }
    return marked;
  }

  /** What the delivery log shows for the recorded request {@code a}, numbered {@code n}. */
  static DeliveryView.AttemptView logEntry(int n, AttemptRecord a) {
    return new DeliveryView.AttemptView(
        n,
        a.task().trigger().wireName(),
        a.startedAt(),
        a.durationMs(),
        a.statusCode(),
        a.responseExcerpt(),
        a.errorClass(),
        a.errorMessage(),
        a.workerId());
  }

  /** The log entry after one recorded attempt (an attempt recorded twice changes nothing). */
  private synchronized void apply(AttemptRecord a) {
    DeliveryView.AttemptView attempt = logEntry(a.task().attempt(), a);
    Optional<DeliveryView> before = find(a.task().deliveryId());
    if (before.isPresent()
        && before.get().attempts().stream().anyMatch(x -> x.attempt() == attempt.attempt())) {
      return;
    }
    List<DeliveryView.AttemptView> attempts =
        new ArrayList<>(before.map(DeliveryView::attempts).orElse(List.of()));
    attempts.add(attempt);
    Event event = a.task().event();
    DeliveryView after =
        new DeliveryView(
            a.task().deliveryId(),
            a.task().webhookId(),
            event.id(),
            event.source(),
            event.type(),
            before.map(DeliveryView::trigger).orElse(a.task().trigger().wireName()),
            a.newStatus(),
            Math.max(a.task().attempt(), before.map(DeliveryView::attemptCount).orElse(0)),
            a.statusCode(),
            a.errorMessage(),
            a.nextAttemptAt(),
            before.map(DeliveryView::createdAt).orElse(a.startedAt()),
            a.startedAt(),
            event.data(),
            attempts);
    before.ifPresentOrElse(b -> log.set(log.indexOf(b), after), () -> log.add(after));
  }

  private static DeliveryView copy(
      DeliveryView d,
      DeliveryStatus status,
      Instant nextAttemptAt,
      Instant updatedAt,
      List<DeliveryView.AttemptView> attempts) {
    return new DeliveryView(
        d.id(),
        d.webhookId(),
        d.eventId(),
        d.eventSource(),
        d.eventType(),
        d.trigger(),
        status,
        d.attemptCount(),
        d.lastStatusCode(),
        d.lastError(),
        nextAttemptAt,
        d.createdAt(),
        updatedAt,
        d.payload(),
        attempts);
  }

  private static Redelivery redelivery(DeliveryView d) {
    Event event = new Event(d.eventId(), d.eventType(), SOURCE, d.createdAt(), d.payload(), null);
    return new Redelivery(
        d.id(),
        d.webhookId(),
        Trigger.fromWireName(d.trigger()),
        d.status(),
        event,
        d.attemptCount() + 1);
  }
}
