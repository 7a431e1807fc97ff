package dev.hookline.store;

import java.util.Locale;

/** Lifecycle of a delivery (one event to one webhook). */
public enum DeliveryStatus {
  PENDING,
  SUCCEEDED,
  RETRYING,
  FAILED,
  CANCELLED;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryStatus fromDbName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
