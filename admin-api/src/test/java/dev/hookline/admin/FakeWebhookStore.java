package dev.hookline.admin;

import dev.hookline.store.CreatedWebhook;
import dev.hookline.store.NewWebhook;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookListing;
import dev.hookline.store.WebhookPatch;
import dev.hookline.store.WebhookQuery;
import dev.hookline.store.WebhookStats;
import dev.hookline.store.WebhookStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory {@link WebhookStore}; counts the changes made so tests can prove bad input wrote
 * nothing.
 */
final class FakeWebhookStore implements WebhookStore {
  private final Map<UUID, Webhook> byId = new java.util.LinkedHashMap<>();
  private final AtomicInteger writes = new AtomicInteger();

  /** Counters the test sets; webhooks without are {@link WebhookStats#NONE}. */
  final Map<UUID, WebhookStats> stats = new java.util.concurrent.ConcurrentHashMap<>();

  private long nextId = 1;

  /** Which tenants exist (the {@link FakeTenantStore} says, when there is one). */
  volatile java.util.function.Predicate<String> tenantExists = id -> false;

  int writes() {
    return writes.get();
  }

  @Override
  public synchronized CreatedWebhook create(NewWebhook w) {
    if (w.tenant() != null && !tenantExists.test(w.tenant()))
      throw new dev.hookline.store.UnknownTenantException(w.tenant());
    writes.incrementAndGet();
    // ascending ids, so "oldest first, after id" paging is id order like in Postgres (UUIDv7)
    UUID id = new UUID(0x0190000000007000L, nextId++);
    Instant now = Instant.now();
    Webhook webhook =
        new Webhook(
            id,
            1,
            w.name(),
            w.url(),
            w.description(),
            w.events(),
            w.active(),
            null,
            null,
            w.timeoutSeconds(),
            w.retrySchedule(),
            w.headers(),
            now,
            now,
            w.tenant());
    byId.put(id, webhook);
    return new CreatedWebhook(webhook, "whsec_" + id.toString().replace("-", ""));
  }

  @Override
  public synchronized Optional<Webhook> find(UUID id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized List<Webhook> list(UUID after, int limit) {
    List<Webhook> page = new ArrayList<>();
    for (Webhook w : byId.values()) {
      if (after != null && w.id().compareTo(after) <= 0) continue;
      if (page.size() == limit) break;
      page.add(w);
    }
    return page;
  }

  @Override
  public synchronized Optional<Webhook> update(UUID id, WebhookPatch p) {
    Webhook w = byId.get(id);
    if (w == null) return Optional.empty();
    writes.incrementAndGet();
    boolean reenable = p.active().orElse(false);
    Webhook updated =
        new Webhook(
            id,
            w.version() + 1,
            p.name().orElse(w.name()),
            p.url().orElse(w.url()),
            p.description().orElse(w.description()),
            p.events().orElse(w.events()),
            p.active().orElse(w.active()),
            reenable ? null : w.disabledAt(),
            reenable ? null : w.disabledReason(),
            p.timeoutSeconds().orElse(w.timeoutSeconds()),
            p.resetRetrySchedule() ? null : p.retrySchedule().orElse(w.retrySchedule()),
            p.headers().orElse(w.headers()),
            w.createdAt(),
            Instant.now(),
            w.tenant());
    byId.put(id, updated);
    return Optional.of(updated);
  }

  /** What the worker does after a 410 Gone. */
  synchronized void disable(UUID id, String reason) {
    Webhook w = byId.get(id);
    byId.put(
        id,
        new Webhook(
            id,
            w.version() + 1,
            w.name(),
            w.url(),
            w.description(),
            w.events(),
            w.active(),
            Instant.now(),
            reason,
            w.timeoutSeconds(),
            w.retrySchedule(),
            w.headers(),
            w.createdAt(),
            Instant.now(),
            w.tenant()));
  }

  @Override
  public synchronized List<WebhookListing> list(WebhookQuery query, UUID after, int limit) {
    List<WebhookListing> page = new ArrayList<>();
    for (Webhook w : byId.values()) {
      if (after != null && w.id().compareTo(after) <= 0) continue;
      if (query.active() != null && w.active() != query.active()) continue;
      if (query.tenant() != null && !query.tenant().equals(w.tenant())) continue;
      if (query.search() != null && !matches(w, query.search().toLowerCase(Locale.ROOT))) continue;
      if (page.size() == limit) break;
      page.add(new WebhookListing(w, stats.getOrDefault(w.id(), WebhookStats.NONE)));
    }
    return page;
  }

  private static boolean matches(Webhook w, String q) {
    return w.name().toLowerCase(Locale.ROOT).contains(q)
        || w.url().toLowerCase(Locale.ROOT).contains(q)
        || w.events().stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).contains(q));
  }

  @Override
  public synchronized Optional<WebhookListing> findListing(UUID id) {
    return find(id).map(w -> new WebhookListing(w, stats.getOrDefault(id, WebhookStats.NONE)));
  }

  @Override
  public synchronized Optional<CreatedWebhook> rotateSecret(UUID id) {
    Webhook w = byId.get(id);
    if (w == null) return Optional.empty();
    writes.incrementAndGet();
    Webhook rotated =
        new Webhook(
            id,
            w.version() + 1,
            w.name(),
            w.url(),
            w.description(),
            w.events(),
            w.active(),
            w.disabledAt(),
            w.disabledReason(),
            w.timeoutSeconds(),
            w.retrySchedule(),
            w.headers(),
            w.createdAt(),
            Instant.now(),
            w.tenant());
    byId.put(id, rotated);
    return Optional.of(new CreatedWebhook(rotated, "whsec_rotated" + rotated.version()));
  }

  /** What deleting a tenant does to its webhooks. */
  synchronized void deleteTenant(String tenant) {
    if (byId.values().removeIf(w -> tenant.equals(w.tenant()))) writes.incrementAndGet();
  }

  @Override
  public synchronized boolean delete(UUID id) {
    boolean removed = byId.remove(id) != null;
    if (removed) writes.incrementAndGet();
    return removed;
  }

  @Override
  public synchronized Optional<SigningSecrets> secrets(UUID id) {
    return find(id).map(w -> new SigningSecrets("whsec_test", null, null));
  }
}
