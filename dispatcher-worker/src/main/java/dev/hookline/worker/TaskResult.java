package dev.hookline.worker;

import dev.hookline.store.AttemptRecord;
import java.time.Instant;

/** What became of one task before its batch's deadline; the batch settles it accordingly. */
sealed interface TaskResult {
  /**
   * An HTTP attempt was made.
   *
   * @param gone the receiver answered 410 Gone: disable the webhook once the attempt is recorded
   */
  record Attempted(AttemptRecord record, boolean gone) implements TaskResult {}

  /** Unknown, deleted or non-routable webhook: nothing to do, and nothing to keep. */
  record Skipped() implements TaskResult {}

  /**
   * The webhook could not be looked up (store down, a secret no configured key decrypts): hand the
   * task back to Kafka, or at its last delivery dead-letter it with {@code reason}.
   */
  record Unavailable(String reason) implements TaskResult {}

  /**
   * Not now (circuit open, webhook stuck at its cap): the retry timer brings it back at {@code
   * until}.
   */
  record Deferred(Instant until) implements TaskResult {}
}
