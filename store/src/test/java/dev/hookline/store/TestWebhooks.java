package dev.hookline.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test data builders for webhooks: every field has a plain default, so a test names only what it is
 * about, e.g. {@code TestWebhooks.newWebhook().events("invoice_sent").active(false).build()}.
 */
public final class TestWebhooks {
  /** The Standard Webhooks specification's test secret, the default of {@link InMemoryWebhooks}. */
  public static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private TestWebhooks() {}

  /** What an admin gives to create a webhook: "Zapier Integration", for payment_received. */
  public static NewWebhookBuilder newWebhook() {
    return new NewWebhookBuilder();
  }

  /** A webhook as stored: version 1, active, for payment_received, created 2026-11-01. */
  public static WebhookBuilder webhook() {
    return new WebhookBuilder();
  }

  /** Builds a {@link NewWebhook}. */
  public static final class NewWebhookBuilder {
    private String name = "Zapier Integration";
    private String url = "https://hooks.example.com/zap";
    private String description = "";
    private List<String> events = List.of("payment_received");
    private boolean active = true;
    private int timeoutSeconds = 15;
    private List<Integer> retrySchedule;
    private Map<String, String> headers = Map.of();
    private String tenant;
    private JsonNode filter;
    private Integer rateLimit;

    private NewWebhookBuilder() {}

    public NewWebhookBuilder name(String value) {
      name = value;
      return this;
    }

    public NewWebhookBuilder url(String value) {
      url = value;
      return this;
    }

    public NewWebhookBuilder description(String value) {
      description = value;
      return this;
    }

    public NewWebhookBuilder events(String... types) {
      return events(List.of(types));
    }

    public NewWebhookBuilder events(List<String> types) {
      events = types;
      return this;
    }

    public NewWebhookBuilder active(boolean value) {
      active = value;
      return this;
    }

    public NewWebhookBuilder timeoutSeconds(int value) {
      timeoutSeconds = value;
      return this;
    }

    /** Delays in seconds after the first attempt; null for the default schedule. */
    public NewWebhookBuilder retrySchedule(List<Integer> delays) {
      retrySchedule = delays;
      return this;
    }

    public NewWebhookBuilder headers(Map<String, String> value) {
      headers = value;
      return this;
    }

    /** The tenant it belongs to (it must exist); null (the default) for a network-wide webhook. */
    public NewWebhookBuilder tenant(String value) {
      tenant = value;
      return this;
    }

    /** Its payload filter; null (the default) for none. */
    public NewWebhookBuilder filter(JsonNode value) {
      filter = value;
      return this;
    }

    /** Its rate limit per second; null (the default) for unlimited. */
    public NewWebhookBuilder rateLimit(Integer value) {
      rateLimit = value;
      return this;
    }

    public NewWebhook build() {
      return new NewWebhook(
          name,
          url,
          description,
          events,
          active,
          timeoutSeconds,
          retrySchedule,
          headers,
          tenant,
          filter,
          rateLimit);
    }
  }

  /** Builds a {@link Webhook}. */
  public static final class WebhookBuilder {
    private UUID id = UUID.randomUUID();
    private long version = 1;
    private String name = "test hook";
    private String url = "https://hooks.example.com/test";
    private String description = "";
    private List<String> events = List.of("payment_received");
    private boolean active = true;
    private Instant disabledAt;
    private String disabledReason;
    private int timeoutSeconds = 15;
    private List<Integer> retrySchedule;
    private Map<String, String> headers = Map.of();
    private Instant createdAt = Instant.parse("2026-11-01T00:00:00Z");
    private Instant updatedAt = createdAt;
    private String tenant;
    private JsonNode filter;
    private Integer rateLimit;

    private WebhookBuilder() {}

    /** A builder holding every field of {@code webhook}, to change some. */
    public static WebhookBuilder from(Webhook webhook) {
      return new WebhookBuilder()
          .id(webhook.id())
          .version(webhook.version())
          .name(webhook.name())
          .url(webhook.url())
          .description(webhook.description())
          .events(webhook.events())
          .active(webhook.active())
          .disabled(webhook.disabledAt(), webhook.disabledReason())
          .timeoutSeconds(webhook.timeoutSeconds())
          .retrySchedule(webhook.retrySchedule())
          .headers(webhook.headers())
          .createdAt(webhook.createdAt())
          .updatedAt(webhook.updatedAt())
          .tenant(webhook.tenant())
          .filter(webhook.filter())
          .rateLimit(webhook.rateLimit());
    }

    public WebhookBuilder id(UUID value) {
      id = value;
      return this;
    }

    public WebhookBuilder version(long value) {
      version = value;
      return this;
    }

    public WebhookBuilder name(String value) {
      name = value;
      return this;
    }

    public WebhookBuilder url(String value) {
      url = value;
      return this;
    }

    public WebhookBuilder description(String value) {
      description = value;
      return this;
    }

    public WebhookBuilder events(String... types) {
      return events(List.of(types));
    }

    public WebhookBuilder events(List<String> types) {
      events = types;
      return this;
    }

    public WebhookBuilder active(boolean value) {
      active = value;
      return this;
    }

    /** Disabled by Hookline at {@code at} (null: enabled) for {@code reason}. */
    public WebhookBuilder disabled(Instant at, String reason) {
      disabledAt = at;
      disabledReason = reason;
      return this;
    }

    public WebhookBuilder timeoutSeconds(int value) {
      timeoutSeconds = value;
      return this;
    }

    public WebhookBuilder retrySchedule(List<Integer> delays) {
      retrySchedule = delays;
      return this;
    }

    public WebhookBuilder headers(Map<String, String> value) {
      headers = value;
      return this;
    }

    public WebhookBuilder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    public WebhookBuilder updatedAt(Instant value) {
      updatedAt = value;
      return this;
    }

    /** The tenant it belongs to; null (the default) for a network-wide webhook. */
    public WebhookBuilder tenant(String value) {
      tenant = value;
      return this;
    }

    /** Its payload filter; null (the default) for none. */
    public WebhookBuilder filter(JsonNode value) {
      filter = value;
      return this;
    }

    /** Its rate limit per second; null (the default) for unlimited. */
    public WebhookBuilder rateLimit(Integer value) {
      rateLimit = value;
      return this;
    }

    public Webhook build() {
      return new Webhook(
          id,
          version,
          name,
          url,
          description,
          events,
          active,
          disabledAt,
          disabledReason,
          timeoutSeconds,
          retrySchedule,
          headers,
          createdAt,
          updatedAt,
          tenant,
          filter,
          rateLimit);
    }
  }
}
