package dev.hookline.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts webhook secrets at rest with AES-256-GCM. Stored form: 12-byte random nonce followed
 * by the ciphertext and its tag.
 */
public final class SecretCipher {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private SecretCipher(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the secret encryption key must be 32 bytes (base64 of 32 random bytes), was " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** From a base64-encoded 32-byte key. */
  public static SecretCipher fromBase64Key(String base64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secret encryption key is not valid base64");
    }
    return new SecretCipher(raw);
  }

  /** A fresh random key, base64-encoded. */
  public static String generateKey() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw);
  }

  /** A fresh webhook signing secret: {@code whsec_} + base64 of 24 random bytes. */
  public static String generateSigningSecret() {
    byte[] raw = new byte[24];
    RANDOM.nextBytes(raw);
    return "whsec_" + Base64.getEncoder().encodeToString(raw);
  }

  public byte[] encrypt(String plaintext) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String decrypt(byte[] stored) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
      byte[] plain = cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot decrypt a webhook secret: wrong HOOKLINE_SECRET_KEY?", e);
    }
  }
}
