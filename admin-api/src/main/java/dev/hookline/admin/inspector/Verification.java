package dev.hookline.admin.inspector;

/** What the inspector found out about a captured request's signature. */
sealed interface Verification {
  /**
   * A webhook pointing at this capture URL signed it with its current (or still valid previous)
   * secret.
   */
  record Verified(String webhookId, String webhookName, String detail) implements Verification {}

  /** Signed, but no secret of the webhooks pointing here produces that signature. */
  record Mismatch(String webhookId, String webhookName, String detail) implements Verification {}

  /** The Standard Webhooks headers are missing, so there is nothing to check. */
  record Unsigned(String detail) implements Verification {}

  /** Signed, but no webhook points at this capture URL, so there is no secret to check with. */
  record NoWebhook(String detail) implements Verification {}

  /** The JSON the web page reads: {@code {result, webhookId, webhookName, detail}}. */
  record View(String result, String webhookId, String webhookName, String detail) {}

  default View view() {
    return switch (this) {
      case Verified v -> new View("verified", v.webhookId(), v.webhookName(), v.detail());
      case Mismatch m -> new View("mismatch", m.webhookId(), m.webhookName(), m.detail());
      case Unsigned u -> new View("unsigned", null, null, u.detail());
      case NoWebhook n -> new View("no-webhook", null, null, n.detail());
    };
  }
}
