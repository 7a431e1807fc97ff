package dev.hookline.store;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link IdempotencyKeys} in a map; keys never expire (a test is shorter than a day). */
public final class InMemoryIdempotencyKeys implements IdempotencyKeys {
  private record Held(byte[] sha256, String eventId) {}

  private final Map<String, Held> keys = new ConcurrentHashMap<>();

  @Override
  public synchronized Claim claim(String key, byte[] requestSha256) {
    Held held = keys.putIfAbsent(key, new Held(requestSha256.clone(), null));
    if (held == null) return new Claim.First();
    if (!Arrays.equals(held.sha256(), requestSha256)) return new Claim.OtherRequest();
    return held.eventId() == null ? new Claim.InProgress() : new Claim.Answered(held.eventId());
  }

  @Override
  public synchronized void complete(String key, String eventId) {
    keys.computeIfPresent(key, (k, held) -> new Held(held.sha256(), eventId));
  }

  @Override
  public synchronized void release(String key) {
    keys.computeIfPresent(key, (k, held) -> held.eventId() == null ? null : held);
  }

  /** How many keys are held, for tests that check nothing was written. */
  public int size() {
    return keys.size();
  }
}
