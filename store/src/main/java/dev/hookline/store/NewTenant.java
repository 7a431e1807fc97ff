package dev.hookline.store;

import java.util.Map;

/** What the platform gives to create a tenant; already validated by the caller. */
public record NewTenant(String id, String name, Map<String, String> metadata) {
  public NewTenant {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
