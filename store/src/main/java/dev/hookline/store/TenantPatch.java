package dev.hookline.store;

import java.util.Map;
import java.util.Optional;

/** A partial update of a tenant: empty fields are left as they are. Already validated. */
public record TenantPatch(Optional<String> name, Optional<Map<String, String>> metadata) {
  public boolean isEmpty() {
    return name.isEmpty() && metadata.isEmpty();
  }
}
