package dev.hookline.worker;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
      // Mac instances are cheap and not thread-safe; a ThreadLocal would leak per virtual thread.
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(keyOf(secret), HMAC));
      mac.update((msgId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
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
