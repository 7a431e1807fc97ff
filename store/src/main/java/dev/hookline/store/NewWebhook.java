package dev.hookline.store;

import java.util.List;
import java.util.Map;

/** What an admin gives to create a webhook; already validated by the caller. */
public record NewWebhook(
    String name,
    String url,
    String description,
    List<String> events,
    boolean active,
    int timeoutSeconds,
    List<Integer> retrySchedule,
    Map<String, String> headers) {

  public NewWebhook {
    events = List.copyOf(events);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    retrySchedule = retrySchedule == null ? null : List.copyOf(retrySchedule);
    description = description == null ? "" : description;
  }
}
