package dev.hookline.store;

import java.util.List;

/** What the delivery engine writes on its hot path: the attempts of a batch, in one go. */
public interface AttemptRecorder {
  /**
   * An attempt PostgreSQL refused even in its safe form (e.g. its webhook row is gone): nothing of
   * it is stored, so the caller must dead-letter it itself.
   *
   * @param reason why, in words PostgreSQL can store and a log can show
   */
  record Refused(AttemptRecord attempt, String reason) {}

  /**
   * Records a batch of attempts in one transaction: the event rows, the delivery rows (created or
   * moved to their new status) and one attempt row per record: every record is a request that left
   * a worker, so a replayed attempt gets a row of its own. A delivery's status follows its latest
   * attempt (task attempt number, then start time); an older one recorded later never moves it.
   *
   * <p>One bad attempt never fails its batch-mates: when PostgreSQL refuses the batch for its data
   * (SQLState classes 22, 23, 54), each attempt is written alone; one still refused is recorded in
   * a safe form ({@link UnstorableAttempts}), as {@code failed} with the reason, so the retry timer
   * dead-letters it; one refused even so is returned. Anything else (connection lost, …) throws and
   * writes nothing.
   *
   * @return the attempts not stored at all; empty as a rule
   */
  List<Refused> recordAll(List<AttemptRecord> attempts);

  /**
   * Returns when PostgreSQL answers a trivial query, throws when it does not: how a worker that
   * could not record a batch tells when to take tasks again.
   */
  void ping();
}
