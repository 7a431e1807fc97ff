package dev.hookline.app;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's signature check written from the Standard Webhooks spec alone, independent of the
 * worker's signer, as an endpoint owner would write it.
 */
final class StandardWebhooksVerifier {
  private StandardWebhooksVerifier() {}

  static String expectedSignature(String secret, String id, String timestamp, String body) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest =
          mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(digest);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when any of the space-separated signatures of the header is the expected one. */
  static boolean verifies(
      String secret, String id, String timestamp, String body, String signatureHeader) {
    String expected = expectedSignature(secret, id, timestamp, body);
    for (String candidate : signatureHeader.split(" ")) {
      if (java.security.MessageDigest.isEqual(
          candidate.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
        return true;
      }
    }
    return false;
  }
}
