package dev.hookline.worker;

import java.time.Duration;

/** Waits that double from {@code first} up to {@code longest}. */
record Backoff(Duration first, Duration longest) {
  /** The wait after {@code current}: {@code first} after none ({@link Duration#ZERO}). */
  Duration next(Duration current) {
    if (current.isZero()) return first;
    Duration doubled = current.multipliedBy(2);
    return doubled.compareTo(longest) > 0 ? longest : doubled;
  }
}
