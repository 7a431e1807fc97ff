package dev.hookline.store;

import java.time.Duration;

/**
 * Idempotency keys of {@code POST /api/v1/events}: the first request with a key publishes, a later
 * one with the same key and body answers what the first did, with another body it is refused.
 */
public interface IdempotencyKeys {
  /** How long a key is kept: the same 24 hours as Stripe's. */
  Duration KEPT_FOR = Duration.ofHours(24);

  /**
   * A first request that died before it was answered (its process killed) holds its key this long;
   * then the key is free again.
   */
  Duration ABANDONED_AFTER = Duration.ofMinutes(5);

  /** What a request with a key finds. */
  sealed interface Claim {
    /** The key is this request's now: publish, then {@link #complete} or {@link #release}. */
    record First() implements Claim {}

    /** A request with this key and body was answered: it published this event. */
    record Answered(String eventId) implements Claim {}

    /** A request with this key and body is being answered right now. */
    record InProgress() implements Claim {}

    /** The key was used with another body. */
    record OtherRequest() implements Claim {}
  }

  /**
   * Takes the key for a request whose body has this SHA-256, or says who has it.
   *
   * @param requestSha256 the digest of the request body
   */
  Claim claim(String key, byte[] requestSha256);

  /** The request holding the key published this event. */
  void complete(String key, String eventId);

  /** The request holding the key failed: it published nothing and the key is free again. */
  void release(String key);
}
