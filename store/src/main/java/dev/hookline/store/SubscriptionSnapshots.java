package dev.hookline.store;

import java.time.Duration;

/**
 * Reconciliation of the compacted {@code hookline.subscriptions} topic with the webhooks table: a
 * snapshot enqueues every webhook's current routing record (and a tombstone for each webhook
 * deleted recently) through the outbox, so a lost or damaged topic heals without anyone acting.
 *
 * <p>Ordering: the snapshot is written in one transaction that first takes a SHARE lock on the
 * webhooks table. That lock waits for every in-flight webhook change to commit (its outbox row then
 * has a lower seq than the snapshot's) and holds new changes until the snapshot commits (their rows
 * get higher seqs). The relay publishes in seq order, so per webhook a snapshot record never lands
 * after a newer version.
 */
public interface SubscriptionSnapshots {
  /** What {@link #enqueueIfDue} did. */
  sealed interface Outcome permits Enqueued, NotDue, Busy {}

  /** A snapshot was enqueued: {@code records} live routing records and {@code tombstones}. */
  record Enqueued(int records, int tombstones) implements Outcome {}

  /** Another instance took a snapshot recently; the next one is due in {@code dueIn}. */
  record NotDue(Duration dueIn) implements Outcome {}

  /** Another instance is taking one right now, or the webhooks table stayed locked too long. */
  record Busy(String reason) implements Outcome {}

  /**
   * Enqueues a snapshot unless one (from any instance sharing the database) was enqueued less than
   * {@code minInterval} ago.
   *
   * @param tombstoneWindow webhooks deleted within this window get a tombstone again; older
   *     deletions were compacted away long ago and are not repeated forever
   * @throws StoreException when PostgreSQL fails
   */
  Outcome enqueueIfDue(Duration minInterval, Duration tombstoneWindow);

  /**
   * Deletes outbox rows published more than {@code olderThan} ago (snapshots add one row per
   * webhook each time; the relay never needs a published row again). Returns how many.
   */
  int purgePublished(Duration olderThan);
}
