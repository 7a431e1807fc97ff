package dev.hookline.admin.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hookline.store.OutboxSignal;
import dev.hookline.store.SubscriptionSnapshots;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the relay runs by being open; the body never calls it
class OutboxRelayReconciliationTest {
  private static final String TOPIC = "hookline.subscriptions";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeOutbox outbox = new FakeOutbox();
  private final FakeSnapshots snapshots = new FakeSnapshots();
  private final FakeSignal signal = new FakeSignal();
  private final MockProducer<String, String> producer =
      new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());

  private static OutboxRelay.Settings settings(Duration poll, Duration snapshotInterval) {
    return OutboxRelay.Settings.builder()
        .pollInterval(poll)
        .batchSize(100)
        .maxBackoff(Duration.ofMillis(400))
        .snapshotInterval(snapshotInterval)
        .tombstoneWindow(Duration.ofDays(3))
        .purgeAfter(Duration.ofHours(2))
        .build();
  }

  @Test
  void aSnapshotIsTakenAtStartThenEveryIntervalAndRelayedLikeAnyChange() {
    snapshots.then.set(
        () -> {
          outbox.add(TOPIC, "w1", "{\"snapshot\":true}");
          return new SubscriptionSnapshots.Enqueued(1, 0);
        });
    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .reconciledBy(snapshots)
            .wokenBy(signal)
            .settings(settings(Duration.ofMillis(20), Duration.ofMillis(300)))
            .start()) {
      await().atMost(WAIT).until(() -> producer.history().size() >= 3);
    }
    assertThat(snapshots.calls.get(0)).isEqualTo("interval=PT0.3S window=PT72H");
    assertThat(snapshots.purges)
        .as("relayed rows purged after each snapshot")
        .contains(Duration.ofHours(2));
    assertThat(outbox.published).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void theNextCheckWaitsUntilTheSnapshotIsDueClusterWide() {
    snapshots.then.set(() -> new SubscriptionSnapshots.NotDue(Duration.ofHours(1)));
    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .reconciledBy(snapshots)
            .wokenBy(signal)
            .settings(settings(Duration.ofMillis(10), Duration.ofMillis(50)))
            .start()) {
      await().atMost(WAIT).until(() -> snapshots.calls.size() == 1);
      await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> snapshots.calls.size() == 1);
    }
    assertThat(snapshots.purges).isEmpty();
  }

  @Test
  void aFailingOrBusySnapshotNeverStopsTheRelayingOfChanges() {
    AtomicInteger n = new AtomicInteger();
    snapshots.then.set(
        () -> {
          if (n.incrementAndGet() % 2 == 0) throw new IllegalStateException("database down");
          return new SubscriptionSnapshots.Busy("another instance");
        });
    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .reconciledBy(snapshots)
            .wokenBy(signal)
            .settings(settings(Duration.ofMillis(10), Duration.ofMillis(20)))
            .start()) {
      await().atMost(WAIT).until(() -> snapshots.calls.size() >= 4);
      outbox.add(TOPIC, "w1", "a");
      await().atMost(WAIT).until(() -> outbox.published.size() == 1);
    }
  }

  @Test
  void aZeroIntervalTurnsReconciliationOff() {
    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .reconciledBy(snapshots)
            .wokenBy(signal)
            .settings(settings(Duration.ofMillis(10), Duration.ZERO))
            .start()) {
      outbox.add(TOPIC, "w1", "a");
      await().atMost(WAIT).until(() -> outbox.published.size() == 1);
    }
    assertThat(snapshots.calls).isEmpty();
  }

  @Test
  void theSignalWakesTheRelayLongBeforeTheNextPoll() {
    try (OutboxRelay relay =
        OutboxRelay.builder(outbox, producer)
            .reconciledBy(snapshots)
            .wokenBy(signal)
            .settings(settings(Duration.ofSeconds(30), Duration.ZERO))
            .start()) {
      await().atMost(WAIT).until(() -> signal.waiting.get() > 0); // idle, in a 30 s pause
      outbox.add(TOPIC, "w1", "a");
      signal.notifyCommit();
      await().atMost(Duration.ofSeconds(2)).until(() -> outbox.published.size() == 1);
    }
  }

  @Test
  void badSettingsAreRefusedClearly() {
    assertThatThrownBy(
            () -> OutboxRelay.Settings.builder().snapshotInterval(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshotInterval");
    assertThatThrownBy(() -> OutboxRelay.builder(outbox, producer).reconciledBy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("snapshots");
    assertThat(OutboxRelay.Settings.defaults().snapshotInterval())
        .isEqualTo(Duration.ofMinutes(10));
  }

  interface SnapshotBehaviour {
    SubscriptionSnapshots.Outcome run();
  }

  static final class FakeSnapshots implements SubscriptionSnapshots {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Duration> purges = new CopyOnWriteArrayList<>();
    final AtomicReference<SnapshotBehaviour> then =
        new AtomicReference<>(() -> new SubscriptionSnapshots.Enqueued(0, 0));

    @Override
    public Outcome enqueueIfDue(Duration minInterval, Duration tombstoneWindow) {
      calls.add("interval=" + minInterval + " window=" + tombstoneWindow);
      return then.get().run();
    }

    @Override
    public int purgePublished(Duration olderThan) {
      purges.add(olderThan);
      return 0;
    }
  }

  /** Blocks like the LISTEN connection until notified or timed out; honours interrupts. */
  static final class FakeSignal implements OutboxSignal {
    final Semaphore commits = new Semaphore(0);
    final AtomicInteger waiting = new AtomicInteger();

    void notifyCommit() {
      commits.release();
    }

    @Override
    public boolean await(Duration timeout) {
      waiting.incrementAndGet();
      try {
        return commits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        waiting.decrementAndGet();
      }
    }

    @Override
    public void close() {}
  }
}
