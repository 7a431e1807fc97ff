package dev.hookline.worker;

import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.DeliveryStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task the batch could not record must not be archived by the broker unrecorded (issue 15, item
 * 3). A released record is handed out again, but only up to the share group's delivery count limit;
 * at its last delivery the task goes to {@code hookline.dead-letter} with the reason instead
 * (recorded as {@code failed} first when PostgreSQL takes it, then the retry timer dead-letters it
 * as any failed delivery), and is accepted. A task PostgreSQL refuses for good goes there at once.
 */
final class GiveUp {
  private static final Logger log = LoggerFactory.getLogger(GiveUp.class);

  /** Where dead letters go: {@code DeliveryTaskWriter#deadLetterAll} in production. */
  @FunctionalInterface
  interface DeadLetters {
    /** Returns once Kafka acknowledged every letter. */
    void deadLetterAll(List<DeadLetter> letters) throws Exception;
  }

  /** A task to dead-letter, with what its last try came to. */
  record Letter(DeliveryTask task, Integer statusCode, String errorClass, String reason) {}

  private final IntSupplier deliveryLimit;
  private final DeadLetters sink;
  private final AttemptRecorder store;
  private final WorkerMetrics metrics;
  private final Clock clock;

  /**
   * @param deliveryLimit the share group's delivery count limit (read once, when first needed)
   */
  GiveUp(
      IntSupplier deliveryLimit,
      DeadLetters sink,
      AttemptRecorder store,
      WorkerMetrics metrics,
      Clock clock) {
    this.deliveryLimit = deliveryLimit;
    this.sink = sink;
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Whether a release would let the broker archive the record: it is at its last delivery. */
  boolean atLastDelivery(ConsumerRecord<?, ?> record) {
    return record.deliveryCount().map(n -> n >= deliveryLimit.getAsInt()).orElse(false);
  }

  /** The delivery count as text, for reasons ("delivery 5 of 5"). */
  String deliveryOf(ConsumerRecord<?, ?> record) {
    return "delivery "
        + record.deliveryCount().map(String::valueOf).orElse("?")
        + " of "
        + deliveryLimit.getAsInt();
  }

  /**
   * Attempts made whose recording failed, at their last delivery: recorded as {@code failed} with
   * the reason when PostgreSQL takes them now (the retry timer dead-letters them), dead-lettered
   * here otherwise.
   *
   * @return whether every one is either recorded or dead-lettered (then accept them)
   */
  boolean recordFailedOrDeadLetter(List<AttemptRecord> attempts, String reason) {
    List<AttemptRecord> failed = new ArrayList<>(attempts.size());
    for (AttemptRecord a : attempts) failed.add(asFailed(a, reason));
    List<AttemptRecorder.Refused> refused;
    try {
      refused = store.recordAll(failed);
    } catch (RuntimeException e) {
      log.warn("could not record {} attempts as failed either: {}", failed.size(), e.toString());
      return deadLetter(failed.stream().map(a -> letter(a, a.errorMessage())).toList());
    }
    BatchSettler.count(metrics, "failed", failed.size());
    return deadLetter(refused.stream().map(r -> letter(r.attempt(), r.reason())).toList());
  }

  /** Straight to {@code hookline.dead-letter}; true once Kafka has them all. */
  boolean deadLetter(List<Letter> letters) {
    if (letters.isEmpty()) return true;
    List<DeadLetter> out = new ArrayList<>(letters.size());
    for (Letter l : letters) {
      log.error(
          "dead-lettering delivery {} (attempt {}) unrecorded: {}",
          l.task().deliveryId(),
          l.task().attempt(),
          l.reason());
      out.add(
          new DeadLetter(
              l.task(),
              new DeadLetter.LastError(
                  l.statusCode(), l.errorClass(), l.reason(), clock.instant())));
    }
    try {
      sink.deadLetterAll(out);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      log.error("could not dead-letter {} tasks, releasing them: {}", out.size(), e.toString());
      return false;
    }
    BatchSettler.count(metrics, "dead_lettered", out.size());
    return true;
  }

  /** An attempt PostgreSQL would not store at all (returned by the recorder). */
  static Letter letter(AttemptRecord a, String reason) {
    return new Letter(a.task(), a.statusCode(), "unstorable", reason);
  }

  private static AttemptRecord asFailed(AttemptRecord a, String reason) {
    String was = a.errorClass() == null ? "" : "; the attempt: " + a.errorClass();
    return new AttemptRecord(
        a.task(),
        a.startedAt(),
        a.durationMs(),
        a.statusCode(),
        a.responseExcerpt(),
        "unrecorded",
        reason + was,
        a.workerId(),
        DeliveryStatus.FAILED,
        null);
  }
}
