package dev.hookline.store;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for {@link Database}, for the unit tests of the modules that use the store
 * (it ships in the store's test-jar). One object per test; its parts share their data as the tables
 * do (a webhook the engine disables is disabled for the admin API too; deleting a tenant deletes
 * its webhooks; a tenant's delivery log is its webhooks'). Integration tests use the real {@link
 * Database} on an embedded PostgreSQL ({@link TestPostgres}).
 */
public final class InMemoryStore {
  private final InMemoryWebhooks webhooks;
  private final InMemoryTenants tenants;
  private final InMemoryDeliveries deliveries;
  private final Timers timers = new Timers();
  private final Health health = new Health();
  private final Breakers breakers = new Breakers();
  private final InMemoryIdempotencyKeys idempotencyKeys = new InMemoryIdempotencyKeys();
  private final InMemoryRateBudgets rateBudgets = new InMemoryRateBudgets();

  public InMemoryStore() {
    webhooks = new InMemoryWebhooks(this::tenantExists);
    tenants = new InMemoryTenants(webhooks);
    deliveries = new InMemoryDeliveries(webhooks);
  }

  private boolean tenantExists(String id) {
    return tenants.exists(id);
  }

  public InMemoryWebhooks webhooks() {
    return webhooks;
  }

  public InMemoryTenants tenants() {
    return tenants;
  }

  public InMemoryIdempotencyKeys idempotencyKeys() {
    return idempotencyKeys;
  }

  public InMemoryDeliveries deliveries() {
    return deliveries;
  }

  /** The same object as {@link #deliveries()}, as the engine sees it. */
  public InMemoryDeliveries attempts() {
    return deliveries;
  }

  public Timers retryTimers() {
    return timers;
  }

  public Health webhookHealth() {
    return health;
  }

  public Breakers circuitBreakers() {
    return breakers;
  }

  public InMemoryRateBudgets rateBudgets() {
    return rateBudgets;
  }

  /** Retry timers that keep the deferrals; nothing ever comes due. */
  public static final class Timers implements RetryTimers {
    private final List<Deferral> deferrals = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;

    /** {@link #defer} throws {@code e} from now on; null works again. */
    public void failWith(RuntimeException e) {
      failure = e;
    }

    public List<Deferral> deferrals() {
      return List.copyOf(deferrals);
    }

    @Override
    public List<Deferral> defer(List<Deferral> batch) {
      RuntimeException e = failure;
      if (e != null) throw e;
      deferrals.addAll(batch);
      return List.of();
    }

    @Override
    public int publishDue(int limit, Duration lease, Publisher<DeliveryTask> publisher) {
      return 0;
    }

    @Override
    public int publishDeadLetters(int limit, Publisher<DeadLetter> publisher) {
      return 0;
    }

    @Override
    public Counts counts() {
      return new Counts(0, deferrals.size());
    }
  }

  /** Webhook health that keeps the outcomes and disables in the store's webhooks. */
  public final class Health implements WebhookHealth {
    /** When this store's health disables a webhook. */
    public static final Instant DISABLED_AT = Instant.parse("2026-11-28T12:00:00Z");

    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<String> disabled = new CopyOnWriteArrayList<>();

    public List<Outcome> outcomes() {
      return List.copyOf(outcomes);
    }

    /** {@code "<webhook id>:<reason>"} of every webhook disabled so far. */
    public List<String> disabled() {
      return List.copyOf(disabled);
    }

    @Override
    public void record(List<Outcome> batch) {
      outcomes.addAll(batch);
    }

    @Override
    public List<UUID> failingSince(Instant cutoff, int limit) {
      return List.of();
    }

    @Override
    public Optional<Webhook> disable(UUID id, String reason) {
      Optional<Webhook> off = webhooks.disable(id, reason, DISABLED_AT);
      off.ifPresent(w -> disabled.add(id + ":" + reason));
      return off;
    }
  }

  /** The open circuits per (webhook, worker), as the PostgreSQL table keeps them. */
  public static final class Breakers implements CircuitBreakerLog {
    private final Map<String, Change> rows = new ConcurrentHashMap<>();
    private final AtomicInteger forgotten = new AtomicInteger();
    private volatile RuntimeException failure;

    /** {@link #record} throws {@code e} from now on; null works again. */
    public void failWith(RuntimeException e) {
      failure = e;
    }

    /** The last change kept for a webhook and worker; null when its circuit is closed. */
    public Change row(UUID webhookId, String workerId) {
      return rows.get(webhookId + "/" + workerId);
    }

    public boolean isEmpty() {
      return rows.isEmpty();
    }

    /** How often a worker's rows were forgotten. */
    public int forgotten() {
      return forgotten.get();
    }

    @Override
    public void record(String workerId, List<Change> changes) {
      RuntimeException e = failure;
      if (e != null) throw e;
      for (Change c : changes) {
        if (c.state() == State.CLOSED) rows.remove(c.webhookId() + "/" + workerId);
        else rows.put(c.webhookId() + "/" + workerId, c);
      }
    }

    @Override
    public void forget(String workerId) {
      forgotten.incrementAndGet();
      rows.keySet().removeIf(k -> k.endsWith("/" + workerId));
    }

    @Override
    public List<OpenCircuit> open(Duration freshness, int limit) {
      return rows.entrySet().stream()
          .filter(e -> e.getValue().at().isAfter(Instant.now().minus(freshness)))
          .limit(limit)
          .map(
              e ->
                  new OpenCircuit(
                      e.getValue().webhookId(),
                      null,
                      e.getKey().substring(e.getKey().indexOf('/') + 1),
                      e.getValue().state(),
                      e.getValue().openUntil(),
                      e.getValue().at()))
          .toList();
    }
  }
}
