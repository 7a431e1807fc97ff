package dev.hookline.store;

import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own migrated store on a fresh database of the shared {@link TestPostgres}: opened
 * before the class's first test, closed after its last. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final FreshStore store = FreshStore.withWebhook("payment_received");
 * }</pre>
 */
public final class FreshStore implements BeforeAllCallback, AfterAllCallback {
  private final String webhookEvent;
  private Database db;
  private UUID webhook;

  private FreshStore(String webhookEvent) {
    this.webhookEvent = webhookEvent;
  }

  /** An empty store. */
  public static FreshStore empty() {
    return new FreshStore(null);
  }

  /** A store holding one webhook ({@link #webhook()}) subscribed to {@code event}. */
  public static FreshStore withWebhook(String event) {
    return new FreshStore(event);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    db = TestPostgres.freshStore();
    if (webhookEvent != null) webhook = newWebhook(webhookEvent);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (db != null) db.close();
    db = null;
  }

  public Database db() {
    if (db == null) throw new IllegalStateException("the store opens before the class's tests");
    return db;
  }

  /** The webhook made when the store opened ({@link #withWebhook}). */
  public UUID webhook() {
    if (webhook == null) throw new IllegalStateException("made without a webhook");
    return webhook;
  }

  /** A new webhook subscribed to {@code event}. */
  public UUID newWebhook(String event) {
    return db().webhooks().create(WebhookStoreTest.zapier(event)).webhook().id();
  }

  public AttemptRecorder attempts() {
    return db().attempts();
  }

  public DeliveryStore deliveries() {
    return db().deliveries();
  }

  public WebhookStore webhooks() {
    return db().webhooks();
  }
}
