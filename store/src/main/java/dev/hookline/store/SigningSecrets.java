package dev.hookline.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The secrets that sign a webhook's requests: the current one, and during a rotation the previous
 * one until it expires.
 */
public record SigningSecrets(String current, String previous, Instant previousExpiresAt) {
  /** Secrets to sign with at {@code now}: the current first, then the previous while valid. */
  public List<String> activeAt(Instant now) {
    List<String> secrets = new ArrayList<>(2);
    secrets.add(current);
    if (previous != null && previousExpiresAt != null && now.isBefore(previousExpiresAt)) {
      secrets.add(previous);
    }
    return secrets;
  }
}
