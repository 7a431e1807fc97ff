package dev.hookline.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tenants of an {@link InMemoryStore}, as {@link TenantStore} answers them: deleting a tenant
 * deletes its webhooks in the store's {@link InMemoryWebhooks}, revokes its tokens and drops its
 * unused portal links; tokens expire; a portal code opens one session. Counts changes, so tests can
 * prove a refused request wrote nothing.
 */
public final class InMemoryTenants implements TenantStore {
  private record Token(TenantToken token, String secret, boolean portal, boolean revoked) {}

  private record Link(String tenantId, Instant expiresAt, boolean used) {}

  private final InMemoryWebhooks webhooks;
  private final Map<String, Tenant> byId = new LinkedHashMap<>();
  private final List<Token> tokens = new ArrayList<>();
  private final Map<String, Link> links = new LinkedHashMap<>();
  private final AtomicInteger writes = new AtomicInteger();

  InMemoryTenants(InMemoryWebhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** Creates, edits, deletions, tokens made or revoked, links made or used so far. */
  public int writes() {
    return writes.get();
  }

  /** Whether the tenant exists (not deleted). */
  synchronized boolean exists(String id) {
    return byId.containsKey(id);
  }

  @Override
  public synchronized Optional<Tenant> create(NewTenant t) {
    if (byId.containsKey(t.id())) return Optional.empty();
    writes.incrementAndGet();
    Instant now = Instant.now();
    Tenant tenant = new Tenant(t.id(), t.name(), t.metadata(), now, now);
    byId.put(t.id(), tenant);
    return Optional.of(tenant);
  }

  @Override
  public synchronized Optional<Tenant> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized List<Tenant> list(String search, String after, int limit) {
    List<Tenant> page = new ArrayList<>();
    boolean passed = after == null;
    for (Tenant t : byId.values()) {
      if (!passed) {
        passed = t.id().equals(after);
        continue;
      }
      if (search != null && !matches(t, search.toLowerCase(Locale.ROOT))) continue;
      if (page.size() == limit) break;
      page.add(t);
    }
    return page;
  }

  private static boolean matches(Tenant t, String q) {
    return t.id().toLowerCase(Locale.ROOT).contains(q)
        || t.name().toLowerCase(Locale.ROOT).contains(q);
  }

  @Override
  public synchronized Optional<Tenant> update(String id, TenantPatch patch) {
    Tenant t = byId.get(id);
    if (t == null) return Optional.empty();
    writes.incrementAndGet();
    Tenant updated =
        new Tenant(
            id,
            patch.name().orElse(t.name()),
            patch.metadata().orElse(t.metadata()),
            t.createdAt(),
            Instant.now());
    byId.put(id, updated);
    return Optional.of(updated);
  }

  @Override
  public boolean delete(String id) {
    synchronized (this) {
      if (byId.remove(id) == null) return false;
      writes.incrementAndGet();
      tokens.replaceAll(t -> t.token().tenantId().equals(id) ? revoked(t) : t);
      links.values().removeIf(l -> l.tenantId().equals(id) && !l.used());
    }
    // outside this lock: creating a webhook holds the webhooks' lock and asks whether we exist
    webhooks.deleteTenant(id);
    return true;
  }

  @Override
  public synchronized Optional<CreatedTenantToken> createToken(String tenantId) {
    return Optional.ofNullable(byId.get(tenantId)).map(t -> newToken(tenantId, false, null));
  }

  private CreatedTenantToken newToken(String tenantId, boolean portal, Duration validFor) {
    writes.incrementAndGet();
    Instant now = Instant.now();
    TenantToken token =
        new TenantToken(
            "tok_" + UUID.randomUUID().toString().substring(0, 8),
            tenantId,
            now,
            validFor == null ? null : now.plus(validFor));
    String secret = (portal ? "hlp_" : "hlt_") + UUID.randomUUID();
    tokens.add(new Token(token, secret, portal, false));
    return new CreatedTenantToken(token, secret);
  }

  @Override
  public synchronized List<TenantToken> tokens(String tenantId) {
    return tokens.stream()
        .filter(t -> t.token().tenantId().equals(tenantId) && !t.portal() && !t.revoked())
        .map(Token::token)
        .toList();
  }

  @Override
  public synchronized boolean revokeToken(String tenantId, String tokenId) {
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.token().id().equals(tokenId) && t.token().tenantId().equals(tenantId) && !t.revoked()) {
        writes.incrementAndGet();
        tokens.set(i, revoked(t));
        return true;
      }
    }
    return false;
  }

  private static Token revoked(Token t) {
    return new Token(t.token(), t.secret(), t.portal(), true);
  }

  @Override
  public synchronized Optional<TenantCaller> authenticate(String token) {
    return tokens.stream()
        .filter(
            t -> t.secret().equals(token) && !t.revoked() && byId.containsKey(t.token().tenantId()))
        .filter(t -> t.token().expiresAt() == null || t.token().expiresAt().isAfter(Instant.now()))
        .findFirst()
        .map(t -> new TenantCaller(t.token().tenantId(), t.token().id(), t.portal()));
  }

  @Override
  public synchronized Optional<PortalLink> createPortalLink(String tenantId, Duration validFor) {
    if (!byId.containsKey(tenantId)) return Optional.empty();
    writes.incrementAndGet();
    String code = UUID.randomUUID().toString().replace("-", "");
    Link link = new Link(tenantId, Instant.now().plus(validFor), false);
    links.put(code, link);
    return Optional.of(new PortalLink(code, tenantId, link.expiresAt()));
  }

  @Override
  public synchronized Optional<CreatedTenantToken> redeemPortalLink(
      String code, Duration sessionFor) {
    Link link = links.get(code);
    if (link == null
        || link.used()
        || !link.expiresAt().isAfter(Instant.now())
        || !byId.containsKey(link.tenantId())) return Optional.empty();
    links.put(code, new Link(link.tenantId(), link.expiresAt(), true));
    return Optional.of(newToken(link.tenantId(), true, sessionFor));
  }
}
