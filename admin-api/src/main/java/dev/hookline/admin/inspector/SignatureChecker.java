package dev.hookline.admin.inspector;

import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a captured request's Standard Webhooks signature against the secrets of the webhooks whose
 * URL is this bin's capture URL. Looked up at capture time: that is when the sender signed.
 */
final class SignatureChecker {
  private static final Logger log = LoggerFactory.getLogger(SignatureChecker.class);
  static final long TOLERANCE_SECONDS = 5 * 60; // what Standard Webhooks libraries accept
  private static final int PAGE = 100;
  private static final int MAX_WEBHOOKS_SCANNED = 5_000; // a local tool: bound the scan anyway

  private final WebhookStore webhooks;
  private final Clock clock;

  SignatureChecker(WebhookStore webhooks, Clock clock) {
    this.webhooks = webhooks;
    this.clock = clock;
  }

  Verification check(String binId, String id, String timestamp, String signature, byte[] body) {
    if (id == null || timestamp == null || signature == null) {
      return new Verification.Unsigned(
          "no webhook-id, webhook-timestamp and webhook-signature headers");
    }
    List<Webhook> pointingHere;
    try {
      pointingHere = webhooksFor(binId);
    } catch (RuntimeException e) {
      log.warn("inspector: cannot list webhooks to verify a signature", e);
      return new Verification.NoWebhook(
          "could not look up the webhooks to check with: " + e.getMessage());
    }
    if (pointingHere.isEmpty()) {
      return new Verification.NoWebhook(
          "no webhook points at this capture URL, so there is no secret to check with");
    }
    String age = age(timestamp);
    Instant now = clock.instant();
    Webhook first = pointingHere.get(0);
    for (Webhook webhook : pointingHere) {
      List<String> secrets =
          webhooks.secrets(webhook.id()).map(s -> s.activeAt(now)).orElse(List.of());
      for (int i = 0; i < secrets.size(); i++) {
        boolean ok;
        try {
          ok = StandardWebhooks.matches(secrets.get(i), id, timestamp, body, signature);
        } catch (IllegalArgumentException e) {
          continue; // a secret that is not whsec_ + base64 cannot have signed it
        }
        if (ok) {
          String which =
              i == 0
                  ? "its current secret"
                  : "its previous secret (still valid during the rotation)";
          return new Verification.Verified(
              webhook.id().toString(),
              webhook.name(),
              "signed with " + which + (age.isEmpty() ? "" : "; " + age));
        }
      }
    }
    return new Verification.Mismatch(
        first.id().toString(),
        first.name(),
        "the signature does not match the secret of "
            + describe(pointingHere)
            + (age.isEmpty() ? "" : "; " + age));
  }

  private List<Webhook> webhooksFor(String binId) {
    List<Webhook> found = new ArrayList<>();
    UUID after = null;
    for (int scanned = 0; scanned < MAX_WEBHOOKS_SCANNED; ) {
      List<Webhook> page = webhooks.list(after, PAGE);
      for (Webhook webhook : page) {
        if (pointsAt(webhook.url(), binId)) found.add(webhook);
      }
      scanned += page.size();
      if (page.size() < PAGE) break;
      after = page.get(page.size() - 1).id();
    }
    return found;
  }

  /** Any host: the admin may have typed localhost or 127.0.0.1; the bin id is what is unique. */
  static boolean pointsAt(String url, String binId) {
    try {
      String path = URI.create(url.strip()).getPath();
      return path != null && (path.equals("/in/" + binId) || path.startsWith("/in/" + binId + "/"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String age(String timestamp) {
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      return "webhook-timestamp is not a number of seconds";
    }
    long off = clock.instant().getEpochSecond() - seconds;
    if (Math.abs(off) <= TOLERANCE_SECONDS) return "";
    return "but webhook-timestamp is "
        + Math.abs(off)
        + " s "
        + (off > 0 ? "old" : "in the future")
        + ", outside the usual 5-minute tolerance";
  }

  private static String describe(List<Webhook> webhooks) {
    if (webhooks.size() == 1) return "webhook '" + webhooks.get(0).name() + "'";
    return "any of the " + webhooks.size() + " webhooks pointing here";
  }
}
