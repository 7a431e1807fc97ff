package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretCipherTest {
  static final String OLD = SecretCipher.generateKey();
  static final String NEW = SecretCipher.generateKey();
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** The first release's stored form: nonce + ciphertext and tag, no header, no associated data. */
  static byte[] legacyEncrypt(String base64Key, String plaintext) throws Exception {
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"),
        new GCMParameterSpec(128, nonce));
    byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
  }

  @Test
  void theFirstKeyEncryptsAndEveryKeyDecrypts() {
    SecretCipher old = SecretCipher.fromBase64Key(OLD);
    SecretCipher rotated = SecretCipher.fromBase64Keys(NEW + ", " + OLD);
    byte[] underOld = old.encrypt(SECRET);
    byte[] underNew = rotated.encrypt(SECRET);

    assertThat(rotated.keyCount()).isEqualTo(2);
    assertThat(rotated.decrypt(underOld)).isEqualTo(SECRET);
    assertThat(rotated.decrypt(underNew)).isEqualTo(SECRET);
    assertThat(rotated.isCurrent(underNew)).isTrue();
    assertThat(rotated.isCurrent(underOld)).isFalse();
    assertThat(old.isCurrent(underOld)).isTrue();
    // the old key alone cannot read what the new key sealed: dropping a key too early shows
    assertThatThrownBy(() -> old.decrypt(underNew))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer in HOOKLINE_SECRET_KEY");
    // a new key alone cannot read the old rows either
    assertThatThrownBy(() -> SecretCipher.fromBase64Key(NEW).decrypt(underOld))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void valuesInTheFirstReleaseFormatStillDecryptUnderAnyConfiguredKey() throws Exception {
    byte[] legacy = legacyEncrypt(OLD, SECRET);
    assertThat(SecretCipher.fromBase64Key(OLD).decrypt(legacy)).isEqualTo(SECRET);
    assertThat(SecretCipher.fromBase64Keys(NEW + "," + OLD).decrypt(legacy)).isEqualTo(SECRET);
    assertThat(SecretCipher.fromBase64Key(OLD).isCurrent(legacy)).isFalse();
  }

  @Test
  void theHeaderIsAuthenticated() {
    SecretCipher cipher = SecretCipher.fromBase64Keys(NEW + "," + OLD);
    byte[] sealed = cipher.encrypt(SECRET);
    sealed[2] ^= 1; // a different key id
    assertThatThrownBy(() -> cipher.decrypt(sealed)).isInstanceOf(IllegalStateException.class);
    byte[] tampered = cipher.encrypt(SECRET);
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt(tampered)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cipher.decrypt(new byte[3])).hasMessageContaining("too short");
  }

  @Test
  void eachEncryptionUsesAFreshNonce() {
    SecretCipher cipher = SecretCipher.fromBase64Key(NEW);
    assertThat(cipher.encrypt(SECRET)).isNotEqualTo(cipher.encrypt(SECRET));
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "not base64!|the secret encryption key is not valid base64",
        "c2hvcnQ=|the secret encryption key must be 32 bytes",
        "KEY,|secret encryption key 2 of 2 is empty",
        "KEY,c2hvcnQ=|secret encryption key 2 of 2 must be 32 bytes",
        "KEY,KEY,%%%|secret encryption key 3 of 3 is not valid base64",
      })
  void aBadKeyIsNamedByPositionNeverByContent(String keys, String expected) {
    String value = keys.replace("KEY", NEW);
    assertThatThrownBy(() -> SecretCipher.fromBase64Keys(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(NEW));
  }

  @Test
  void toStringShowsNoKey() {
    assertThat(SecretCipher.fromBase64Keys(NEW + "," + OLD).toString())
        .doesNotContain(NEW)
        .doesNotContain(OLD);
  }
}
