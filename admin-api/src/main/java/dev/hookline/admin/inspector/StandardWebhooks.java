package dev.hookline.admin.inspector;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures, written here independently of the worker's signer so the inspector
 * is a real second opinion: {@code v1,} + base64(HMAC-SHA256(key, "id.timestamp.body")), key = the
 * base64-decoded part of the secret after {@code whsec_}.
 */
final class StandardWebhooks {
  private static final String SECRET_PREFIX = "whsec_";

  private StandardWebhooks() {}

  /**
   * The {@code v1,...} signature; IllegalArgumentException when the secret is not whsec_ + base64.
   */
  static String sign(String secret, String id, String timestamp, byte[] body) {
    String encoded =
        secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    byte[] key = Base64.getDecoder().decode(encoded);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }

  /** Whether any of the space-separated signatures in the header matches the secret. */
  static boolean matches(
      String secret, String id, String timestamp, byte[] body, String signatureHeader) {
    byte[] expected = sign(secret, id, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    boolean match = false;
    for (String candidate : signatureHeader.trim().split("\\s+")) {
      match |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
    }
    return match;
  }
}
