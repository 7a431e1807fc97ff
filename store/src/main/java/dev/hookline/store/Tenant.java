package dev.hookline.store;

import java.time.Instant;
import java.util.Map;

/**
 * A customer of the platform (docs/design.md, "Tenants").
 *
 * @param id the platform's own id, 1 to 64 of {@code A-Z a-z 0-9 . _ : -}
 * @param metadata the platform's own key-value pairs, e.g. its customer number
 */
public record Tenant(
    String id, String name, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {
  public Tenant {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
