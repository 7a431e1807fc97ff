package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.AttemptRecorder;
import dev.hookline.store.Database;
import dev.hookline.store.DeliveryStatus;
import dev.hookline.store.TestPostgres;
import dev.hookline.store.TestWebhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's consumers share PostgreSQL transactions: batches settled while a write is in
 * progress are written together by the next, and each caller still gets exactly its own outcome.
 */
class GroupCommitRecorderTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** A store that keeps each call's attempts, refuses those marked so, and can hold a call. */
  private static final class CountingStore implements AttemptRecorder {
    final List<List<AttemptRecord>> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile Function<Integer, RuntimeException> failCall = n -> null;

    @Override
    public List<Refused> recordAll(List<AttemptRecord> attempts) {
      calls.add(List.copyOf(attempts));
      entered.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      RuntimeException failure = failCall.apply(calls.size());
      if (failure != null) throw failure;
      return attempts.stream()
          .filter(a -> "refuse me".equals(a.errorMessage()))
          .map(a -> new Refused(a, "refused by the test"))
          .toList();
    }

    @Override
    public void ping() {}
  }

  private static AttemptRecord attempt(UUID webhook, String errorMessage) {
    DeliveryTask task = Fixtures.task(webhook, 1, Trigger.EVENT);
    return new AttemptRecord(
        task,
        Instant.now(),
        3,
        200,
        "ok",
        null,
        errorMessage,
        "w1",
        DeliveryStatus.SUCCEEDED,
        null);
  }

  private static List<AttemptRecord> batch(int size) {
    List<AttemptRecord> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) batch.add(attempt(UUID.randomUUID(), null));
    return batch;
  }

  private Future<List<AttemptRecorder.Refused>> recordLater(
      AttemptRecorder recorder, List<AttemptRecord> batch) {
    return threads.submit(() -> recorder.recordAll(batch));
  }

  @Test
  void aBatchAloneIsWrittenAtOnceInOneCall() {
    CountingStore store = new CountingStore();
    List<AttemptRecord> batch = batch(3);

    assertThat(new GroupCommitRecorder(store).recordAll(batch)).isEmpty();

    assertThat(store.calls).containsExactly(batch);
    assertThat(new GroupCommitRecorder(store).recordAll(List.of())).isEmpty();
    assertThat(store.calls).hasSize(1); // nothing to write is no call
  }

  @Test
  void batchesSettledWhileAWriteIsInProgressShareTheNextWriteAndKeepTheirOwnRefusals()
      throws Exception {
    CountingStore store = new CountingStore();
    store.hold = new CountDownLatch(1);
    GroupCommitRecorder recorder = new GroupCommitRecorder(store);
    List<AttemptRecord> first = batch(2);
    Future<List<AttemptRecorder.Refused>> firstDone = recordLater(recorder, first);
    assertThat(store.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    AttemptRecord refusedOfB = attempt(UUID.randomUUID(), "refuse me");
    List<AttemptRecord> b = List.of(attempt(UUID.randomUUID(), null), refusedOfB);
    List<AttemptRecord> c = batch(3);
    Future<List<AttemptRecorder.Refused>> bDone = recordLater(recorder, b);
    Future<List<AttemptRecorder.Refused>> cDone = recordLater(recorder, c);
    await().atMost(PATIENCE).until(() -> recorder.queued() == 2);
    store.hold.countDown();

    assertThat(firstDone.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    assertThat(bDone.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .singleElement()
        .satisfies(r -> assertThat(r.attempt()).isSameAs(refusedOfB));
    assertThat(cDone.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    assertThat(store.calls).hasSize(2);
    assertThat(store.calls.get(0)).isEqualTo(first);
    assertThat(store.calls.get(1)).containsExactlyInAnyOrderElementsOf(concat(b, c));
  }

  @Test
  void aFailedWriteFailsEveryBatchInItAndTheNextWriteStartsAfresh() throws Exception {
    CountingStore store = new CountingStore();
    store.hold = new CountDownLatch(1);
    IllegalStateException down = new IllegalStateException("connection lost");
    store.failCall = n -> n == 2 ? down : null;
    GroupCommitRecorder recorder = new GroupCommitRecorder(store);
    Future<List<AttemptRecorder.Refused>> firstDone = recordLater(recorder, batch(1));
    assertThat(store.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    Future<List<AttemptRecorder.Refused>> bDone = recordLater(recorder, batch(2));
    Future<List<AttemptRecorder.Refused>> cDone = recordLater(recorder, batch(2));
    await().atMost(PATIENCE).until(() -> recorder.queued() == 2);
    store.hold.countDown();

    assertThat(firstDone.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    for (Future<List<AttemptRecorder.Refused>> failed : List.of(bDone, cDone)) {
      assertThatThrownBy(() -> failed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isSameAs(down);
    }
    List<AttemptRecord> after = batch(1);
    assertThat(recorder.recordAll(after)).isEmpty();
    assertThat(store.calls).hasSize(3);
    assertThat(store.calls.get(2)).isEqualTo(after);
  }

  @Test
  void aQueueLargerThanTheCapIsWrittenInSeveralCallsInTheOrderItCame() throws Exception {
    CountingStore store = new CountingStore();
    store.hold = new CountDownLatch(1);
    GroupCommitRecorder recorder = new GroupCommitRecorder(store, 3);
    Future<List<AttemptRecorder.Refused>> firstDone = recordLater(recorder, batch(1));
    assertThat(store.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    List<AttemptRecord> b = batch(2);
    Future<List<AttemptRecorder.Refused>> bDone = recordLater(recorder, b);
    await().atMost(PATIENCE).until(() -> recorder.queued() == 1);
    List<AttemptRecord> c = batch(2);
    Future<List<AttemptRecorder.Refused>> cDone = recordLater(recorder, c);
    await().atMost(PATIENCE).until(() -> recorder.queued() == 2);
    List<AttemptRecord> big = batch(5); // more than the cap alone: written alone, not split
    Future<List<AttemptRecorder.Refused>> bigDone = recordLater(recorder, big);
    await().atMost(PATIENCE).until(() -> recorder.queued() == 3);
    store.hold.countDown();

    for (Future<List<AttemptRecorder.Refused>> f : List.of(firstDone, bDone, cDone, bigDone)) {
      assertThat(f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEmpty();
    }
    assertThat(store.calls).hasSize(4);
    assertThat(store.calls.subList(1, 4)).containsExactly(b, c, big);
  }

  @Test
  void onARealPostgresConcurrentBatchesAreAllRecordedAndARefusalReachesOnlyItsCaller()
      throws Exception {
    Database db = TestPostgres.freshStore();
    try {
      UUID webhook =
          db.webhooks()
              .create(
                  TestWebhooks.newWebhook()
                      .url("http://receiver.test/hook")
                      .events("payment_received")
                      .build())
              .webhook()
              .id();
      GroupCommitRecorder recorder = new GroupCommitRecorder(db.attempts());
      int callers = 4;
      int batchesEach = 25;
      List<CompletableFuture<List<AttemptRecorder.Refused>>> results = new ArrayList<>();
      List<AttemptRecord> all = new CopyOnWriteArrayList<>();
      AttemptRecord orphan = attempt(UUID.randomUUID(), null); // its webhook row does not exist
      for (int t = 0; t < callers; t++) {
        boolean withOrphan = t == 2;
        results.add(
            CompletableFuture.supplyAsync(
                () -> {
                  List<AttemptRecorder.Refused> refused = new ArrayList<>();
                  for (int i = 0; i < batchesEach; i++) {
                    List<AttemptRecord> batch =
                        new ArrayList<>(
                            List.of(
                                attempt(webhook, null),
                                attempt(webhook, null),
                                attempt(webhook, null)));
                    all.addAll(batch);
                    if (withOrphan && i == 10) batch.add(orphan);
                    refused.addAll(recorder.recordAll(batch));
                  }
                  return refused;
                },
                threads));
      }

      for (int t = 0; t < callers; t++) {
        List<AttemptRecorder.Refused> refused =
            results.get(t).get(PATIENCE.toSeconds() * 4, TimeUnit.SECONDS);
        if (t == 2) {
          assertThat(refused)
              .singleElement()
              .satisfies(
                  r -> {
                    assertThat(r.attempt()).isSameAs(orphan);
                    assertThat(r.reason()).contains("SQLState 23503");
                  });
        } else {
          assertThat(refused).isEmpty();
        }
      }
      assertThat(all).hasSize(callers * batchesEach * 3);
      for (AttemptRecord a : all) {
        assertThat(db.deliveries().find(a.task().deliveryId()))
            .hasValueSatisfying(
                d -> {
                  assertThat(d.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
                  assertThat(d.attempts()).hasSize(1);
                });
      }
      assertThat(db.deliveries().find(orphan.task().deliveryId())).isEmpty();
    } finally {
      db.close();
    }
  }

  private static List<AttemptRecord> concat(List<AttemptRecord> a, List<AttemptRecord> b) {
    List<AttemptRecord> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
