package dev.hookline.store;

/**
 * Who a valid tenant token belongs to.
 *
 * @param tokenId the token's id (as listed), for logs
 * @param portal true for a portal session (opened by a one-time link), false for an API token
 */
public record TenantCaller(String tenantId, String tokenId, boolean portal) {}
