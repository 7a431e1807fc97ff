package dev.hookline.producer;

import java.security.SecureRandom;

/**
 * Event ids: {@code evt_} + a ULID (48-bit millisecond time + 80 random bits, Crockford base32).
 * Time-ordered, so ids sort roughly by creation and index well in Postgres.
 */
final class EventIds {
  static final String PREFIX = "evt_";
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private EventIds() {}

  static String next(long epochMillis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    char[] out = new char[26];
    // 10 chars of time (50 bits, the top 2 always zero for 48-bit millis)
    long time = epochMillis & 0xFFFF_FFFF_FFFFL;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    // 16 chars of randomness: 80 bits as two 40-bit halves
    long high = 0;
    long low = 0;
    for (int i = 0; i < 5; i++) high = (high << 8) | (random[i] & 0xFF);
    for (int i = 5; i < 10; i++) low = (low << 8) | (random[i] & 0xFF);
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (high & 31)];
      high >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low >>>= 5;
    }
    return PREFIX + new String(out);
  }
}
