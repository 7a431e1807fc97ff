package dev.hookline.worker;

/**
 * Where one task of a batch stands. It moves by compare-and-set ({@link TaskRun#move}), so the task
 * and its batch's deadline never both settle it: whichever moves it first decides.
 */
enum TaskState {
  /** Taken from the batch; waiting for its webhook, its webhook's cap or an in-flight place. */
  WAITING,
  /** Its HTTP attempt is under way. */
  RUNNING,
  /** Ended before its batch's deadline: the batch records and acknowledges it. */
  DONE,
  /**
   * Not done by its batch's deadline: deferred to the retry timer and acknowledged with the batch.
   * A task still waiting never starts; an attempt already under way records itself when it ends.
   */
  HANDED_OFF
}
