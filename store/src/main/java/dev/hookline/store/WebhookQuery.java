package dev.hookline.store;

/**
 * Which webhooks a list shows.
 *
 * @param search null for all; otherwise matches, case-insensitively, a substring of the name or the
 *     URL, or of one of the subscribed event type names
 * @param active null for all; true for active webhooks, false for inactive ones (a webhook Hookline
 *     disabled stays {@code active} until an admin changes it)
 * @param tenant null for all; otherwise only that tenant's webhooks
 */
public record WebhookQuery(String search, Boolean active, String tenant) {
  public WebhookQuery {
    search = search == null || search.isBlank() ? null : search.strip();
  }

  public static WebhookQuery all() {
    return new WebhookQuery(null, null, null);
  }

  /** The same query, only of the tenant's webhooks (null: of all). */
  public WebhookQuery withTenant(String newTenant) {
    return new WebhookQuery(search, active, newTenant);
  }
}
