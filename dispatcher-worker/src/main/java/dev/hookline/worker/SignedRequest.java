package dev.hookline.worker;

import dev.hookline.schemas.Event;
import dev.hookline.store.SigningSecrets;
import dev.hookline.store.Webhook;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The request of one attempt, per the Standard Webhooks spec: the JSON body ({@link
 * PayloadWriter}), the webhook's own headers, then {@code webhook-id}, {@code webhook-timestamp}
 * and {@code webhook-signature} ({@link Signer}, every secret active at the attempt's start).
 */
final class SignedRequest {
  private static final ContentType JSON = ContentType.create("application/json");

  /** Headers a webhook's custom headers may not set: ours, or ones that would break the framing. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "content-type",
          "content-length",
          "transfer-encoding",
          "host",
          "connection",
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "user-agent",
          "expect",
          "upgrade");

  private SignedRequest() {}

  /**
   * @param webhookId the message id: one per event, the same on every attempt (EventIdentity)
   * @throws RuntimeException for a bad URL, secret or header value
   */
  static HttpPost post(
      Webhook webhook,
      SigningSecrets secrets,
      Event event,
      String webhookId,
      String userAgent,
      Instant startedAt) {
    byte[] body = PayloadWriter.body(event);
    long timestamp = startedAt.getEpochSecond();
    HttpPost post = new HttpPost(URI.create(webhook.url()));
    webhook
        .headers()
        .forEach(
            (name, value) -> {
              if (name != null
                  && value != null
                  && !RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                post.addHeader(name, value);
              }
            });
    post.setHeader("user-agent", userAgent);
    post.setHeader("webhook-id", webhookId);
    post.setHeader("webhook-timestamp", Long.toString(timestamp));
    post.setHeader(
        "webhook-signature",
        Signer.signatureHeader(secrets.activeAt(startedAt), webhookId, timestamp, body));
    post.setEntity(new ByteArrayEntity(body, JSON));
    return post;
  }
}
