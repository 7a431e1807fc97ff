package dev.hookline.admin;

import dev.hookline.store.CreatedTenantToken;
import dev.hookline.store.NewTenant;
import dev.hookline.store.PortalLink;
import dev.hookline.store.Tenant;
import dev.hookline.store.TenantCaller;
import dev.hookline.store.TenantPatch;
import dev.hookline.store.TenantStore;
import dev.hookline.store.TenantToken;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The tenants of an API built without a tenant store: there are none, no tenant token is valid, and
 * creating one answers 503. The single-admin API of before tenants.
 */
final class NoTenants implements TenantStore {
  static final NoTenants INSTANCE = new NoTenants();

  private NoTenants() {}

  private static ApiProblem unavailable() {
    return ApiProblem.unavailable("this server has no tenant store configured");
  }

  @Override
  public Optional<Tenant> create(NewTenant tenant) {
    throw unavailable();
  }

  @Override
  public Optional<Tenant> find(String id) {
    return Optional.empty();
  }

  @Override
  public List<Tenant> list(String search, String after, int limit) {
    return List.of();
  }

  @Override
  public Optional<Tenant> update(String id, TenantPatch patch) {
    return Optional.empty();
  }

  @Override
  public boolean delete(String id) {
    return false;
  }

  @Override
  public Optional<CreatedTenantToken> createToken(String tenantId) {
    return Optional.empty();
  }

  @Override
  public List<TenantToken> tokens(String tenantId) {
    return List.of();
  }

  @Override
  public boolean revokeToken(String tenantId, String tokenId) {
    return false;
  }

  @Override
  public Optional<TenantCaller> authenticate(String token) {
    return Optional.empty();
  }

  @Override
  public Optional<PortalLink> createPortalLink(String tenantId, Duration validFor) {
    return Optional.empty();
  }

  @Override
  public Optional<CreatedTenantToken> redeemPortalLink(String code, Duration sessionFor) {
    return Optional.empty();
  }
}
