package dev.hookline.store;

/**
 * Which webhooks a list shows.
 *
 * @param search null for all; otherwise matches, case-insensitively, a substring of the name or the
 *     URL, or of one of the subscribed event type names
 * @param active null for all; true for active webhooks, false for inactive ones (a webhook Hookline
 *     disabled stays {@code active} until an admin changes it)
 */
public record WebhookQuery(String search, Boolean active) {
  public WebhookQuery {
    search = search == null || search.isBlank() ? null : search.strip();
  }

  public static WebhookQuery all() {
    return new WebhookQuery(null, null);
  }
}
