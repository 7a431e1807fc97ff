package dev.hookline.producer;

/**
 * Per-event options of {@link EventPublisher#publish(String,
 * com.fasterxml.jackson.databind.JsonNode, PublishOptions)}. Immutable; start from {@link #none()}:
 *
 * <pre>{@code
 * events.publish("payment_received", data, PublishOptions.none().withTenant("acme"));
 * }</pre>
 *
 * @param key the partition key; null or blank for the event's main id (see {@link EventPublisher})
 * @param tenant the tenant the event belongs to (CloudEvents extension {@code tenant}, header
 *     {@code ce_tenant}): only that tenant's webhooks and the network-wide ones receive it. Null
 *     for an event of the whole platform. Checked when publishing: 1 to 64 of {@code A-Z a-z 0-9 .
 *     _ : -}.
 */
public record PublishOptions(String key, String tenant) {
  private static final PublishOptions NONE = new PublishOptions(null, null);

  /** No key, no tenant. */
  public static PublishOptions none() {
    return NONE;
  }

  public PublishOptions withKey(String newKey) {
    return new PublishOptions(newKey, tenant);
  }

  public PublishOptions withTenant(String newTenant) {
    return new PublishOptions(key, newTenant);
  }
}
