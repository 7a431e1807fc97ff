package dev.hookline.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A partial update: empty fields are left as they are. Already validated by the caller. */
public record WebhookPatch(
    Optional<String> name,
    Optional<String> url,
    Optional<String> description,
    Optional<List<String>> events,
    Optional<Boolean> active,
    Optional<Integer> timeoutSeconds,
    Optional<List<Integer>> retrySchedule,
    Optional<Map<String, String>> headers) {

  public static WebhookPatch empty() {
    return new WebhookPatch(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
