package dev.hookline.worker;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventIdentity;
import dev.hookline.schemas.RawData;
import dev.hookline.schemas.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Phaser;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task of a batch on a virtual thread of its own: admission (its webhook, the webhook's
 * circuit and concurrency cap, a place among the worker's attempts in flight, shared fairly between
 * tenants by {@link FairAdmission}), then the HTTP attempt, then what the outcome means ({@link
 * AttemptPolicy}). A task that ends before its batch's deadline hands its {@link TaskResult} to its
 * batch ({@link BatchSettler}); an attempt that outlives the deadline records itself ({@link
 * LateAttempts}). Once its request may have left, a task ends as an attempt whatever fails in
 * Hookline's own code after it: without a verdict, as {@link AttemptPolicy#fallback}.
 */
final class TaskRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  /**
   * What a task passes before its attempt.
   *
   * @param maxInFlight attempts running at once in this worker, at most
   */
  record Gates(
      WebhookDirectory directory,
      CircuitBreakers breakers,
      WebhookLimits limits,
      int maxInFlight,
      RateLimiter rates) {
    /** Gates without rate limits (tests). */
    Gates(
        WebhookDirectory directory,
        CircuitBreakers breakers,
        WebhookLimits limits,
        int maxInFlight) {
      this(directory, breakers, limits, maxInFlight, RateLimiter.unlimited(Clock.systemUTC()));
    }
  }

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final WebhookDirectory directory;
  private final CircuitBreakers breakers;
  private final WebhookLimits limits;
  private final RateLimiter rates;
  private final FairAdmission inFlight;
  private final Deliverer http;
  private final AttemptPolicy policy;
  private final LateAttempts late;
  private final WorkerMetrics metrics;
  private final Clock clock;

  TaskRunner(
      Gates gates,
      Deliverer http,
      AttemptPolicy policy,
      LateAttempts late,
      WorkerMetrics metrics,
      Clock clock) {
    this.directory = gates.directory();
    this.breakers = gates.breakers();
    this.limits = gates.limits();
    this.rates = gates.rates();
    this.inFlight = new FairAdmission(gates.maxInFlight());
    this.http = http;
    this.policy = policy;
    this.late = late;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Decodes the record and starts its task; null when it cannot be read (to be rejected).
   *
   * @param deadlineNanos its batch's deadline ({@link System#nanoTime()})
   * @param ended the batch's tasks: the task is registered with it, and arrives (deregistering)
   *     once its future is done, however it ends, so the consumer thread waits for the batch as a
   *     whole ({@link BatchSettler#settle}) and is woken once, not once per task
   */
  TaskRun start(ConsumerRecord<byte[], byte[]> record, long deadlineNanos, Phaser ended) {
    DeliveryTask task = decode(record);
    if (task == null) {
      BatchSettler.count(metrics, "rejected", 1); // best effort: the batch's other tasks go on
      return null;
    }
    TaskRun run = new TaskRun(record, task, deadlineNanos);
    ended.register();
    FutureTask<TaskResult> future =
        new FutureTask<>(() -> execute(run)) {
          @Override
          protected void done() { // its result is set (or it failed or was cancelled)
            ended.arriveAndDeregister();
          }
        };
    run.future = future;
    try {
      executor.execute(future);
    } catch (RuntimeException e) { // not started (shut down): nothing of it to wait for
      ended.arriveAndDeregister();
      throw e;
    }
    return run;
  }

  /** Stops every task still running (after shutdown's grace). */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static DeliveryTask decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      log.error(
          "rejecting record {}-{}@{}: no value",
          record.topic(),
          record.partition(),
          record.offset());
      return null;
    }
    try {
      // the data kept as the record's bytes: the body and the recorded payload are that text
      return RawData.readTask(record.value());
    } catch (RuntimeException e) {
      log.error(
          "rejecting undecodable delivery task {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return null;
    }
  }

  /** On a virtual thread. Null when the batch settled the task already. */
  private TaskResult execute(TaskRun run) throws InterruptedException {
    DeliveryTask task = run.task;
    Optional<WebhookDirectory.Target> target;
    try {
      target = directory.find(task.webhookId(), task.webhookVersion());
    } catch (RuntimeException e) {
      log.warn(
          "webhook {} lookup failed, releasing delivery {}: {}",
          task.webhookId(),
          task.deliveryId(),
          e.toString());
      return settle(run, new TaskResult.Unavailable("webhook lookup failed: " + e));
    }
    if (target.isEmpty()) {
      log.info(
          "skipping delivery {}: webhook {} unknown or deleted",
          task.deliveryId(),
          task.webhookId());
      return settle(run, new TaskResult.Skipped());
    }
    WebhookDirectory.Target t = target.get();
    run.target = t;
    boolean explicit = task.trigger() == Trigger.TEST || task.trigger() == Trigger.MANUAL;
    if (!t.webhook().routable() && !explicit) {
      // routed before it was deactivated or disabled; an admin's own test or retry still goes out
      log.info(
          "skipping delivery {}: webhook {} is inactive or disabled",
          task.deliveryId(),
          task.webhookId());
      return settle(run, new TaskResult.Skipped());
    }
    if (!explicit) { // an admin's test or retry is what tells whether the endpoint is back
      Optional<Instant> openUntil = breakers.admit(task.webhookId(), clock.instant());
      if (openUntil.isPresent()) return settle(run, new TaskResult.Deferred(openUntil.get()));
    }
    if (!explicit) { // over its rate limit, it waits here, holding no place, or is parked
      RateLimiter.Admission turn;
      try {
        turn = rates.admit(task.webhookId(), t.webhook().rateLimit(), run.deadlineNanos);
      } catch (RuntimeException e) {
        log.warn(
            "rate budget of webhook {} unavailable, releasing delivery {}: {}",
            task.webhookId(),
            task.deliveryId(),
            e.toString());
        return settle(run, new TaskResult.Unavailable("rate budget unavailable: " + e));
      }
      if (turn instanceof RateLimiter.Admission.Park p) {
        return settle(run, new TaskResult.Deferred(p.until()));
      }
    }
    if (limits.enter(t.webhook().id(), run) == WebhookLimits.Admission.STALLED) {
      // its running attempts will not end before this batch's deadline: wait for them elsewhere
      return settle(run, new TaskResult.Deferred(clock.instant().plus(run.capWait())));
    }
    AttemptOutcome outcome = attempt(run, t);
    if (outcome == null) return null;
    Instant ended = clock.instant();
    TaskResult.Attempted result;
    try {
      result = judge(task, t, outcome, ended);
    } catch (RuntimeException | Error e) {
      // a bug of ours after the request left (a bad schedule, an overflow): it is an attempt all
      // the same, recorded as it happened; rethrown, it would fail the task's future, and the
      // attempt would go unrecorded behind a retry timer
      AttemptPolicy.Verdict verdict = AttemptPolicy.fallback(task, ended);
      log.error(
          "delivery {}: no verdict for attempt {}, recording it as retrying at {}",
          task.deliveryId(),
          task.attempt(),
          verdict.nextAttemptAt(),
          e);
      result = new TaskResult.Attempted(policy.record(task, outcome, verdict), false);
    }
    if (run.move(TaskState.RUNNING, TaskState.DONE)) return result;
    late.record(run, result);
    return null;
  }

  /**
   * What the attempt means: its verdict and its row. The circuit breaker, the webhook's pause and
   * the metrics are best-effort: a failure in one is logged and the verdict stands.
   *
   * @param ended when the attempt ended
   */
  private TaskResult.Attempted judge(
      DeliveryTask task, WebhookDirectory.Target t, AttemptOutcome outcome, Instant ended) {
    try {
      if (outcome instanceof AttemptOutcome.Delivered) breakers.onSuccess(task.webhookId());
      else breakers.onFailure(task.webhookId(), ended);
    } catch (RuntimeException | Error e) {
      log.warn(
          "circuit breaker of webhook {} not updated after delivery {}",
          task.webhookId(),
          task.deliveryId(),
          e);
    }
    AttemptPolicy.Verdict verdict =
        policy.decide(task, t.webhook().retrySchedule(), outcome, ended);
    if (outcome instanceof AttemptOutcome.Retry r && r.retryAfter() != null) {
      pause(t, r.retryAfter(), verdict, ended);
    }
    try {
      metrics.attempt(verdict.status().dbName(), Duration.ofMillis(outcome.durationMs()));
    } catch (RuntimeException | Error e) {
      log.warn("attempt of delivery {} not measured", task.deliveryId(), e);
    }
    return new TaskResult.Attempted(
        policy.record(task, outcome, verdict), verdict.disableWebhook());
  }

  /** Null when the batch handed the task to the retry timer before a place came free. */
  private AttemptOutcome attempt(TaskRun run, WebhookDirectory.Target t)
      throws InterruptedException {
    UUID webhook = t.webhook().id();
    try {
      FairAdmission.Ticket place = inFlight.enter(run.task.tenant());
      place.await();
      try {
        if (!run.move(TaskState.WAITING, TaskState.RUNNING)) return null;
        run.startedAt = clock.instant();
        metrics.started();
        try {
          return http.deliver(
              t.webhook(), t.secrets(), run.task.event(), EventIdentity.webhookId(run.task));
        } catch (RuntimeException | Error e) {
          // a bug, not the receiver, and the request may have left: still an attempt, recorded. An
          // Error too (a library's StackOverflowError, an AssertionError): rethrown, it would only
          // fail this task's future, and the attempt would go unrecorded behind a retry timer
          log.error("delivery {} failed unexpectedly", run.task.deliveryId(), e);
          return new AttemptOutcome.Retry(
              run.startedAt, 0, null, null, "internal", String.valueOf(e));
        } finally {
          metrics.finished();
        }
      } finally {
        place.leave();
      }
    } finally {
      limits.leave(webhook, run);
    }
  }

  /**
   * A 429 or 503 with {@code Retry-After}: the whole webhook waits, not just this task, as long as
   * this task itself waits (Retry-After capped by the schedule). Best-effort: this task's own retry
   * waits anyway.
   */
  private void pause(
      WebhookDirectory.Target t,
      Duration retryAfter,
      AttemptPolicy.Verdict verdict,
      Instant ended) {
    try {
      Duration pause =
          verdict.nextAttemptAt() == null
              ? retryAfter
              : Duration.between(ended, verdict.nextAttemptAt());
      rates.pause(
          t.webhook().id(),
          t.webhook().rateLimit(),
          pause.compareTo(retryAfter) < 0 ? pause : retryAfter);
    } catch (RuntimeException | Error e) { // the task's own retry waits anyway
      log.warn("could not pause webhook {}: {}", t.webhook().id(), e.toString());
    }
  }

  private static TaskResult settle(TaskRun run, TaskResult result) {
    return run.move(TaskState.WAITING, TaskState.DONE) ? result : null;
  }
}
