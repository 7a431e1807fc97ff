package dev.hookline.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts webhook secrets at rest with AES-256-GCM, under one or more keys: the first key
 * encrypts, every key decrypts, so the key can be rotated (add the new key in front, restart, run
 * {@link Database#reencryptSecrets()}, drop the old key).
 *
 * <p>Stored forms:
 *
 * <ul>
 *   <li>current: {@code 0x01} + key id (4 bytes) + nonce (12) + ciphertext and tag; the 5-byte
 *       header is also the GCM associated data, so it cannot be swapped unnoticed. The key id is
 *       the first 4 bytes of a SHA-256 over the key: it names the key without revealing it.
 *   <li>legacy (first release): nonce (12) + ciphertext and tag, no header. Still read; every key
 *       is tried, GCM's tag tells the right one.
 * </ul>
 */
public final class SecretCipher {
  static final byte FORMAT_V1 = 0x01;
  static final int KEY_ID_BYTES = 4;
  static final int HEADER_BYTES = 1 + KEY_ID_BYTES;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int TAG_BYTES = TAG_BITS / 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Key(SecretKeySpec spec, byte[] header) {}

  /** The first encrypts. */
  private final List<Key> keys;

  private SecretCipher(List<byte[]> rawKeys) {
    List<Key> built = new ArrayList<>();
    for (byte[] raw : rawKeys) {
      byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(FORMAT_V1).put(keyId(raw)).array();
      built.add(new Key(new SecretKeySpec(raw, "AES"), header));
    }
    this.keys = List.copyOf(built);
  }

  /** From a base64-encoded 32-byte key, or several comma-separated (the first encrypts). */
  public static SecretCipher fromBase64Key(String base64) {
    return fromBase64Keys(base64);
  }

  /**
   * From comma-separated base64-encoded 32-byte keys: the first encrypts, all decrypt. The error
   * messages say which key is wrong by position, never by content.
   */
  public static SecretCipher fromBase64Keys(String commaSeparated) {
    if (commaSeparated == null)
      throw new IllegalArgumentException("no secret encryption key given");
    String[] parts = commaSeparated.split(",", -1);
    List<byte[]> raw = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim();
      String which =
          parts.length == 1
              ? "the secret encryption key"
              : "secret encryption key " + (i + 1) + " of " + parts.length;
      if (part.isEmpty()) throw new IllegalArgumentException(which + " is empty");
      byte[] key;
      try {
        key = Base64.getDecoder().decode(part);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(which + " is not valid base64");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException(
            which + " must be 32 bytes (base64 of 32 random bytes), was " + key.length);
      }
      raw.add(key);
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

  /** How many keys decrypt. */
  public int keyCount() {
    return keys.size();
  }

  /** Encrypts with the first key, in the current format. */
  public byte[] encrypt(String plaintext) {
    Key key = keys.get(0);
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(key.header());
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(HEADER_BYTES + NONCE_BYTES + sealed.length)
          .put(key.header())
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** Decrypts either stored form with whichever configured key sealed it. */
  public String decrypt(byte[] stored) {
    if (stored == null || stored.length < NONCE_BYTES + TAG_BYTES) {
      throw new IllegalStateException(
          "cannot decrypt a webhook secret: the stored value is too short");
    }
    if (stored.length >= HEADER_BYTES + NONCE_BYTES + TAG_BYTES && stored[0] == FORMAT_V1) {
      byte[] header = Arrays.copyOf(stored, HEADER_BYTES);
      for (Key key : keys) {
        if (Arrays.equals(key.header(), header)) {
          String plain = open(key.spec(), header, stored, HEADER_BYTES);
          if (plain != null) return plain;
        }
      }
      // 1 in 2^40 legacy values look like a header: fall through and read it as legacy
    }
    for (Key key : keys) {
      String plain = open(key.spec(), null, stored, 0);
      if (plain != null) return plain;
    }
    throw new IllegalStateException(
        "cannot decrypt a webhook secret with any of the "
            + keys.size()
            + " configured key(s): was it encrypted with a key no longer in HOOKLINE_SECRET_KEY?");
  }

  /**
   * True when {@code stored} is in the current format under the first key: re-encryption would not
   * change it.
   */
  public boolean isCurrent(byte[] stored) {
    return stored != null
        && stored.length > HEADER_BYTES
        && Arrays.equals(keys.get(0).header(), 0, HEADER_BYTES, stored, 0, HEADER_BYTES);
  }

  /**
   * The header every value encrypted now starts with (format byte and current key id), for SQL
   * filters.
   */
  byte[] currentHeader() {
    return keys.get(0).header().clone();
  }

  /** The plaintext, or null when this key (and associated data) did not seal it. */
  private static String open(SecretKeySpec key, byte[] aad, byte[] stored, int offset) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, offset, NONCE_BYTES));
      if (aad != null) cipher.updateAAD(aad);
      byte[] plain =
          cipher.doFinal(stored, offset + NONCE_BYTES, stored.length - offset - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private static byte[] keyId(byte[] raw) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("hookline secret key id".getBytes(StandardCharsets.US_ASCII));
      return Arrays.copyOf(sha.digest(raw), KEY_ID_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public String toString() {
    return "SecretCipher[" + keys.size() + " key(s)]"; // never the keys
  }
}
