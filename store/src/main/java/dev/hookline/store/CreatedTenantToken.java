package dev.hookline.store;

/** A tenant token just made, with the token itself, shown this once. */
public record CreatedTenantToken(TenantToken token, String secret) {}
