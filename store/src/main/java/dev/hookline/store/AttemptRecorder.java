package dev.hookline.store;

import java.util.List;

/** What the delivery engine writes on its hot path: the attempts of a batch, in one go. */
public interface AttemptRecorder {
  /**
   * Records a batch of attempts in one transaction: the event rows, the delivery rows (created or
   * moved to their new status) and the attempt rows. Idempotent: recording the same (delivery,
   * attempt) twice changes nothing the second time.
   */
  void recordAll(List<AttemptRecord> attempts);

  /**
   * Returns when PostgreSQL answers a trivial query, throws when it does not: how a worker that
   * could not record a batch tells when to take tasks again.
   */
  void ping();
}
