package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One task of a batch, from its record to its settlement, shared by the runner and the settler. */
final class TaskRun {
  /** How long a task that could not start waits, when its webhook is unknown. */
  private static final Duration DEFAULT_CAP_WAIT = Duration.ofSeconds(5);

  final ConsumerRecord<byte[], byte[]> record;
  final DeliveryTask task;
  private final AtomicReference<TaskState> state = new AtomicReference<>(TaskState.WAITING);
  volatile WebhookDirectory.Target target;
  volatile Instant startedAt;

  /**
   * Its deferral could not be written either: the record was released, its result is not wanted.
   */
  volatile boolean abandoned;

  /** Its batch's deadline, in {@link System#nanoTime()}. */
  final long deadlineNanos;

  /** Set by the consumer thread right after submitting; read by that thread only. */
  Future<TaskResult> future;

  TaskRun(ConsumerRecord<byte[], byte[]> record, DeliveryTask task, long deadlineNanos) {
    this.record = record;
    this.task = task;
    this.deadlineNanos = deadlineNanos;
  }

  boolean move(TaskState from, TaskState to) {
    return state.compareAndSet(from, to);
  }

  TaskState state() {
    return state.get();
  }

  /**
   * How long a task that could not start waits for its webhook's running attempts to end: at most
   * their timeout.
   */
  Duration capWait() {
    WebhookDirectory.Target t = target;
    return t == null ? DEFAULT_CAP_WAIT : HttpDeliverer.timeoutOf(t.webhook());
  }
}
