package dev.hookline.schemas;

import java.util.regex.Pattern;

/** Kafka topic names and header keys shared by every module (see docs/design.md, "Kafka"). */
public final class Topics {
  public static final String EVENTS_PREFIX = "events.";
  public static final Pattern EVENTS_PATTERN = Pattern.compile("events\\..*");
  public static final String SUBSCRIPTIONS = "hookline.subscriptions";
  public static final String DELIVERIES = "hookline.deliveries";
  public static final String DEAD_LETTER = "hookline.dead-letter";
  public static final String INVALID_EVENTS = "hookline.invalid-events";
  public static final String HOOKLINE_EVENTS = "events.hookline";

  public static final String DISPATCHER_SHARE_GROUP = "hookline-dispatchers";
  public static final String ROUTER_APPLICATION_ID = "hookline-router";

  /** Header carrying the reason an event was sent to {@link #INVALID_EVENTS}. */
  public static final String INVALID_REASON_HEADER = "hookline_invalid_reason";

  private Topics() {}

  /**
   * The topic an event type's domain publishes to, e.g. {@code payments} gives {@code
   * events.payments}.
   */
  public static String eventsTopic(String domain) {
    return EVENTS_PREFIX + domain;
  }
}
