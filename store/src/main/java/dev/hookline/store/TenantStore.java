package dev.hookline.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Tenants, their tokens and their portal links in PostgreSQL. Deleted tenants are kept as rows
 * (their webhooks' history stays until retention) and are invisible here.
 */
public interface TenantStore {
  /**
   * Creates the tenant; empty when a tenant with this id exists. The id of a deleted tenant can be
   * taken again: it comes back without its old webhooks and tokens.
   */
  Optional<Tenant> create(NewTenant tenant);

  /** The tenant, unless unknown or deleted. */
  Optional<Tenant> find(String id);

  /**
   * Tenants, oldest first, after the tenant {@code after} (null for the first page); {@code search}
   * (null for all) matches a substring of the id or the name, case-insensitively.
   */
  List<Tenant> list(String search, String after, int limit);

  /** Applies the patch; empty when the tenant is unknown or deleted. */
  Optional<Tenant> update(String id, TenantPatch patch);

  /**
   * Deletes the tenant and, in the same transaction, its webhooks (each with a routing tombstone in
   * the outbox, so they stop receiving as soon as the router has it), its tokens and its unused
   * portal links. Delivery history stays until retention. False when unknown or already deleted.
   */
  boolean delete(String id);

  /** A new API token of the tenant; empty when the tenant is unknown or deleted. */
  Optional<CreatedTenantToken> createToken(String tenantId);

  /** The tenant's API tokens not revoked, oldest first (never the tokens themselves). */
  List<TenantToken> tokens(String tenantId);

  /** Revokes one token of the tenant; false when it has no such token or it is revoked already. */
  boolean revokeToken(String tenantId, String tokenId);

  /**
   * Who the token belongs to: a token not revoked, not expired, of a tenant not deleted; empty
   * otherwise.
   */
  Optional<TenantCaller> authenticate(String token);

  /** A one-time portal sign-in code valid for {@code validFor}; empty when the tenant is gone. */
  Optional<PortalLink> createPortalLink(String tenantId, Duration validFor);

  /**
   * Uses a portal code: the first call within its validity opens a portal session of {@code
   * sessionFor} (a token), every later one is empty, as is an unknown or expired code or one of a
   * deleted tenant.
   */
  Optional<CreatedTenantToken> redeemPortalLink(String code, Duration sessionFor);
}
