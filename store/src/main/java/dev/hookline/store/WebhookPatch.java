package dev.hookline.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A partial update: empty fields are left as they are. Already validated by the caller.
 *
 * <p>Setting {@code active} to true also clears a disabled state ({@code disabledAt} and {@code
 * disabledReason}): re-enabling is how an admin brings back a webhook Hookline turned off.
 *
 * @param resetRetrySchedule true to go back to the default retry schedule; {@code retrySchedule}
 *     must then be empty (an Optional cannot say "set to null")
 * @param filter a new payload filter, already compiled once by the caller
 * @param clearFilter true to remove the filter ({@code "filter": null}); {@code filter} must then
 *     be empty
 * @param rateLimit a new rate limit (deliveries per second)
 * @param clearRateLimit true to make it unlimited ({@code "rateLimit": null}); {@code rateLimit}
 *     must then be empty
 */
public record WebhookPatch(
    Optional<String> name,
    Optional<String> url,
    Optional<String> description,
    Optional<List<String>> events,
    Optional<Boolean> active,
    Optional<Integer> timeoutSeconds,
    Optional<List<Integer>> retrySchedule,
    Optional<Map<String, String>> headers,
    boolean resetRetrySchedule,
    Optional<JsonNode> filter,
    boolean clearFilter,
    Optional<Integer> rateLimit,
    boolean clearRateLimit) {

  public WebhookPatch {
    if (clearRateLimit && rateLimit.isPresent()) {
      throw new IllegalArgumentException("either set a rate limit or clear it, not both");
    }
    if (resetRetrySchedule && retrySchedule.isPresent()) {
      throw new IllegalArgumentException("either set a retry schedule or reset it, not both");
    }
    if (clearFilter && filter.isPresent()) {
      throw new IllegalArgumentException("either set a filter or clear it, not both");
    }
  }

  /** The patch without a filter change (the shape before filters existed). */
  public WebhookPatch(
      Optional<String> name,
      Optional<String> url,
      Optional<String> description,
      Optional<List<String>> events,
      Optional<Boolean> active,
      Optional<Integer> timeoutSeconds,
      Optional<List<Integer>> retrySchedule,
      Optional<Map<String, String>> headers,
      boolean resetRetrySchedule) {
    this(
        name,
        url,
        description,
        events,
        active,
        timeoutSeconds,
        retrySchedule,
        headers,
        resetRetrySchedule,
        Optional.empty(),
        false,
        Optional.empty(),
        false);
  }

  /** The patch without a schedule reset (the shape before {@code resetRetrySchedule} existed). */
  public WebhookPatch(
      Optional<String> name,
      Optional<String> url,
      Optional<String> description,
      Optional<List<String>> events,
      Optional<Boolean> active,
      Optional<Integer> timeoutSeconds,
      Optional<List<Integer>> retrySchedule,
      Optional<Map<String, String>> headers) {
    this(name, url, description, events, active, timeoutSeconds, retrySchedule, headers, false);
  }

  public static WebhookPatch empty() {
    return new WebhookPatch(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty(),
        false,
        Optional.empty(),
        false);
  }

  /** This patch, resetting the retry schedule to the default instead of setting one. */
  public WebhookPatch withRetryScheduleReset() {
    return new WebhookPatch(
        name,
        url,
        description,
        events,
        active,
        timeoutSeconds,
        Optional.empty(),
        headers,
        true,
        filter,
        clearFilter,
        rateLimit,
        clearRateLimit);
  }

  /** This patch, also setting the payload filter. */
  public WebhookPatch withFilter(JsonNode newFilter) {
    return new WebhookPatch(
        name,
        url,
        description,
        events,
        active,
        timeoutSeconds,
        retrySchedule,
        headers,
        resetRetrySchedule,
        Optional.of(newFilter),
        false,
        rateLimit,
        clearRateLimit);
  }

  /** This patch, also removing the payload filter. */
  public WebhookPatch withFilterCleared() {
    return new WebhookPatch(
        name,
        url,
        description,
        events,
        active,
        timeoutSeconds,
        retrySchedule,
        headers,
        resetRetrySchedule,
        Optional.empty(),
        true,
        rateLimit,
        clearRateLimit);
  }

  /** This patch, also setting the rate limit; null makes the webhook unlimited. */
  public WebhookPatch withRateLimit(Integer newRateLimit) {
    return new WebhookPatch(
        name,
        url,
        description,
        events,
        active,
        timeoutSeconds,
        retrySchedule,
        headers,
        resetRetrySchedule,
        filter,
        clearFilter,
        Optional.ofNullable(newRateLimit),
        newRateLimit == null);
  }

  /** Whether it changes nothing. */
  public boolean isEmpty() {
    return equals(empty());
  }
}
