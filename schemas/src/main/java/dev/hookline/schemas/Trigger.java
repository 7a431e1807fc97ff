package dev.hookline.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a delivery attempt was made. */
public enum Trigger {
  EVENT,
  RETRY,
  MANUAL,
  TEST;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Trigger fromWireName(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
