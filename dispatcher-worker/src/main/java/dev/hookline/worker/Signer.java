package dev.hookline.worker;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>}, one per
 * active secret, space-separated, so receivers accept either secret during a rotation.
 */
final class Signer {
  static final String SECRET_PREFIX = "whsec_";
  private static final String HMAC = "HmacSHA256";
  private static final byte[] NOTHING = new byte[0];

  /**
   * An initialised MAC per secret, keyed by the secret's own text: a rotated secret is another key,
   * so the entry can never sign with a secret the webhook no longer has, and an unused one expires.
   * The entries are only ever cloned, never updated: {@code Mac} is not thread-safe, and a clone is
   * cheaper than {@code Mac.getInstance} and {@code init} per request (provider lookup, key
   * decoding, the key's inner and outer pads), which were half of the signing CPU.
   */
  private static final Cache<String, Mac> INITIALISED =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  private Signer() {}

  /** The {@code webhook-signature} header value for the given secrets (current first). */
  static String signatureHeader(List<String> secrets, String msgId, long timestamp, byte[] body) {
    if (secrets.isEmpty()) throw new IllegalArgumentException("no signing secret");
    StringJoiner header = new StringJoiner(" ");
    for (String secret : secrets) header.add("v1," + sign(secret, msgId, timestamp, body));
    return header.toString();
  }

  /** The base64 signature of one message with one {@code whsec_} secret. */
  static String sign(String secret, String msgId, long timestamp, byte[] body) {
    try {
      Mac mac = macFor(secret);
      mac.update((msgId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /** A MAC of its own for one message (a ThreadLocal would leak per virtual thread). */
  private static Mac macFor(String secret) throws GeneralSecurityException {
    if (secret == null || secret.isEmpty()) return initialised(secret); // throws: empty secret
    try {
      return (Mac) INITIALISED.get(secret, Signer::initialisedUnchecked).clone();
    } catch (CloneNotSupportedException e) { // a provider whose MAC cannot be cloned
      return initialised(secret);
    }
  }

  private static Mac initialisedUnchecked(String secret) {
    try {
      Mac mac = initialised(secret);
      mac.update(NOTHING); // absorbs the inner pad once, so that each clone starts past it
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  private static Mac initialised(String secret) throws GeneralSecurityException {
    Mac mac = Mac.getInstance(HMAC);
    mac.init(new SecretKeySpec(keyOf(secret), HMAC));
    return mac;
  }

  static byte[] keyOf(String secret) {
    if (secret == null || secret.isEmpty())
      throw new IllegalArgumentException("empty signing secret");
    String encoded =
        secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    try {
      byte[] key = Base64.getDecoder().decode(encoded);
      if (key.length == 0) throw new IllegalArgumentException("empty signing secret");
      return key;
    } catch (IllegalArgumentException e) {
      // never echo the secret itself into logs or attempt records
      throw new IllegalArgumentException("signing secret is not whsec_ + base64", e);
    }
  }
}
