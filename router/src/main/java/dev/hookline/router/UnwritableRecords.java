package dev.hookline.router;

import dev.hookline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Event records whose output Kafka would not take (a task or a copy over a size limit, a value the
 * broker refuses), remembered by position so that the router sends them somewhere they fit when it
 * reads them again.
 *
 * <p>Under exactly-once a failed write aborts the whole transaction: nothing the router wrote for
 * the records of that transaction is kept, and it reads them again from the last commit. Without
 * this memory it would write the same thing, fail the same way, and never get past the record:
 * routing would stop for every event. With it, the second time the record goes one step further
 * down {@link Fallback}, and each step writes less, so a record is passed after at most three
 * aborted transactions.
 *
 * <p>Only the record that caused a failure is remembered. Once one write of a transaction fails,
 * Kafka's producer fails every record still waiting in its buffer with <em>the same exception
 * instance</em> (its {@code TransactionManager.lastError}, passed to {@code
 * RecordAccumulator.abortUndrainedBatches}); blaming those too sent good events that happened to be
 * buffered behind a too-large task to {@code hookline.invalid-events}. The first record to fail
 * with an exception is the one that caused it: Kafka completes the failed write's callback before
 * it aborts the others.
 *
 * <p>Bounded ({@value #CAPACITY} positions, the oldest forgotten first): a record forgotten before
 * it is read again only fails once more. Shared by every stream thread of one router.
 */
final class UnwritableRecords {
  /** The key under which {@link Router} hands the instance to {@link RouterErrorHandler}. */
  static final String CONFIG = "hookline.router.unwritable-records";

  static final int CAPACITY = 10_000;

  /** What becomes of an event record whose output could not be written, mildest first. */
  enum Fallback {
    /** Not routed: the record as received goes to {@code hookline.invalid-events}, with why. */
    REFUSE,
    /** Not even that copy could be written: a note without the value, with why and where. */
    NOTE,
    /** Not even the note: passed, and logged at ERROR with where it is. */
    DROP
  }

  record Failure(Fallback fallback, String reason) {}

  private final Map<String, Failure> byPosition =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failure> eldest) {
          return size() > CAPACITY;
        }
      };

  /** Exceptions already blamed on a record; weak, so a closed producer's are forgotten. */
  private final Set<Exception> blamed = Collections.newSetFromMap(new WeakHashMap<>());

  static String position(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }

  /** How to pass the record at {@code position}, or null: route it as usual. */
  synchronized Failure at(String position) {
    return byPosition.get(position);
  }

  /**
   * Remembers that {@code unwritten}, written for the event record at {@code position}, could not
   * be written, and returns what to do with that record next time; or null when {@code e} was
   * already blamed on an earlier record: this one only failed with it, and is routed as usual.
   */
  synchronized Failure failed(
      String position, ProducerRecord<byte[], byte[]> unwritten, Exception e) {
    if (!blamed.add(e)) return null;
    Fallback next;
    String reason;
    String cause = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (!Topics.INVALID_EVENTS.equals(unwritten.topic())) {
      next = Fallback.REFUSE;
      reason = "its delivery task could not be written to " + unwritten.topic() + ": " + cause;
    } else if (unwritten.value() != null) {
      next = Fallback.NOTE;
      reason = reasonOf(unwritten) + "; the record could not be copied: " + cause;
    } else {
      next = Fallback.DROP;
      reason = reasonOf(unwritten) + "; not even a note could be written: " + cause;
    }
    Failure before = byPosition.get(position);
    if (before != null && before.fallback().compareTo(next) > 0) return before;
    Failure failure = new Failure(next, OneLine.of(reason, EventReader.MAX_REASON_CHARS));
    byPosition.put(position, failure);
    return failure;
  }

  /** Remembers a record the router itself failed on (an exception while routing it). */
  synchronized Failure failedToRoute(String position, Exception e) {
    Failure failure =
        new Failure(
            Fallback.REFUSE,
            OneLine.of(
                "the router failed on it: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                EventReader.MAX_REASON_CHARS));
    byPosition.putIfAbsent(position, failure);
    return byPosition.get(position);
  }

  private static String reasonOf(ProducerRecord<byte[], byte[]> record) {
    Header reason = record.headers().lastHeader(Topics.INVALID_REASON_HEADER);
    return reason == null ? "unreadable" : new String(reason.value(), StandardCharsets.UTF_8);
  }
}
