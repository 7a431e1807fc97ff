package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.Topics;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.InMemoryDeliveries;
import dev.hookline.store.InMemoryStore;
import dev.hookline.store.InMemoryWebhooks;
import dev.hookline.store.Webhook;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherWorkerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  private final InMemoryStore db = new InMemoryStore();
  private final InMemoryWebhooks webhooks = db.webhooks();
  private final InMemoryDeliveries store = db.attempts();
  private final List<String> storeCalls = new CopyOnWriteArrayList<>();
  private final InMemoryStore.Timers timers = db.retryTimers();

  DispatcherWorkerTest() {
    store.onCall(storeCalls::add);
  }

  private final FakeShareConsumer consumer = new FakeShareConsumer();
  private final CountDownLatch unblock = new CountDownLatch(1);
  private DispatcherWorker worker;

  @AfterEach
  void stop() {
    unblock.countDown();
    if (worker != null) worker.close();
  }

  private DispatcherWorker start(Duration grace) {
    WorkerConfig config =
        WorkerConfig.builder("unused:9092", "w1")
            .consumers(1) // one fake consumer
            .maxInFlight(8)
            .pollTimeout(Duration.ofMillis(100))
            .shutdownGrace(grace)
            .build();
    Deliverer deliverer =
        (webhook, secrets, event, webhookId) -> {
          if (webhook.url().equals("http://stuck")) {
            try {
              unblock.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException("interrupted by shutdown");
            }
          }
          return webhook.url().equals("http://ok")
              ? new AttemptOutcome.Delivered(NOW, 3, 204, "")
              : new AttemptOutcome.Retry(NOW, 3, 503, "later", "http_status", "HTTP 503");
        };
    worker =
        WorkerAssembly.assemble(
            config,
            stores(),
            new SimpleMeterRegistry(),
            new WorkerAssembly.Clients(() -> consumer, producer(), deliverer, Clock.systemUTC()));
    worker.start();
    return worker;
  }

  private WorkerAssembly.Stores stores() {
    return new WorkerAssembly.Stores(
        webhooks, store, timers, db.webhookHealth(), db.circuitBreakers(), db.rateBudgets());
  }

  private static MockProducer<String, byte[]> producer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  @Test
  void pollsDeliversRecordsAcknowledgesAndCommits() {
    Webhook ok = webhooks.add(Fixtures.webhook("http://ok"));
    Webhook down = webhooks.add(Fixtures.webhook("http://down"));
    consumer.queue.add(Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT)));
    consumer.queue.add(Fixtures.record(Fixtures.task(down.id(), 1, Trigger.EVENT)));
    consumer.queue.add(Fixtures.record("garbage".getBytes(StandardCharsets.UTF_8)));
    start(Duration.ofSeconds(5)); // after queueing, so that one poll gets all three

    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.events.contains("commit"));

    assertThat(consumer.subscription()).containsExactly(Topics.DELIVERIES);
    assertThat(store.recorded())
        .extracting(a -> a.newStatus())
        .containsExactlyInAnyOrder(DeliveryStatus.SUCCEEDED, DeliveryStatus.RETRYING);
    assertThat(consumer.events)
        .containsExactly("poll:3", "ack:REJECT", "ack:ACCEPT", "ack:ACCEPT", "commit");
    assertThat(worker.isRunning()).isTrue();

    worker.close();
    assertThat(consumer.closed).isTrue();
    assertThat(worker.isRunning()).isFalse();
  }

  @Test
  void storeOutageReleasesTheBatchBacksOffAndRecordsItLater() {
    Webhook ok = webhooks.add(Fixtures.webhook("http://ok"));
    store.failWrites(new IllegalStateException("database down"), false);
    start(Duration.ofSeconds(5));
    ConsumerRecord<byte[], byte[]> record =
        Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    consumer.queue.add(record);

    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.events.contains("ack:RELEASE"));
    assertThat(store.recorded()).isEmpty();
    // while PostgreSQL is down the worker asks it, not Kafka: the task is not taken and released
    // again at every poll (each time would count against its share group delivery limit)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> storeCalls.stream().filter("ping"::equals).count() >= 2);
    assertThat(consumer.events.stream().filter("ack:RELEASE"::equals)).hasSize(1);
    assertThat(consumer.events.stream().filter(e -> e.startsWith("poll:"))).hasSize(1);
    store.failWrites(null, false);

    await().atMost(Duration.ofSeconds(10)).until(() -> store.recorded().size() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> consumer.lastAck.get(record) == AcknowledgeType.ACCEPT);
    assertThat(consumer.events)
        .containsSubsequence("ack:RELEASE", "commit", "poll:1", "ack:ACCEPT", "commit");
  }

  @Test
  void aWriteFailingWhilePostgresAnswersIsRetriedAfterABackOffNotAtEveryPoll() {
    Webhook ok = webhooks.add(Fixtures.webhook("http://ok"));
    store.failWrites(new IllegalStateException("conflict"), true);
    start(Duration.ofSeconds(5));
    consumer.queue.add(Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT)));

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> consumer.events.contains("ack:RELEASE"));
    long released = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> consumer.events.stream().filter("poll:1"::equals).count() >= 2);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);

    // PostgreSQL answered, so the worker was not paused; its consumer backed off before retrying
    assertThat(ms).as("back-off before the task is taken again").isGreaterThanOrEqualTo(800);
    store.failWrites(null, false);
    await().atMost(Duration.ofSeconds(10)).until(() -> store.recorded().size() == 1);
  }

  @Test
  void closeLetsRunningDeliveriesFinishWithinTheGraceThenHandsTheRestToTheRetryTimer() {
    Webhook ok = webhooks.add(Fixtures.webhook("http://ok"));
    Webhook stuck = webhooks.add(Fixtures.webhook("http://stuck"));
    ConsumerRecord<byte[], byte[]> fine = Fixtures.record(Fixtures.task(ok.id(), 1, Trigger.EVENT));
    ConsumerRecord<byte[], byte[]> hanging =
        Fixtures.record(Fixtures.task(stuck.id(), 1, Trigger.EVENT));
    consumer.queue.add(fine);
    consumer.queue.add(hanging);
    start(Duration.ofMillis(300)); // after queueing: one batch of both
    await().atMost(Duration.ofSeconds(5)).until(() -> consumer.events.contains("poll:2"));

    long start = System.nanoTime();
    worker.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(ms).isBetween(250L, 5_000L);
    assertThat(consumer.lastAck)
        .containsEntry(fine, AcknowledgeType.ACCEPT)
        .containsEntry(hanging, AcknowledgeType.ACCEPT);
    assertThat(store.recorded()).hasSize(1);
    assertThat(timers.deferrals())
        .singleElement()
        .satisfies(d -> assertThat(d.task().webhookId()).isEqualTo(stuck.id()));
    assertThat(consumer.events).endsWith("commit", "close");
    assertThat(worker.isRunning()).isFalse();
  }

  @Test
  void closeWithoutStartIsHarmlessAndStartAfterCloseIsRefused() {
    WorkerConfig config = WorkerConfig.defaults("unused:9092", "w2");
    DispatcherWorker idle =
        WorkerAssembly.assemble(
            config,
            stores(),
            new SimpleMeterRegistry(),
            new WorkerAssembly.Clients(
                () -> consumer,
                producer(),
                new HttpDeliverer(1, "test", Clock.systemUTC(), config.addressPolicy()),
                Clock.systemUTC()));
    idle.close();
    idle.close();
    assertThatThrownBy(idle::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void configIsValidated() {
    WorkerConfig ok = WorkerConfig.defaults("localhost:9092", "w1");
    assertThat(ok.maxInFlight()).isEqualTo(200);
    // the in-flight places are shared among the consumers' polls, none polls more than its share
    assertThat(ok.consumers()).isEqualTo(4);
    assertThat(ok.maxPollRecords()).isEqualTo(50);
    assertThat(ok.toBuilder().maxInFlight(2).build().consumers()).isEqualTo(2);
    assertThat(ok.toBuilder().maxInFlight(2).build().maxPollRecords()).isEqualTo(1);
    assertThat(ok.toBuilder().consumers(1).build().maxPollRecords()).isEqualTo(200);
    assertThat(ok.toBuilder().build()).isEqualTo(ok);
    assertThatThrownBy(() -> ok.toBuilder().consumers(0).build()).hasMessageContaining("consumers");
    assertThat(ok.retrySchedule()).isNull();
    assertThat(ok.toBuilder().retrySchedule(List.of(Duration.ofSeconds(1))).build().retrySchedule())
        .hasSize(1);
    assertThatThrownBy(() -> WorkerConfig.defaults(" ", "w1"))
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> WorkerConfig.defaults("x:1", "")).hasMessageContaining("workerId");
    assertThatThrownBy(() -> ok.toBuilder().maxInFlight(0).build())
        .hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> ok.toBuilder().pollTimeout(Duration.ZERO).build())
        .hasMessageContaining("pollTimeout");
    assertThatThrownBy(() -> ok.toBuilder().retrySchedule(List.of(Duration.ofSeconds(-1))).build())
        .hasMessageContaining("negative");
    assertThat(ok.allowedNetworks()).isEmpty();
    assertThat(
            ok.toBuilder()
                .allowedNetworks(List.of("127.0.0.0/8", "::1/128"))
                .build()
                .allowedNetworks())
        .hasSize(2);
    assertThatThrownBy(() -> ok.toBuilder().allowedNetworks(List.of("10.0.0.0/33")).build())
        .hasMessageContaining("10.0.0.0/33");
    assertThat(ok.isolation()).isEqualTo(Isolation.defaults());
    assertThatThrownBy(
            () ->
                new Isolation(
                    0, 10, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("maxInFlightPerWebhook");
    Isolation shorter =
        Isolation.defaults().withBreakerCooldowns(Duration.ofSeconds(5), Duration.ofSeconds(15));
    assertThat(shorter.breakerCooldown()).isEqualTo(Duration.ofSeconds(5));
    assertThat(shorter.breakerMaxCooldown()).isEqualTo(Duration.ofSeconds(15));
    assertThat(shorter.breakerFailures()).isEqualTo(Isolation.defaults().breakerFailures());
    assertThatThrownBy(
            () ->
                Isolation.defaults()
                    .withBreakerCooldowns(Duration.ofSeconds(30), Duration.ofSeconds(10)))
        .hasMessageContaining("breakerMaxCooldown must be >= breakerCooldown");
    assertThatThrownBy(
            () -> Isolation.defaults().withBreakerCooldowns(Duration.ZERO, Duration.ofSeconds(10)))
        .hasMessageContaining("breakerCooldown");
    assertThatThrownBy(
            () ->
                new Scheduling(
                    Duration.ZERO,
                    1,
                    Duration.ofSeconds(1),
                    Duration.ofDays(1),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("interval");
  }

  @Test
  void shareConsumersFetchFourMebibytesAtMostUnlessTheDeploymentSaysOtherwise() {
    WorkerConfig defaults = WorkerConfig.builder("unused:9092", "w1").build();
    assertThat(WorkerAssembly.consumerProperties(defaults))
        .containsEntry("fetch.max.bytes", Integer.toString(4 * 1024 * 1024))
        .containsEntry("max.poll.records", Integer.toString(defaults.maxPollRecords()))
        .containsEntry("share.acknowledgement.mode", "explicit");

    WorkerConfig overridden =
        WorkerConfig.builder("unused:9092", "w1")
            .consumerProperties(Map.of("fetch.max.bytes", "52428800"))
            .build();
    assertThat(WorkerAssembly.consumerProperties(overridden))
        .containsEntry("fetch.max.bytes", "52428800");
  }

  @Test
  void userAgentCarriesTheBuildVersion() {
    assertThat(WorkerAssembly.userAgent()).matches("Hookline/\\d+\\.\\d+\\.\\d+.*");
  }
}
