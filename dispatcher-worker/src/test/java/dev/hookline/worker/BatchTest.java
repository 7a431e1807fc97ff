package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.InMemoryDeliveries;
import dev.hookline.store.InMemoryStore;
import dev.hookline.store.InMemoryWebhooks;
import dev.hookline.store.Webhook;
import dev.hookline.store.WebhookHealth;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One batch through the task runner and the batch settler, wired as {@link WorkerAssembly} wires
 * them, without Kafka ({@link ConsumeLoop#process}): admission, attempts, recording, deferrals and
 * acknowledgements.
 */
class BatchTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  static final int DELIVERY_LIMIT = 5;

  /** What the batches sent straight to {@code hookline.dead-letter}. */
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final InMemoryStore db = new InMemoryStore();
  private final InMemoryWebhooks webhooks = db.webhooks();
  private final InMemoryDeliveries store = db.attempts();
  private final Map<ConsumerRecord<byte[], byte[]>, AcknowledgeType> acks =
      new ConcurrentHashMap<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    executor.shutdownNow();
    for (AutoCloseable c : closing) c.close();
  }

  private final InMemoryStore.Timers timers = db.retryTimers();
  private final InMemoryStore.Health health = db.webhookHealth();

  BatchTest() {
    store.onCall(log::add);
  }

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final List<CircuitBreakers.State> transitions = new CopyOnWriteArrayList<>();

  /** The retry schedule's jitter, uniform in [0, 1): 0.5 is no jitter. */
  private DoubleSupplier jitter = () -> 0.5;

  /** Told of every circuit transition, after {@link #transitions}. */
  private Consumer<CircuitBreakers.State> onTransition = state -> {};

  /** The runner and the settler of one worker. */
  private record Pipeline(
      TaskRunner runner, BatchSettler settler, LateAttempts late, FollowUps followUps) {
    void abortAfter(Duration grace) {
      settler.abortAfter(grace);
    }

    boolean awaitBackground(Duration timeout) throws InterruptedException {
      return late.await(timeout);
    }
  }

  private Pipeline processor(Deliverer deliverer, int maxInFlight) {
    return processor(deliverer, maxInFlight, 20, Duration.ofSeconds(10), 10);
  }

  private Pipeline processor(
      Deliverer deliverer, int maxInFlight, int perWebhook, Duration handoff, int breakerFailures) {
    return processor(deliverer, maxInFlight, perWebhook, handoff, handoff, breakerFailures);
  }

  /**
   * @param stalledAfter how long a webhook's running attempts go before a task at its cap stops
   *     waiting for them ({@link WebhookLimits}); the worker uses the hand-off time
   */
  private Pipeline processor(
      Deliverer deliverer,
      int maxInFlight,
      int perWebhook,
      Duration handoff,
      Duration stalledAfter,
      int breakerFailures) {
    WebhookDirectory directory = new WebhookDirectory(webhooks, Duration.ofSeconds(5));
    WorkerMetrics metrics = new WorkerMetrics(meters);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    EventPublisher publisher =
        EventPublisher.wrap(
            producer,
            EventCatalog.load(),
            PublisherConfig.builder("unused:9092").source(WorkerAssembly.EVENT_SOURCE).build());
    WebhookDisabler disabler = new WebhookDisabler(health, publisher, directory, metrics);
    CircuitBreakers breakers =
        new CircuitBreakers(
            breakerFailures,
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            state -> {
              transitions.add(state);
              metrics.circuitTransition(state);
              onTransition.accept(state);
            });
    FollowUps followUps = new FollowUps(health, disabler);
    GiveUp giveUp = new GiveUp(() -> DELIVERY_LIMIT, deadLetters::addAll, store, metrics, clock);
    LateAttempts late = new LateAttempts(store, followUps, metrics, giveUp);
    BatchSettler settler =
        new BatchSettler(
            new BatchSettler.Stores(store, timers, giveUp),
            followUps,
            late,
            metrics,
            clock,
            handoff);
    TaskRunner runner =
        new TaskRunner(
            new TaskRunner.Gates(
                directory, breakers, new WebhookLimits(perWebhook, stalledAfter), maxInFlight),
            deliverer,
            new AttemptPolicy(
                new RetrySchedule(RetrySchedule.DEFAULT_DELAYS, jitter), "worker-test"),
            late,
            metrics,
            clock);
    closing.add(runner);
    closing.add(followUps);
    return new Pipeline(runner, settler, late, followUps);
  }

  private BatchSettler.BatchResult process(
      Pipeline processor, List<ConsumerRecord<byte[], byte[]>> records) {
    BatchSettler.BatchResult result =
        ConsumeLoop.process(processor.runner(), processor.settler(), records, this::ack);
    assertThat(acks.keySet())
        .as("every record acknowledged")
        .containsExactlyInAnyOrderElementsOf(records);
    return result;
  }

  /**
   * {@link ConsumeLoop#process} in its steps, for a case about the state of its tasks at the
   * batch's deadline: the batch settles (at its deadline or later) only once {@code ready} holds
   * for its runs. On a busy machine a task may take longer than a short deadline to start or end.
   */
  private BatchSettler.BatchResult processOnce(
      Pipeline processor,
      List<ConsumerRecord<byte[], byte[]>> records,
      Predicate<List<TaskRun>> ready) {
    long deadline = processor.settler().deadlineFromNow();
    Phaser ended = BatchSettler.batch();
    List<TaskRun> runs = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records)
      runs.add(processor.runner().start(r, deadline, ended));
    await().atMost(Duration.ofSeconds(30)).until(() -> ready.test(runs));
    BatchSettler.BatchResult result =
        processor.settler().settle(runs, 0, deadline, ended, this::ack);
    assertThat(acks.keySet())
        .as("every record acknowledged")
        .containsExactlyInAnyOrderElementsOf(records);
    return result;
  }

  private void ack(ConsumerRecord<byte[], byte[]> record, AcknowledgeType type) {
    log.add("ack:" + type.name());
    AcknowledgeType previous = acks.put(record, type);
    assertThat(previous).as("acknowledged once").isNull();
  }

  private static boolean done(List<TaskRun> runs) {
    return runs.stream().allMatch(r -> r.future.isDone());
  }

  /** Answers by the webhook URL: "ok", "error", "gone". */
  private static Deliverer byUrl() {
    return (webhook, secrets, event, webhookId) ->
        switch (webhook.url()) {
          case "http://ok" -> new AttemptOutcome.Delivered(NOW, 12, 200, "fine");
          case "http://gone" ->
              new AttemptOutcome.Failed(NOW, 5, 410, "", "gone", "410 Gone", true);
          default -> new AttemptOutcome.Retry(NOW, 7, 500, "boom", "http_status", "HTTP 500");
        };
  }

  private Webhook add(String url) {
    return webhooks.add(Fixtures.webhook(url));
  }

  @Test
  void decodesDeliversRecordsOnceThenAccepts() {
    Webhook ok = add("http://ok");
    Webhook error = add("http://error");
    Webhook gone = add("http://gone");
    DeliveryTask okTask = Fixtures.task(ok.id(), 1, Trigger.EVENT);
    DeliveryTask retryTask = Fixtures.task(error.id(), 1, Trigger.EVENT);
    DeliveryTask lastTask = Fixtures.task(error.id(), 8, Trigger.RETRY);
    DeliveryTask testTask = Fixtures.task(error.id(), 1, Trigger.TEST);
    DeliveryTask goneTask = Fixtures.task(gone.id(), 1, Trigger.EVENT);
    DeliveryTask unknownTask = Fixtures.task(UUID.randomUUID(), 1, Trigger.EVENT);
    ConsumerRecord<byte[], byte[]> garbage =
        Fixtures.record("{not json".getBytes(StandardCharsets.UTF_8));
    ConsumerRecord<byte[], byte[]> wrongShape =
        Fixtures.record("{\"hello\": 1}".getBytes(StandardCharsets.UTF_8));
    ConsumerRecord<byte[], byte[]> empty = Fixtures.record((byte[]) null);
    List<ConsumerRecord<byte[], byte[]>> records =
        new ArrayList<>(List.of(garbage, wrongShape, empty));
    for (DeliveryTask t : List.of(okTask, retryTask, lastTask, testTask, goneTask, unknownTask)) {
      records.add(Fixtures.record(t));
    }

    BatchSettler.BatchResult result = process(processor(byUrl(), 10), records);

    assertThat(store.batches()).hasSize(1);
    Map<UUID, AttemptRecord> byDelivery = new java.util.HashMap<>();
    store.batches().get(0).forEach(a -> byDelivery.put(a.task().deliveryId(), a));
    assertThat(byDelivery).hasSize(5).doesNotContainKey(unknownTask.deliveryId());

    AttemptRecord succeeded = byDelivery.get(okTask.deliveryId());
    assertThat(succeeded.newStatus()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(succeeded.statusCode()).isEqualTo(200);
    assertThat(succeeded.responseExcerpt()).isEqualTo("fine");
    assertThat(succeeded.durationMs()).isEqualTo(12);
    assertThat(succeeded.workerId()).isEqualTo("worker-test");
    assertThat(succeeded.nextAttemptAt()).isNull();
    assertThat(Fixtures.asWritten(succeeded.task())).isEqualTo(okTask);

    AttemptRecord retrying = byDelivery.get(retryTask.deliveryId());
    assertThat(retrying.newStatus()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(retrying.nextAttemptAt()).isEqualTo(NOW.plusSeconds(5));
    assertThat(retrying.errorClass()).isEqualTo("http_status");

    assertThat(byDelivery.get(lastTask.deliveryId()).newStatus()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(byDelivery.get(lastTask.deliveryId()).nextAttemptAt()).isNull();
    assertThat(byDelivery.get(testTask.deliveryId()).newStatus()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(byDelivery.get(goneTask.deliveryId()).newStatus()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(byDelivery.get(goneTask.deliveryId()).statusCode()).isEqualTo(410);

    assertThat(acks.get(garbage)).isEqualTo(AcknowledgeType.REJECT);
    assertThat(acks.get(wrongShape)).isEqualTo(AcknowledgeType.REJECT);
    assertThat(acks.get(empty)).isEqualTo(AcknowledgeType.REJECT);
    assertThat(acks.entrySet().stream().filter(e -> e.getValue() == AcknowledgeType.ACCEPT))
        .hasSize(6);
    assertThat(result).isEqualTo(new BatchSettler.BatchResult(6, 0, 3, 0, false));

    // the attempts' ACCEPTs come only after the one store write
    int write = log.indexOf("recordAll:5");
    assertThat(write).isNotNegative();
    assertThat(log.subList(write + 1, log.size())).hasSize(5).allMatch("ack:ACCEPT"::equals);

    assertThat(meters.get(WorkerMetrics.DELIVERIES).tag("outcome", "succeeded").counter().count())
        .isEqualTo(1);
    assertThat(meters.get(WorkerMetrics.DELIVERIES).tag("outcome", "failed").counter().count())
        .isEqualTo(3);
    assertThat(meters.get(WorkerMetrics.DELIVERIES).tag("outcome", "rejected").counter().count())
        .isEqualTo(3);
    assertThat(
            meters.get(WorkerMetrics.ATTEMPT_DURATION).tag("outcome", "retrying").timer().count())
        .isEqualTo(1);
  }

  @Test
  void storeDownReleasesTheAttemptsInsteadOfAcceptingThem() {
    Webhook ok = add("http://ok");
    ConsumerRecord<byte[], byte[]> a = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    ConsumerRecord<byte[], byte[]> b = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    ConsumerRecord<byte[], byte[]> unknown =
        Fixtures.record(Fixtures.task(UUID.randomUUID(), 1, Trigger.EVENT));
    store.failWrites(new IllegalStateException("connection refused"), false);

    BatchSettler.BatchResult result = process(processor(byUrl(), 10), List.of(a, b, unknown));

    assertThat(result.storeFailed()).isTrue();
    assertThat(acks)
        .containsEntry(a, AcknowledgeType.RELEASE)
        .containsEntry(b, AcknowledgeType.RELEASE)
        .containsEntry(unknown, AcknowledgeType.ACCEPT);
    assertThat(store.batches()).isEmpty();
  }

  @Test
  void anAttemptTheStoreRefusesForGoodIsDeadLetteredAndAcceptedWithItsBatchMates() {
    Webhook ok = add("http://ok");
    DeliveryTask refused = Fixtures.task(ok.id(), 1, Trigger.EVENT);
    ConsumerRecord<byte[], byte[]> bad = Fixtures.record(refused);
    ConsumerRecord<byte[], byte[]> good = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    store.refuse(refused.deliveryId());

    BatchSettler.BatchResult result = process(processor(byUrl(), 10), List.of(bad, good));

    assertThat(result.storeFailed()).isFalse();
    assertThat(acks.values()).containsOnly(AcknowledgeType.ACCEPT);
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(Fixtures.asWritten(l.task())).isEqualTo(refused);
              assertThat(l.lastError().errorClass()).isEqualTo("unstorable");
              assertThat(l.lastError().statusCode()).isEqualTo(200);
            });
  }

  @Test
  void metricsThatThrowWhenCountingRejectedSkippedAndDeadLetteredTasksLeaveTheBatchSettled() {
    AtomicBoolean broken =
        breakMeters(
            WorkerMetrics.DELIVERIES, () -> new AssertionError("a meter registry gone wrong"));
    broken.set(true);
    Webhook ok = add("http://ok");
    ConsumerRecord<byte[], byte[]> unknown =
        Fixtures.record(Fixtures.task(UUID.randomUUID(), 1, Trigger.EVENT));
    DeliveryTask refused = Fixtures.task(ok.id(), 1, Trigger.EVENT);
    ConsumerRecord<byte[], byte[]> bad = Fixtures.record(refused);
    ConsumerRecord<byte[], byte[]> good = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    ConsumerRecord<byte[], byte[]> garbage =
        Fixtures.record("{not json".getBytes(StandardCharsets.UTF_8));
    store.refuse(refused.deliveryId());

    // counted before the tasks after them are started or settled
    var result = process(processor(byUrl(), 10), List.of(unknown, garbage, bad, good));

    assertThat(result).isEqualTo(new BatchSettler.BatchResult(3, 0, 1, 0, false));
    assertThat(acks)
        .containsEntry(garbage, AcknowledgeType.REJECT)
        .containsEntry(unknown, AcknowledgeType.ACCEPT)
        .containsEntry(bad, AcknowledgeType.ACCEPT)
        .containsEntry(good, AcknowledgeType.ACCEPT);
    assertThat(deadLetters)
        .singleElement()
        .satisfies(l -> assertThat(Fixtures.asWritten(l.task())).isEqualTo(refused));
    assertThat(store.recorded()).hasSize(1);
  }

  @Test
  void webhookLookupFailureReleasesTheTask() {
    Webhook ok = add("http://ok");
    webhooks.failWith(new IllegalStateException("database down"));
    ConsumerRecord<byte[], byte[]> r = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));

    process(processor(byUrl(), 10), List.of(r));

    assertThat(acks).containsEntry(r, AcknowledgeType.RELEASE);
    assertThat(log).doesNotContain("recordAll:1");
  }

  @Test
  void inactiveWebhookIsSkippedExceptForTestEvents() {
    Webhook inactive =
        webhooks.add(Fixtures.webhook(UUID.randomUUID(), "http://ok", 15, null, Map.of(), false));
    DeliveryTask event = Fixtures.task(inactive.id(), 1, Trigger.EVENT);
    DeliveryTask test = Fixtures.task(inactive.id(), 1, Trigger.TEST);

    process(processor(byUrl(), 10), List.of(Fixtures.record(event), Fixtures.record(test)));

    assertThat(store.recorded())
        .extracting(a -> a.task().deliveryId())
        .containsExactly(test.deliveryId());
    assertThat(acks.values()).containsOnly(AcknowledgeType.ACCEPT);
  }

  @Test
  void webhookLookupsAreCached() {
    Webhook ok = add("http://ok");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++)
      records.add(Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT)));
    Pipeline processor = processor(byUrl(), 1); // one at a time: no concurrent first loads

    process(processor, records);

    assertThat(webhooks.finds()).isEqualTo(1);
    assertThat(store.recorded()).hasSize(5);
  }

  @Test
  void runsDeliveriesConcurrentlyUpToTheInFlightLimit() throws Exception {
    Webhook ok = add("http://ok");
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch gate = new CountDownLatch(1);
    Deliverer slow =
        (webhook, secrets, event, webhookId) -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            gate.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          running.decrementAndGet();
          return new AttemptOutcome.Delivered(NOW, 1, 200, "");
        };
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 10; i++)
      records.add(Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT)));
    webhooks.find(ok.id()); // warm nothing; just make sure the store answers

    var result = executor.submit(() -> process(processor(slow, 3), records));
    await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 3);
    assertThat(meters.get(WorkerMetrics.IN_FLIGHT).gauge().value()).isEqualTo(3.0);
    gate.countDown();

    assertThat(result.get(10, TimeUnit.SECONDS).accepted()).isEqualTo(10);
    assertThat(maxRunning).hasValue(3);
    assertThat(store.recorded()).hasSize(10);
  }

  /**
   * The consumer thread waits for its batch as a whole ({@link BatchSettler#batch}): every task
   * arrives once its future is done, however it ends. A task whose deliverer failed, one that ended
   * before the wait began and one that ends during it all count, so the batch ends with its last
   * task, long before its deadline.
   */
  @Test
  void aBatchEndsWithItsLastTaskHoweverItsTasksEnd() throws Exception {
    Webhook ok = add("http://ok");
    Webhook broken = add("http://broken");
    Webhook slow = add("http://slow");
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch slowEnds = new CountDownLatch(1);
    Deliverer deliverer =
        (webhook, secrets, event, webhookId) -> {
          switch (webhook.url()) {
            case "http://broken" -> throw new AssertionError("a bug, not the receiver");
            case "http://slow" -> {
              slowStarted.countDown();
              try {
                slowEnds.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            default -> {}
          }
          return new AttemptOutcome.Delivered(NOW, 1, 200, "");
        };
    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(
            Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT)),
            Fixtures.record(Fixtures.task(broken.id(), 1, Trigger.EVENT)),
            Fixtures.record("{not json".getBytes(StandardCharsets.UTF_8)),
            Fixtures.record(Fixtures.task(slow.id(), 1, Trigger.EVENT)));
    // a deadline far beyond the test: only the tasks' ends can end this batch
    Pipeline processor = processor(deliverer, 10, 20, Duration.ofHours(1), 10);

    var result = executor.submit(() -> process(processor, records));
    assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
    slowEnds.countDown();

    // ok, broken and slow recorded and accepted; the garbage rejected
    assertThat(result.get(30, TimeUnit.SECONDS))
        .isEqualTo(new BatchSettler.BatchResult(3, 0, 1, 0, false));
    assertThat(store.recorded()).hasSize(3);
  }

  /**
   * A deliverer that throws an {@link Error} mid-attempt (a library's {@code StackOverflowError},
   * an {@code AssertionError}) may have sent its request: it is an attempt like any other, recorded
   * as failed with a retry scheduled, not left unrecorded to a retry timer as if still running.
   */
  @Test
  void aDelivererThatThrowsAnErrorIsAnAttemptRecordedForRetry() throws Exception {
    Webhook broken = add("http://broken");
    Deliverer deliverer =
        (webhook, secrets, event, webhookId) -> {
          throw new StackOverflowError("a library's endless recursion");
        };
    DeliveryTask task = Fixtures.task(broken.id(), 1, Trigger.EVENT);
    ConsumerRecord<byte[], byte[]> record = Fixtures.record(task);

    var result = process(processor(deliverer, 10), List.of(record));

    assertThat(result).isEqualTo(new BatchSettler.BatchResult(1, 0, 0, 0, false));
    assertThat(acks).containsEntry(record, AcknowledgeType.ACCEPT);
    assertThat(timers.deferrals()).as("not handed to the retry timer as still running").isEmpty();
    assertThat(store.recorded())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.task().deliveryId()).isEqualTo(task.deliveryId());
              assertThat(a.newStatus()).isEqualTo(DeliveryStatus.RETRYING);
              assertThat(a.errorClass()).isEqualTo("internal");
              assertThat(a.errorMessage()).contains("StackOverflowError");
              assertThat(a.nextAttemptAt()).isAfter(NOW);
            });
  }

  /**
   * One task through a pipeline whose code after the attempt may throw: its attempt must be
   * recorded (the only row of the batch) and its record accepted, nothing handed to the retry timer
   * as if the attempt were still running.
   */
  private AttemptRecord recordedAlone(Pipeline processor, DeliveryTask task) {
    ConsumerRecord<byte[], byte[]> record = Fixtures.record(task);

    var result = process(processor, List.of(record));

    assertThat(result).isEqualTo(new BatchSettler.BatchResult(1, 0, 0, 0, false));
    assertThat(acks).containsEntry(record, AcknowledgeType.ACCEPT);
    assertThat(timers.deferrals()).as("not handed to the retry timer unrecorded").isEmpty();
    assertThat(store.recorded())
        .singleElement()
        .satisfies(a -> assertThat(a.task().deliveryId()).isEqualTo(task.deliveryId()));
    return store.recorded().get(0);
  }

  @Test
  void aVerdictThatThrowsAfterTheAttemptStillRecordsItAsRetrying() {
    Webhook error = add("http://error");
    jitter =
        () -> {
          throw new IllegalStateException("a retry schedule gone wrong");
        };
    DeliveryTask task = Fixtures.task(error.id(), 1, Trigger.EVENT);

    AttemptRecord a = recordedAlone(processor(byUrl(), 10), task);

    // what happened on the wire, as the receiver answered
    assertThat(a.startedAt()).isEqualTo(NOW);
    assertThat(a.durationMs()).isEqualTo(7);
    assertThat(a.statusCode()).isEqualTo(500);
    assertThat(a.responseExcerpt()).isEqualTo("boom");
    assertThat(a.errorClass()).isEqualTo("http_status");
    assertThat(a.errorMessage()).isEqualTo("HTTP 500");
    assertThat(a.workerId()).isEqualTo("worker-test");
    // and the fallback verdict: retrying after attempt 1's fallback wait
    assertThat(a.newStatus()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(a.nextAttemptAt()).isEqualTo(NOW.plus(AttemptPolicy.FALLBACK_FIRST));
  }

  @Test
  void anErrorThrownAfterTheAttemptStillRecordsItAsRetrying() {
    Webhook error = add("http://error");
    jitter =
        () -> {
          throw new StackOverflowError("a library's endless recursion");
        };
    DeliveryTask task = Fixtures.task(error.id(), 3, Trigger.RETRY);

    AttemptRecord a = recordedAlone(processor(byUrl(), 10), task);

    assertThat(a.statusCode()).isEqualTo(500);
    assertThat(a.errorClass()).isEqualTo("http_status");
    assertThat(a.newStatus()).isEqualTo(DeliveryStatus.RETRYING);
    // after attempt 3: the fallback's first wait doubled twice
    assertThat(a.nextAttemptAt()).isEqualTo(NOW.plus(AttemptPolicy.FALLBACK_FIRST.multipliedBy(4)));
  }

  @Test
  void aCircuitBreakerThatThrowsKeepsTheAttemptsOwnVerdict() {
    Webhook error = add("http://error");
    onTransition =
        state -> {
          throw new AssertionError("a breaker listener gone wrong");
        };
    DeliveryTask task = Fixtures.task(error.id(), 1, Trigger.EVENT);

    // the first failure opens the circuit, and the transition throws
    AttemptRecord a = recordedAlone(processor(byUrl(), 10, 20, Duration.ofSeconds(10), 1), task);

    assertThat(transitions).containsExactly(CircuitBreakers.State.OPEN);
    assertThat(a.statusCode()).isEqualTo(500);
    assertThat(a.newStatus()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(a.nextAttemptAt()).as("the schedule's first step").isEqualTo(NOW.plusSeconds(5));
  }

  @Test
  void metricsThatThrowKeepTheAttemptsOwnVerdict() {
    Webhook ok = add("http://ok");
    breakMeters(
            WorkerMetrics.ATTEMPT_DURATION,
            () -> new IllegalStateException("a meter registry gone wrong"))
        .set(true);
    DeliveryTask task = Fixtures.task(ok.id(), 1, Trigger.EVENT);

    AttemptRecord a = recordedAlone(processor(byUrl(), 10), task);

    assertThat(a.statusCode()).isEqualTo(200);
    assertThat(a.responseExcerpt()).isEqualTo("fine");
    assertThat(a.newStatus()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(a.nextAttemptAt()).isNull();
  }

  /**
   * Makes the meter registry throw {@code failure} (a RuntimeException or an Error) when a meter
   * named {@code name} is registered, from when the returned flag is set.
   */
  private AtomicBoolean breakMeters(String name, Supplier<? extends Throwable> failure) {
    AtomicBoolean broken = new AtomicBoolean();
    meters
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                if (broken.get() && id.getName().equals(name)) {
                  Throwable t = failure.get();
                  if (t instanceof Error e) throw e;
                  throw (RuntimeException) t;
                }
                return id;
              }
            });
    return broken;
  }

  /** A task to http://slow, deferred by its batch while on the wire; it ends once released. */
  private record Late(Pipeline processor, DeliveryTask task, CountDownLatch release) {}

  private Late handedOff() {
    Webhook slow = add("http://slow");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowCalls = new AtomicInteger();
    DeliveryTask task = Fixtures.task(slow.id(), 1, Trigger.EVENT);
    Pipeline processor =
        processor(slowUntil(release, slowCalls), 10, 20, Duration.ofMillis(300), 10);
    BatchSettler.BatchResult result =
        processOnce(processor, List.of(Fixtures.record(task)), runs -> slowCalls.get() == 1);
    assertThat(result).isEqualTo(new BatchSettler.BatchResult(0, 0, 0, 1, false));
    return new Late(processor, task, release);
  }

  /** The messages logged at {@code level} by {@code type}'s logger while open. */
  private static final class Logged implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Logged(Class<?> type) {
      logger = (Logger) LoggerFactory.getLogger(type);
      appender.start();
      logger.addAppender(appender);
    }

    List<String> at(Level level) {
      synchronized (appender) { // appends hold it
        return appender.list.stream()
            .filter(e -> e.getLevel() == level)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
      }
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }

  /**
   * A webhook whose circuit {@code processor} (its breaker opening at the first failure) has just
   * opened: its next task is deferred to the circuit's end, without an attempt.
   */
  private Webhook openCircuit(Pipeline processor) {
    Webhook down = add("http://error");
    process(processor, List.of(Fixtures.record(Fixtures.task(down.id(), 1, Trigger.EVENT))));
    assertThat(transitions).containsExactly(CircuitBreakers.State.OPEN);
    acks.clear();
    return down;
  }

  /**
   * A batch of an attempt to {@code attempted} and a task to {@code down}, whose circuit is open:
   * both settled as if nothing had thrown, the attempt recorded and accepted, the other task's
   * deferral written and accepted.
   */
  private void attemptAndDeferralSettled(
      Pipeline processor, Webhook attempted, Webhook down, DeliveryStatus status) {
    DeliveryTask task = Fixtures.task(attempted.id(), 1, Trigger.EVENT);
    DeliveryTask later = Fixtures.task(down.id(), 2, Trigger.RETRY);
    ConsumerRecord<byte[], byte[]> made = Fixtures.record(task);
    ConsumerRecord<byte[], byte[]> deferred = Fixtures.record(later);

    var result = process(processor, List.of(made, deferred));

    assertThat(result).isEqualTo(new BatchSettler.BatchResult(1, 0, 0, 1, false));
    assertThat(acks)
        .containsEntry(made, AcknowledgeType.ACCEPT)
        .containsEntry(deferred, AcknowledgeType.ACCEPT);
    assertThat(store.recorded())
        .filteredOn(a -> a.task().webhookId().equals(attempted.id()))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.task().deliveryId()).isEqualTo(task.deliveryId());
              assertThat(a.newStatus()).isEqualTo(status);
            });
    assertThat(timers.deferrals())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(Fixtures.asWritten(d.task())).isEqualTo(later);
              assertThat(d.until()).isEqualTo(NOW.plusSeconds(30));
            });
  }

  @Test
  void metricsThatThrowWhenCountingTheBatchLeaveItSettled() {
    AtomicBoolean broken =
        breakMeters(
            WorkerMetrics.DELIVERIES,
            () -> new IllegalStateException("a meter registry gone wrong"));
    Pipeline processor = processor(byUrl(), 10, 20, Duration.ofSeconds(10), 1);
    Webhook down = openCircuit(processor);
    Webhook ok = add("http://ok");
    broken.set(true);

    try (Logged logged = new Logged(BatchSettler.class)) {
      attemptAndDeferralSettled(processor, ok, down, DeliveryStatus.SUCCEEDED);

      assertThat(logged.at(Level.ERROR))
          .as("once per step, with what it skipped")
          .hasSize(2)
          .anySatisfy(m -> assertThat(m).startsWith("counting 1 recorded attempts failed"))
          .anySatisfy(m -> assertThat(m).startsWith("counting 1 tasks as deferred failed"));
    }
    assertThat(meters.find(WorkerMetrics.DELIVERIES).tag("outcome", "succeeded").counter())
        .isNull();
  }

  @Test
  void followUpsThatThrowLeaveTheBatchSettled() {
    AtomicBoolean broken =
        breakMeters(
            WorkerMetrics.WEBHOOKS_DISABLED,
            () -> new AssertionError("a meter registry gone wrong"));
    Pipeline processor = processor(byUrl(), 10, 20, Duration.ofSeconds(10), 1);
    Webhook down = openCircuit(processor);
    Webhook gone = add("http://gone");
    // shutting down: the follow-ups run on the consumer thread, and the disabling's Error with them
    processor.followUps().close();
    broken.set(true);

    try (Logged logged = new Logged(BatchSettler.class)) {
      attemptAndDeferralSettled(processor, gone, down, DeliveryStatus.FAILED);

      assertThat(logged.at(Level.ERROR))
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m)
                      .startsWith("the follow-ups of 1 recorded attempts")
                      .contains(gone.id().toString()));
    }
    assertThat(health.disabled())
        .as("the follow-up threw after the disabling")
        .containsExactly(gone.id() + ":endpoint_gone");
  }

  /** A late attempt's store write throws an Error: logged, and its deferral makes it again. */
  @Test
  void aLateAttemptWhoseWriteThrowsAnErrorIsLoggedAndLeftToItsDeferral() throws Exception {
    Late late = handedOff();
    DeliveryTask slowTask = late.task();
    store.onCall(
        call -> {
          if (call.startsWith("recordAll")) throw new AssertionError("a store gone wrong");
        });

    try (Logged logged = new Logged(LateAttempts.class)) {
      late.release().countDown();
      assertThat(late.processor().awaitBackground(Duration.ofSeconds(5))).isTrue();

      assertThat(logged.at(Level.WARN))
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m)
                      .startsWith(
                          "could not record late attempt 1 of delivery " + slowTask.deliveryId())
                      .contains("a store gone wrong"));
    }
    assertThat(store.recorded()).isEmpty();
    assertThat(timers.deferrals())
        .as("the retry timer makes the attempt again")
        .singleElement()
        .satisfies(d -> assertThat(Fixtures.asWritten(d.task())).isEqualTo(slowTask));
  }

  /** Counting a late attempt throws: it is recorded, and its follow-ups run all the same. */
  @Test
  void aLateAttemptsFollowUpsRunWhenCountingItThrows() throws Exception {
    AtomicBoolean broken =
        breakMeters(
            WorkerMetrics.DELIVERIES,
            () -> new IllegalStateException("a meter registry gone wrong"));
    Late late = handedOff();
    broken.set(true);

    late.release().countDown();
    assertThat(late.processor().awaitBackground(Duration.ofSeconds(5))).isTrue();

    assertThat(store.recorded())
        .singleElement()
        .satisfies(a -> assertThat(Fixtures.asWritten(a.task())).isEqualTo(late.task()));
    assertThat(meters.find(WorkerMetrics.DELIVERIES).tag("outcome", "retrying").counter()).isNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                health.outcomes().stream()
                    .anyMatch(
                        o ->
                            o.webhookId().equals(late.task().webhookId())
                                && o.firstFailureAt() != null));
  }

  @Test
  void shutdownHandsDeliveriesStillRunningAfterTheGracePeriodToTheRetryTimer() throws Exception {
    Webhook ok = add("http://ok");
    Webhook stuck = add("http://stuck");
    CountDownLatch stuckStarted = new CountDownLatch(1);
    Function<Webhook, AttemptOutcome> answer =
        w -> {
          if (w.url().equals("http://stuck")) {
            stuckStarted.countDown();
            try {
              new CountDownLatch(1).await(); // until interrupted
            } catch (InterruptedException e) {
              throw new IllegalStateException("interrupted");
            }
          }
          return new AttemptOutcome.Delivered(NOW, 1, 200, "");
        };
    Pipeline processor = processor((w, s, e, id) -> answer.apply(w), 10);
    DeliveryTask stuckTask = Fixtures.task(stuck.id(), 1, Trigger.EVENT);
    ConsumerRecord<byte[], byte[]> fine = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    ConsumerRecord<byte[], byte[]> hanging = Fixtures.record(stuckTask);

    var result = executor.submit(() -> process(processor, List.of(fine, hanging)));
    assertThat(stuckStarted.await(5, TimeUnit.SECONDS)).isTrue();
    processor.abortAfter(Duration.ofMillis(200));

    BatchSettler.BatchResult r = result.get(5, TimeUnit.SECONDS);
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.deferred()).isEqualTo(1);
    assertThat(acks)
        .containsEntry(fine, AcknowledgeType.ACCEPT)
        .containsEntry(hanging, AcknowledgeType.ACCEPT);
    assertThat(store.recorded()).hasSize(1);
    // the attempt is on the wire: the timer fires only should its result never be recorded
    assertThat(timers.deferrals())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(Fixtures.asWritten(d.task())).isEqualTo(stuckTask);
              assertThat(d.until()).isEqualTo(NOW.plusSeconds(15).plus(BatchSettler.LATE_MARGIN));
            });
    assertThat(processor.awaitBackground(Duration.ZERO)).as("still running").isFalse();
  }

  /** Blocks deliveries to http://slow until released; everything else answers 200 at once. */
  private static Deliverer slowUntil(CountDownLatch release, AtomicInteger slowCalls) {
    return (webhook, secrets, event, webhookId) -> {
      if (webhook.url().equals("http://slow")) {
        slowCalls.incrementAndGet();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new AttemptOutcome.Retry(NOW, 3000, null, null, "timeout", "no response");
      }
      return new AttemptOutcome.Delivered(NOW, 5, 200, "ok");
    };
  }

  @Test
  void aSlowEndpointDoesNotHoldTheBatchItsAttemptRecordsItselfWhenItEnds() throws Exception {
    Webhook fast = add("http://ok");
    Webhook slow = add("http://slow");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowCalls = new AtomicInteger();
    DeliveryTask slowTask = Fixtures.task(slow.id(), 1, Trigger.EVENT);
    ConsumerRecord<byte[], byte[]> fastRecord =
        Fixtures.record(Fixtures.task(fast.id(), 1, Trigger.EVENT));
    ConsumerRecord<byte[], byte[]> slowRecord = Fixtures.record(slowTask);
    Pipeline processor =
        processor(slowUntil(release, slowCalls), 10, 20, Duration.ofMillis(300), 10);

    // settled once the fast task has ended and the slow one is on the wire; had the batch waited
    // for the slow one, it would be recorded with the batch and not deferred
    BatchSettler.BatchResult result =
        processOnce(
            processor,
            List.of(fastRecord, slowRecord),
            runs -> done(runs.subList(0, 1)) && slowCalls.get() == 1);

    assertThat(result).isEqualTo(new BatchSettler.BatchResult(1, 0, 0, 1, false));
    assertThat(acks)
        .containsEntry(fastRecord, AcknowledgeType.ACCEPT)
        .containsEntry(slowRecord, AcknowledgeType.ACCEPT);
    assertThat(store.recorded()).extracting(a -> a.task().webhookId()).containsExactly(fast.id());
    assertThat(timers.deferrals())
        .extracting(d -> Fixtures.asWritten(d.task()))
        .containsExactly(slowTask);

    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.recorded().size() == 2);
    AttemptRecord late = store.recorded().get(1);
    assertThat(Fixtures.asWritten(late.task())).isEqualTo(slowTask);
    assertThat(late.newStatus()).isEqualTo(DeliveryStatus.RETRYING);
    assertThat(processor.awaitBackground(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void tasksBeyondTheWebhooksConcurrencyCapAreDeferredWithoutAnAttempt() throws Exception {
    Webhook fast = add("http://ok");
    Webhook slow = add("http://slow");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowCalls = new AtomicInteger();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++)
      records.add(Fixtures.record(Fixtures.task(slow.id(), 1, Trigger.EVENT)));
    for (int i = 0; i < 5; i++)
      records.add(Fixtures.record(Fixtures.task(fast.id(), 1, Trigger.EVENT)));
    Pipeline processor =
        processor(slowUntil(release, slowCalls), 100, 2, Duration.ofMillis(300), 10);

    // settled once the fast ones have ended and the slow webhook's two places are taken
    BatchSettler.BatchResult result =
        processOnce(processor, records, runs -> done(runs.subList(5, 10)) && slowCalls.get() == 2);
    release.countDown();

    assertThat(slowCalls).as("two at a time to the slow webhook").hasValue(2);
    assertThat(result.accepted()).isEqualTo(5);
    assertThat(result.deferred()).isEqualTo(5);
    assertThat(acks.values()).containsOnly(AcknowledgeType.ACCEPT);
    // the three that never started wait for the running ones' timeout; none spends an attempt
    assertThat(timers.deferrals())
        .hasSize(5)
        .allSatisfy(d -> assertThat(d.task().attempt()).isEqualTo(1));
    assertThat(timers.deferrals())
        .filteredOn(d -> d.until().equals(NOW.plusSeconds(15)))
        .hasSize(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.recorded().size() == 7);
  }

  @Test
  void tasksOfAWebhookStuckAtItsCapDoNotHoldTheNextBatch() throws Exception {
    // a webhook each for the fast tasks: three to one webhook at the cap of 2, the third would be
    // deferred as stalled whenever the other two were still on the wire (a busy machine)
    List<Webhook> fast = List.of(add("http://ok"), add("http://ok"), add("http://ok"));
    Webhook slow = add("http://slow");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowCalls = new AtomicInteger();
    // Running attempts count as stalled at once, and a batch's deadline is 5 minutes: a second
    // batch that waited for a place at the cap could end only after the stuck attempts do, which
    // they never do before it is checked. (In the worker, stalled = running for the hand-off time.)
    Pipeline processor =
        processor(slowUntil(release, slowCalls), 100, 2, Duration.ofMinutes(5), Duration.ZERO, 10);
    List<ConsumerRecord<byte[], byte[]>> first = new ArrayList<>();
    for (int i = 0; i < 2; i++)
      first.add(Fixtures.record(Fixtures.task(slow.id(), 1, Trigger.EVENT)));
    List<ConsumerRecord<byte[], byte[]>> second = new ArrayList<>();
    for (int i = 0; i < 3; i++)
      second.add(Fixtures.record(Fixtures.task(slow.id(), 1, Trigger.EVENT)));
    for (Webhook f : fast) second.add(Fixtures.record(Fixtures.task(f.id(), 1, Trigger.EVENT)));
    Map<ConsumerRecord<byte[], byte[]>, AcknowledgeType> firstAcks = new ConcurrentHashMap<>();
    ExecutorService consumers = Executors.newFixedThreadPool(2); // two consumers of one worker
    try {
      Future<BatchSettler.BatchResult> firstBatch =
          consumers.submit(
              () ->
                  ConsumeLoop.process(
                      processor.runner(), processor.settler(), first, firstAcks::put));
      await().atMost(Duration.ofSeconds(30)).until(() -> slowCalls.get() == 2);

      Future<BatchSettler.BatchResult> secondBatch =
          consumers.submit(() -> process(processor, second));
      await()
          .atMost(Duration.ofSeconds(60))
          .alias("the second batch ends while the stuck webhook's attempts still run")
          .until(secondBatch::isDone);
      assertThat(firstBatch).isNotDone();
      BatchSettler.BatchResult result = secondBatch.get();
      assertThat(slowCalls).as("none of the second batch went to the stuck webhook").hasValue(2);
      assertThat(result.accepted()).isEqualTo(3);
      assertThat(result.deferred()).isEqualTo(3);
      // the three wait for the stuck attempts' timeout, without spending an attempt
      assertThat(timers.deferrals())
          .filteredOn(d -> d.until().equals(NOW.plusSeconds(15)))
          .hasSize(3)
          .allSatisfy(d -> assertThat(d.task().attempt()).isEqualTo(1));

      release.countDown();
      firstBatch.get(60, TimeUnit.SECONDS);
      assertThat(firstAcks.keySet()).containsExactlyInAnyOrderElementsOf(first);
    } finally {
      release.countDown();
      consumers.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> store.recorded().size() == 5);
  }

  @Test
  void anOpenCircuitDefersTasksWithoutAnAttemptButLetsTestEventsThrough() {
    Webhook down = add("http://error");
    AtomicInteger calls = new AtomicInteger();
    Deliverer failing =
        (w, s, e, id) -> {
          calls.incrementAndGet();
          return new AttemptOutcome.Retry(NOW, 3, 500, "boom", "http_status", "HTTP 500");
        };
    Pipeline processor =
        processor(failing, 1, 20, Duration.ofSeconds(10), 3); // one at a time: ordered
    List<ConsumerRecord<byte[], byte[]>> first = new ArrayList<>();
    for (int i = 0; i < 3; i++)
      first.add(Fixtures.record(Fixtures.task(down.id(), 1, Trigger.EVENT)));
    process(processor, first);
    assertThat(transitions).containsExactly(CircuitBreakers.State.OPEN);
    acks.clear();

    DeliveryTask later = Fixtures.task(down.id(), 2, Trigger.RETRY);
    DeliveryTask test = Fixtures.task(down.id(), 1, Trigger.TEST);
    BatchSettler.BatchResult result =
        process(processor, List.of(Fixtures.record(later), Fixtures.record(test)));

    assertThat(calls).as("only the test event went out").hasValue(4);
    assertThat(result.deferred()).isEqualTo(1);
    assertThat(timers.deferrals())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(Fixtures.asWritten(d.task())).isEqualTo(later);
              assertThat(d.until()).isEqualTo(NOW.plusSeconds(30));
            });
    assertThat(meters.get(WorkerMetrics.CIRCUIT_TRANSITIONS).tag("to", "open").counter().count())
        .isEqualTo(1);
  }

  @Test
  void goneDisablesTheWebhookOnceAndAnnouncesIt() throws Exception {
    Webhook gone = add("http://gone");
    process(
        processor(byUrl(), 10),
        List.of(
            Fixtures.record(Fixtures.task(gone.id(), 1, Trigger.EVENT)),
            Fixtures.record(Fixtures.task(gone.id(), 1, Trigger.EVENT))));

    await().atMost(Duration.ofSeconds(5)).until(() -> !producer.history().isEmpty());
    assertThat(health.disabled()).containsExactly(gone.id() + ":endpoint_gone");
    var event = producer.history().get(0);
    assertThat(event.topic()).isEqualTo("events.hookline");
    assertThat(event.key()).isEqualTo(gone.id().toString());
    assertThat(new String(event.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
        .isEqualTo("hookline.webhook.disabled");
    var data = dev.hookline.schemas.Json.readTree(event.value());
    assertThat(data.get("reason").asText()).isEqualTo("endpoint_gone");
    assertThat(data.get("url").asText()).isEqualTo("http://gone");
    assertThat(health.outcomes()).extracting(WebhookHealth.Outcome::webhookId).contains(gone.id());
  }

  @Test
  void retryAfterIsHonouredUpToTwiceTheScheduledStep() {
    // one webhook each: a Retry-After pauses its whole webhook, which would park the others
    Map<String, Duration> asked =
        Map.of("a", Duration.ofSeconds(7), "b", Duration.ofHours(1), "c", Duration.ofSeconds(1));
    Deliverer deliverer =
        (w, s, e, id) ->
            new AttemptOutcome.Retry(
                NOW, 3, 429, "", "http_status", "HTTP 429", asked.get(e.source()));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<String, UUID> deliveryBySource = new java.util.HashMap<>();
    for (String source : asked.keySet()) {
      DeliveryTask t = Fixtures.task(add("http://busy-" + source).id(), 1, Trigger.EVENT);
      t =
          new DeliveryTask(
              t.deliveryId(),
              t.webhookId(),
              1,
              1,
              Trigger.EVENT,
              new dev.hookline.schemas.Event(
                  t.event().id(),
                  t.event().type(),
                  source,
                  t.event().time(),
                  t.event().data(),
                  null),
              null);
      deliveryBySource.put(source, t.deliveryId());
      records.add(Fixtures.record(t));
    }

    process(processor(deliverer, 10), records);

    Map<UUID, Instant> next = new java.util.HashMap<>();
    store.recorded().forEach(a -> next.put(a.task().deliveryId(), a.nextAttemptAt()));
    assertThat(next.get(deliveryBySource.get("a"))).isEqualTo(NOW.plusSeconds(7));
    assertThat(next.get(deliveryBySource.get("b")))
        .as("capped at 2 x 5 s")
        .isEqualTo(NOW.plusSeconds(10));
    assertThat(next.get(deliveryBySource.get("c")))
        .as("never sooner than our step")
        .isEqualTo(NOW.plusSeconds(5));
  }

  @Test
  void a429WithRetryAfterPausesTheWholeWebhookNotJustItsTask() {
    Webhook busy = add("http://busy");
    Webhook calm = add("http://calm");
    List<String> called = new java.util.concurrent.CopyOnWriteArrayList<>();
    Deliverer deliverer =
        (w, s, e, id) -> {
          called.add(w.url());
          return w.url().equals("http://busy")
              ? new AttemptOutcome.Retry(
                  NOW, 3, 429, "", "http_status", "HTTP 429", Duration.ofSeconds(8))
              : new AttemptOutcome.Delivered(NOW, 3, 200, "ok");
        };
    // batches of 2 s: the pause (8 s, within the schedule's cap) outlasts the next one
    Pipeline processor = processor(deliverer, 10, 20, Duration.ofSeconds(2), 10);
    process(processor, List.of(Fixtures.record(Fixtures.task(busy.id(), 1, Trigger.EVENT))));
    assertThat(called).containsExactly("http://busy");
    acks.clear(); // the next batch's records

    DeliveryTask waiting = Fixtures.task(busy.id(), 1, Trigger.EVENT);
    process(
        processor,
        List.of(
            Fixtures.record(waiting), Fixtures.record(Fixtures.task(calm.id(), 1, Trigger.EVENT))));

    assertThat(called)
        .as("no request to the paused webhook")
        .containsExactly("http://busy", "http://calm");
    assertThat(timers.deferrals())
        .as("its next task waits for the pause, with no attempt")
        .singleElement()
        .satisfies(
            d -> {
              assertThat(Fixtures.asWritten(d.task())).isEqualTo(waiting);
              assertThat(d.until()).isAfter(NOW.plusSeconds(6)); // the worker's clock
            });
  }

  @Test
  void aFailedDeferralReleasesTheTaskAndStopsItsAttempt() {
    Webhook slow = add("http://slow");
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger slowCalls = new AtomicInteger();
    timers.failWith(new IllegalStateException("database down"));
    ConsumerRecord<byte[], byte[]> r = Fixtures.record(Fixtures.task(slow.id(), 1, Trigger.EVENT));
    Pipeline processor = processor(slowUntil(never, slowCalls), 10, 20, Duration.ofMillis(200), 10);

    // settled once the attempt is running: on a busy machine the task may not have its place
    // within the 200 ms, and settled then it would be handed off with no attempt to stop
    BatchSettler.BatchResult result =
        processOnce(processor, List.of(r), runs -> slowCalls.get() == 1);

    assertThat(result.storeFailed()).isTrue();
    assertThat(acks).containsEntry(r, AcknowledgeType.RELEASE);
    assertThat(slowCalls).hasValue(1);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> store.recorded().isEmpty()); // the interrupted attempt is not recorded
  }
}
