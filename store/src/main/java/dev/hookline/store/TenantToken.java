package dev.hookline.store;

import java.time.Instant;

/**
 * A tenant token as listed: its id and when it was made, never the token itself (only a hash of it
 * is stored).
 *
 * @param expiresAt null for an API token, which lives until revoked; a portal session's end
 */
public record TenantToken(String id, String tenantId, Instant createdAt, Instant expiresAt) {}
