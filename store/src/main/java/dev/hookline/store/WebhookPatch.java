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

  public static WebhookPatch empty() {
    return builder().build();
  }

  /** A builder for a patch that changes only the fields it is given. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this patch. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.url = url;
    b.description = description;
    b.events = events;
    b.active = active;
    b.timeoutSeconds = timeoutSeconds;
    b.retrySchedule = retrySchedule;
    b.headers = headers;
    b.resetRetrySchedule = resetRetrySchedule;
    b.filter = filter;
    b.clearFilter = clearFilter;
    b.rateLimit = rateLimit;
    b.clearRateLimit = clearRateLimit;
    return b;
  }

  /** This patch, resetting the retry schedule to the default instead of setting one. */
  public WebhookPatch withRetryScheduleReset() {
    return toBuilder().resetRetrySchedule().build();
  }

  /** This patch, also setting the payload filter. */
  public WebhookPatch withFilter(JsonNode newFilter) {
    return toBuilder().filter(newFilter).build();
  }

  /** This patch, also removing the payload filter. */
  public WebhookPatch withFilterCleared() {
    return toBuilder().clearFilter().build();
  }

  /** This patch, also setting the rate limit; null makes the webhook unlimited. */
  public WebhookPatch withRateLimit(Integer newRateLimit) {
    return toBuilder().rateLimit(newRateLimit).build();
  }

  /**
   * Collects the fields to change; each setter replaces what an earlier one set for its field, so
   * setting a schedule after a reset (or a filter after clearing it) keeps only the last.
   */
  public static final class Builder {
    private Optional<String> name = Optional.empty();
    private Optional<String> url = Optional.empty();
    private Optional<String> description = Optional.empty();
    private Optional<List<String>> events = Optional.empty();
    private Optional<Boolean> active = Optional.empty();
    private Optional<Integer> timeoutSeconds = Optional.empty();
    private Optional<List<Integer>> retrySchedule = Optional.empty();
    private Optional<Map<String, String>> headers = Optional.empty();
    private boolean resetRetrySchedule;
    private Optional<JsonNode> filter = Optional.empty();
    private boolean clearFilter;
    private Optional<Integer> rateLimit = Optional.empty();
    private boolean clearRateLimit;

    private Builder() {}

    public Builder name(String value) {
      name = Optional.of(value);
      return this;
    }

    public Builder url(String value) {
      url = Optional.of(value);
      return this;
    }

    public Builder description(String value) {
      description = Optional.of(value);
      return this;
    }

    public Builder events(List<String> value) {
      events = Optional.of(value);
      return this;
    }

    public Builder active(boolean value) {
      active = Optional.of(value);
      return this;
    }

    public Builder timeoutSeconds(int value) {
      timeoutSeconds = Optional.of(value);
      return this;
    }

    public Builder retrySchedule(List<Integer> value) {
      retrySchedule = Optional.of(value);
      resetRetrySchedule = false;
      return this;
    }

    /** Back to the default retry schedule. */
    public Builder resetRetrySchedule() {
      retrySchedule = Optional.empty();
      resetRetrySchedule = true;
      return this;
    }

    public Builder headers(Map<String, String> value) {
      headers = Optional.of(value);
      return this;
    }

    public Builder filter(JsonNode value) {
      filter = Optional.of(value);
      clearFilter = false;
      return this;
    }

    public Builder clearFilter() {
      filter = Optional.empty();
      clearFilter = true;
      return this;
    }

    /** A rate limit in deliveries per second; null makes the webhook unlimited. */
    public Builder rateLimit(Integer value) {
      rateLimit = Optional.ofNullable(value);
      clearRateLimit = value == null;
      return this;
    }

    public WebhookPatch build() {
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
          rateLimit,
          clearRateLimit);
    }
  }

  /** Whether it changes nothing. */
  public boolean isEmpty() {
    return equals(empty());
  }
}
