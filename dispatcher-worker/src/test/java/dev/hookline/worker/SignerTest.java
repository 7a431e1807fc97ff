package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330L;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  @Test
  void matchesTheStandardWebhooksVector() {
    assertThat(Signer.signatureHeader(List.of(Fixtures.SECRET), ID, TIMESTAMP, BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void signsWithEveryActiveSecretSpaceSeparated() throws Exception {
    String other =
        "whsec_"
            + Base64.getEncoder()
                .encodeToString("another-key-of-some-length".getBytes(StandardCharsets.UTF_8));
    String header = Signer.signatureHeader(List.of(Fixtures.SECRET, other), ID, TIMESTAMP, BODY);

    String[] parts = header.split(" ");
    assertThat(parts).hasSize(2);
    assertThat(parts[0])
        .isEqualTo("v1," + independentHmac(Fixtures.SECRET, ID + "." + TIMESTAMP + ".", BODY));
    assertThat(parts[1])
        .isEqualTo("v1," + independentHmac(other, ID + "." + TIMESTAMP + ".", BODY));
  }

  @Test
  void anyChangeToTheSignedContentChangesTheSignature() {
    String base = Signer.sign(Fixtures.SECRET, ID, TIMESTAMP, BODY);
    assertThat(Signer.sign(Fixtures.SECRET, ID, TIMESTAMP + 1, BODY)).isNotEqualTo(base);
    assertThat(Signer.sign(Fixtures.SECRET, ID + "x", TIMESTAMP, BODY)).isNotEqualTo(base);
    assertThat(
            Signer.sign(
                Fixtures.SECRET, ID, TIMESTAMP, "{\"test\": 1}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(base);
  }

  @Test
  void rejectsABadSecretWithoutEchoingIt() {
    assertThatThrownBy(() -> Signer.sign("whsec_not*base64!", ID, TIMESTAMP, BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whsec_ + base64")
        .hasMessageNotContaining("not*base64");
    assertThatThrownBy(() -> Signer.signatureHeader(List.of(), ID, TIMESTAMP, BODY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** HMAC-SHA256 computed here with javax.crypto, independent of the Signer's code. */
  static String independentHmac(String secret, String prefix, byte[] body) throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] message = new byte[prefixBytes.length + body.length];
    System.arraycopy(prefixBytes, 0, message, 0, prefixBytes.length);
    System.arraycopy(body, 0, message, prefixBytes.length, body.length);
    return Base64.getEncoder().encodeToString(mac.doFinal(message));
  }
}
