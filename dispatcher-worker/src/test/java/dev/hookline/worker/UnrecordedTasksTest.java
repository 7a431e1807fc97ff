package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.producer.EventPublisher;
import dev.hookline.producer.PublisherConfig;
import dev.hookline.schemas.DeadLetter;
import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Event;
import dev.hookline.schemas.EventCatalog;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.Database;
import dev.hookline.store.DatabaseConfig;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.DeliveryView;
import dev.hookline.store.SecretCipher;
import dev.hookline.store.TestPostgres;
import dev.hookline.store.TestWebhooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, items 2 and 3, on a real PostgreSQL: a task the worker cannot record is never released
 * into the broker's archive. Before its last share-group delivery it is released (and the loop
 * backs off); at its last one it is recorded as failed, or dead-lettered, and accepted.
 */
class UnrecordedTasksTest {
  private static final int LIMIT = 5;

  private DatabaseConfig config;
  private Database db;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private final Map<ConsumerRecord<byte[], byte[]>, AcknowledgeType> acks =
      new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void open() {
    config = TestPostgres.freshDatabase();
    db = Database.open(config, SecretCipher.fromBase64Key(SecretCipher.generateKey()));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) c.close();
    db.close();
  }

  private UUID webhook() {
    return db.webhooks()
        .create(
            TestWebhooks.newWebhook()
                .url("http://receiver.test/hook")
                .events("payment_received")
                .build())
        .webhook()
        .id();
  }

  /** One batch through the runner and the settler, wired as {@link WorkerAssembly} wires them. */
  private BatchSettler.BatchResult batch(
      Database store, AttemptRecorder attempts, List<ConsumerRecord<byte[], byte[]>> records) {
    WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry());
    Clock clock = Clock.systemUTC();
    WebhookDirectory directory = new WebhookDirectory(store.webhooks(), Duration.ofSeconds(5));
    EventPublisher publisher =
        EventPublisher.wrap(
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()),
            EventCatalog.load(),
            PublisherConfig.builder("unused:9092").source(WorkerAssembly.EVENT_SOURCE).build());
    FollowUps followUps =
        new FollowUps(
            store.webhookHealth(),
            new WebhookDisabler(store.webhookHealth(), publisher, directory, metrics));
    GiveUp giveUp = new GiveUp(() -> LIMIT, deadLetters::addAll, attempts, metrics, clock);
    LateAttempts late = new LateAttempts(attempts, followUps, metrics, giveUp);
    Deliverer http =
        (webhook, secrets, event, webhookId) -> {
          requests.incrementAndGet();
          return new AttemptOutcome.Delivered(Instant.now(), 3, 200, "ok");
        };
    TaskRunner runner =
        new TaskRunner(
            new TaskRunner.Gates(
                directory,
                new CircuitBreakers(10, Duration.ofSeconds(30), Duration.ofMinutes(10), s -> {}),
                new WebhookLimits(20, Duration.ofSeconds(10)),
                10),
            http,
            new AttemptPolicy(RetrySchedule.of(RetrySchedule.DEFAULT_DELAYS), "worker-test"),
            late,
            metrics,
            clock);
    closing.add(runner);
    closing.add(followUps);
    BatchSettler settler =
        new BatchSettler(
            new BatchSettler.Stores(attempts, store.retryTimers(), giveUp),
            followUps,
            late,
            metrics,
            clock,
            Duration.ofSeconds(10));
    return ConsumeLoop.process(runner, settler, records, acks::put);
  }

  @Test
  void aSecretNoConfiguredKeyDecryptsIsReleasedWithABackoffThenDeadLetteredAtTheLastDelivery() {
    DeliveryTask task = Fixtures.task(webhook(), 1, Trigger.EVENT);
    // the worker was started with another key than the one that encrypted the secret
    Database wrongKey =
        Database.open(config, SecretCipher.fromBase64Key(SecretCipher.generateKey()));
    closing.add(wrongKey);

    ConsumerRecord<byte[], byte[]> early = Fixtures.record(task, 2);
    BatchSettler.BatchResult first = batch(wrongKey, wrongKey.attempts(), List.of(early));
    assertThat(acks).containsEntry(early, AcknowledgeType.RELEASE);
    assertThat(first.storeFailed()).as("the loop backs off as after a failed write").isTrue();
    assertThat(deadLetters).isEmpty();

    ConsumerRecord<byte[], byte[]> last = Fixtures.record(task, LIMIT);
    batch(wrongKey, wrongKey.attempts(), List.of(last));
    assertThat(acks).containsEntry(last, AcknowledgeType.ACCEPT);
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(Fixtures.asWritten(l.task())).isEqualTo(task);
              assertThat(l.lastError().errorClass()).isEqualTo("webhook_lookup");
              assertThat(l.lastError().message())
                  .startsWith("webhook lookup failed: ")
                  .endsWith("at delivery 5 of 5");
            });
    assertThat(requests).hasValue(0);
  }

  @Test
  void anAttemptRecordedNowhereIsRecordedFailedAtItsLastDeliveryAndTheRetryTimerDeadLettersIt()
      throws Exception {
    UUID webhook = webhook();
    DeliveryTask early = Fixtures.task(webhook, 1, Trigger.EVENT);
    DeliveryTask last = Fixtures.task(webhook, 1, Trigger.EVENT);
    // PostgreSQL answers but refuses the batch (a serialization failure, say), once per batch
    AttemptRecorder refusingOnce = new RefusingOnce(db.attempts());

    ConsumerRecord<byte[], byte[]> earlyRecord = Fixtures.record(early, 1);
    ConsumerRecord<byte[], byte[]> lastRecord = Fixtures.record(last, LIMIT);
    BatchSettler.BatchResult result = batch(db, refusingOnce, List.of(earlyRecord, lastRecord));

    assertThat(result.storeFailed()).isTrue();
    assertThat(acks)
        .containsEntry(earlyRecord, AcknowledgeType.RELEASE)
        .containsEntry(lastRecord, AcknowledgeType.ACCEPT);
    assertThat(db.deliveries().find(early.deliveryId())).isEmpty();
    DeliveryView failed = db.deliveries().find(last.deliveryId()).orElseThrow();
    assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(failed.lastError())
        .startsWith("unrecorded: could not be recorded at delivery 5 of 5");
    assertThat(failed.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.statusCode()).isEqualTo(200));
    List<DeadLetter> letters = new ArrayList<>();
    db.retryTimers().publishDeadLetters(10, letters::addAll);
    assertThat(letters).extracting(l -> l.task().deliveryId()).containsExactly(last.deliveryId());
  }

  @Test
  void anEventPostgresCannotIndexNeverFailsItsBatchMates() {
    UUID webhook = webhook();
    DeliveryTask good = Fixtures.task(webhook, 1, Trigger.EVENT);
    Event e = good.event();
    StringBuilder id = new StringBuilder("evt_"); // 7 KB, random enough not to compress
    for (int i = 0; i < 200; i++) id.append(UUID.randomUUID());
    Event tooLong = new Event(id.toString(), e.type(), e.source(), e.time(), e.data(), null);
    DeliveryTask bad =
        new DeliveryTask(
            DeliveryTask.deliveryIdFor(tooLong, webhook),
            webhook,
            1,
            1,
            Trigger.EVENT,
            tooLong,
            null);

    List<ConsumerRecord<byte[], byte[]>> records =
        List.of(Fixtures.record(good, 1), Fixtures.record(bad, 1));
    BatchSettler.BatchResult result = batch(db, db.attempts(), records);

    assertThat(result.storeFailed()).isFalse();
    assertThat(acks.values()).containsOnly(AcknowledgeType.ACCEPT);
    assertThat(db.deliveries().find(good.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.SUCCEEDED);
    DeliveryView set = db.deliveries().find(bad.deliveryId()).orElseThrow();
    assertThat(set.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(set.lastError()).startsWith("unstorable: SQLState 54000");
    assertThat(requests).hasValue(2);
  }

  /** Refuses the first write of each batch as PostgreSQL would while still answering. */
  private static final class RefusingOnce implements AttemptRecorder {
    private final AttemptRecorder real;
    private final AtomicInteger calls = new AtomicInteger();

    RefusingOnce(AttemptRecorder real) {
      this.real = real;
    }

    @Override
    public List<Refused> recordAll(List<AttemptRecord> attempts) {
      if (calls.getAndIncrement() == 0) {
        throw new IllegalStateException("could not serialize access (SQLState 40001)");
      }
      return real.recordAll(attempts);
    }

    @Override
    public void ping() {
      real.ping();
    }
  }
}
