package dev.hookline.store;

import java.time.Instant;

/**
 * A one-time portal sign-in code just made (only a hash of it is stored): it opens one portal
 * session of {@code tenantId} until {@code expiresAt}, once.
 */
public record PortalLink(String code, String tenantId, Instant expiresAt) {}
