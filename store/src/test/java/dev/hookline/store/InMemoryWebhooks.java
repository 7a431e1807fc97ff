package dev.hookline.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The webhooks of an {@link InMemoryStore}, as {@link WebhookStore} (and so {@link WebhookLookup})
 * answers them: ids ascending like PostgreSQL's UUIDv7 (so "oldest first, after id" paging is id
 * order), versions bumped on every change, real signing secrets, rotation with the grace period.
 * Counts reads and writes, so tests can prove bad input wrote nothing; fails every call while
 * {@link #failWith} is set.
 */
public final class InMemoryWebhooks implements WebhookStore {
  private final Map<UUID, Webhook> byId = new LinkedHashMap<>();
  private final Map<UUID, SigningSecrets> secrets = new LinkedHashMap<>();
  private final Map<UUID, WebhookStats> stats = new LinkedHashMap<>();
  private final Map<UUID, String> tenantOfAnyEver = new LinkedHashMap<>(); // deleted ones included
  private final Predicate<String> tenantExists;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger finds = new AtomicInteger();
  private volatile RuntimeException failure;
  private long nextId = 1;

  /**
   * @param tenantExists whether a tenant exists, asked while holding this object's lock
   */
  InMemoryWebhooks(Predicate<String> tenantExists) {
    this.tenantExists = tenantExists;
  }

  /** Puts a webhook as it is, signed with {@link TestWebhooks#SECRET}. */
  public Webhook add(Webhook webhook) {
    return add(webhook, new SigningSecrets(TestWebhooks.SECRET, null, null));
  }

  /** Puts a webhook as it is, with these secrets. */
  public synchronized Webhook add(Webhook webhook, SigningSecrets signing) {
    byId.put(webhook.id(), webhook);
    secrets.put(webhook.id(), signing);
    if (webhook.tenant() != null) tenantOfAnyEver.put(webhook.id(), webhook.tenant());
    return webhook;
  }

  /** The delivery counters {@link #list(WebhookQuery, UUID, int)} shows for a webhook. */
  public synchronized void stats(UUID id, WebhookStats counters) {
    stats.put(id, counters);
  }

  /** What the delivery engine does after a 410 Gone; empty when unknown or already disabled. */
  public synchronized Optional<Webhook> disable(UUID id, String reason, Instant at) {
    Webhook w = byId.get(id);
    if (w == null || w.disabledAt() != null) return Optional.empty();
    Webhook off =
        TestWebhooks.WebhookBuilder.from(w)
            .version(w.version() + 1)
            .disabled(at, reason)
            .updatedAt(at)
            .build();
    byId.put(id, off);
    return Optional.of(off);
  }

  /** Every call throws {@code e} from now on; null answers again. */
  public void failWith(RuntimeException e) {
    failure = e;
  }

  /** Creates, updates, rotations and deletions so far. */
  public int writes() {
    return writes.get();
  }

  /** Calls of {@link #find} so far (how often a cache went to the store). */
  public int finds() {
    return finds.get();
  }

  @Override
  public synchronized CreatedWebhook create(NewWebhook w) {
    check();
    if (w.tenant() != null && !tenantExists.test(w.tenant()))
      throw new UnknownTenantException(w.tenant());
    writes.incrementAndGet();
    UUID id = new UUID(0x0190000000007000L, nextId++);
    Instant now = Instant.now();
    Webhook webhook =
        TestWebhooks.webhook()
            .id(id)
            .name(w.name())
            .url(w.url())
            .description(w.description())
            .events(w.events())
            .active(w.active())
            .timeoutSeconds(w.timeoutSeconds())
            .retrySchedule(w.retrySchedule())
            .headers(w.headers())
            .tenant(w.tenant())
            .filter(w.filter())
            .rateLimit(w.rateLimit())
            .createdAt(now)
            .updatedAt(now)
            .build();
    String secret = SecretCipher.generateSigningSecret();
    add(webhook, new SigningSecrets(secret, null, null));
    return new CreatedWebhook(webhook, secret);
  }

  @Override
  public synchronized Optional<Webhook> find(UUID id) {
    finds.incrementAndGet();
    check();
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized Optional<SigningSecrets> secrets(UUID id) {
    check();
    return byId.containsKey(id) ? Optional.ofNullable(secrets.get(id)) : Optional.empty();
  }

  @Override
  public synchronized List<Webhook> list(UUID after, int limit) {
    check();
    return inIdOrder().stream()
        .filter(w -> after == null || w.id().compareTo(after) > 0)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized List<WebhookListing> list(WebhookQuery query, UUID after, int limit) {
    check();
    List<WebhookListing> page = new ArrayList<>();
    for (Webhook w : inIdOrder()) {
      if (after != null && w.id().compareTo(after) <= 0) continue;
      if (query.active() != null && w.active() != query.active()) continue;
      if (query.tenant() != null && !query.tenant().equals(w.tenant())) continue;
      if (query.search() != null && !matches(w, query.search().toLowerCase(Locale.ROOT))) continue;
      if (page.size() == limit) break;
      page.add(listing(w));
    }
    return page;
  }

  @Override
  public synchronized Optional<WebhookListing> findListing(UUID id) {
    check();
    return Optional.ofNullable(byId.get(id)).map(this::listing);
  }

  @Override
  public synchronized Optional<Webhook> update(UUID id, WebhookPatch p) {
    check();
    Webhook w = byId.get(id);
    if (w == null) return Optional.empty();
    writes.incrementAndGet();
    boolean reenable = p.active().orElse(false);
    Webhook updated =
        TestWebhooks.WebhookBuilder.from(w)
            .version(w.version() + 1)
            .name(p.name().orElse(w.name()))
            .url(p.url().orElse(w.url()))
            .description(p.description().orElse(w.description()))
            .events(p.events().orElse(w.events()))
            .active(p.active().orElse(w.active()))
            .disabled(reenable ? null : w.disabledAt(), reenable ? null : w.disabledReason())
            .timeoutSeconds(p.timeoutSeconds().orElse(w.timeoutSeconds()))
            .retrySchedule(
                p.resetRetrySchedule() ? null : p.retrySchedule().orElse(w.retrySchedule()))
            .headers(p.headers().orElse(w.headers()))
            .filter(p.clearFilter() ? null : p.filter().orElse(w.filter()))
            .rateLimit(p.clearRateLimit() ? null : p.rateLimit().orElse(w.rateLimit()))
            .updatedAt(Instant.now())
            .build();
    byId.put(id, updated);
    return Optional.of(updated);
  }

  @Override
  public synchronized Optional<CreatedWebhook> rotateSecret(UUID id) {
    check();
    Webhook w = byId.get(id);
    if (w == null) return Optional.empty();
    writes.incrementAndGet();
    Instant now = Instant.now();
    Webhook rotated =
        TestWebhooks.WebhookBuilder.from(w).version(w.version() + 1).updatedAt(now).build();
    String secret = SecretCipher.generateSigningSecret();
    byId.put(id, rotated);
    secrets.put(
        id, new SigningSecrets(secret, secrets.get(id).current(), now.plus(PREVIOUS_SECRET_GRACE)));
    return Optional.of(new CreatedWebhook(rotated, secret));
  }

  @Override
  public synchronized boolean delete(UUID id) {
    check();
    boolean removed = byId.remove(id) != null;
    if (removed) writes.incrementAndGet();
    return removed;
  }

  /** What deleting a tenant does to its webhooks. */
  synchronized void deleteTenant(String tenant) {
    if (byId.values().removeIf(w -> tenant.equals(w.tenant()))) writes.incrementAndGet();
  }

  /**
   * Whether the webhook, deleted or not, is (was) the tenant's; {@code live} also asks that it is
   * not deleted.
   */
  synchronized boolean ofTenant(UUID id, String tenant, boolean live) {
    return tenant.equals(tenantOfAnyEver.get(id)) && (!live || byId.containsKey(id));
  }

  private List<Webhook> inIdOrder() {
    return byId.values().stream().sorted(Comparator.comparing(Webhook::id)).toList();
  }

  private WebhookListing listing(Webhook w) {
    return new WebhookListing(w, stats.getOrDefault(w.id(), WebhookStats.NONE));
  }

  private static boolean matches(Webhook w, String q) {
    return w.name().toLowerCase(Locale.ROOT).contains(q)
        || w.url().toLowerCase(Locale.ROOT).contains(q)
        || w.events().stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).contains(q));
  }

  private void check() {
    RuntimeException e = failure;
    if (e != null) throw e;
  }
}
