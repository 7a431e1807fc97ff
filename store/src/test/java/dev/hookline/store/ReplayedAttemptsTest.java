package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Trigger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, item 5, on a real PostgreSQL: replays never overwrite history. Every request that left
 * a worker is an attempt row, and a delivery's status is the outcome of its latest attempt (the
 * task's attempt number, then the request's start), whatever order the attempts are recorded in.
 */
class ReplayedAttemptsTest {
  private static final long SEED = Long.getLong("hookline.property.seed", 20261205L);
  private static final DeliveryStatus[] OUTCOMES = {
    DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.RETRYING
  };

  @RegisterExtension static final FreshStore store = FreshStore.withWebhook("payment_received");

  /** A request as a worker sent it: the task's attempt, when it started, what it came to. */
  private static AttemptRecord request(
      DeliveryTask task, int attempt, Trigger trigger, Instant started, DeliveryStatus outcome) {
    DeliveryTask t =
        new DeliveryTask(
            task.deliveryId(), task.webhookId(), 1, attempt, trigger, task.event(), null);
    return new AttemptRecord(
        t,
        started,
        3,
        outcome == DeliveryStatus.SUCCEEDED ? 200 : 500,
        outcome.dbName(),
        null,
        null,
        "w",
        outcome,
        outcome == DeliveryStatus.RETRYING ? started.plusSeconds(300) : null);
  }

  @Test
  void randomInterleavingsOfAttemptsEndInTheLatestOutcomeAndLoseNoRequest() {
    Random random = new Random(SEED);
    Instant base = Instant.parse("2026-12-05T12:00:00Z");
    for (int trial = 0; trial < 150; trial++) {
      DeliveryTask task =
          UnstorableAttemptsTest.task(
              store.webhook(), "evt_prop_" + trial, "urn:test", "{\"n\": 1}");
      int sent = 1 + random.nextInt(6);
      List<AttemptRecord> requests = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        Instant started = base.plus(random.nextInt(1_000_000), ChronoUnit.MILLIS);
        Trigger trigger = Trigger.values()[random.nextInt(3)];
        requests.add(
            request(
                task,
                1 + random.nextInt(3),
                trigger,
                started,
                OUTCOMES[random.nextInt(OUTCOMES.length)]));
      }
      AttemptRecord latest =
          requests.stream()
              .max(
                  Comparator.comparingInt((AttemptRecord a) -> a.task().attempt())
                      .thenComparing(AttemptRecord::startedAt))
              .orElseThrow();
      // recorded in any order, in batches of any size, as workers and replays would
      List<AttemptRecord> order = new ArrayList<>(requests);
      Collections.shuffle(order, random);
      for (int i = 0; i < order.size(); ) {
        int n = 1 + random.nextInt(order.size() - i);
        store.attempts().recordAll(order.subList(i, i + n));
        i += n;
      }

      DeliveryView view = store.deliveries().find(task.deliveryId()).orElseThrow();
      String trialName = "seed " + SEED + ", trial " + trial + ", requests " + requests;
      assertThat(view.status()).as(trialName).isEqualTo(latest.newStatus());
      assertThat(view.lastStatusCode()).as(trialName).isEqualTo(latest.statusCode());
      assertThat(view.nextAttemptAt()).as(trialName).isEqualTo(latest.nextAttemptAt());
      assertThat(view.attempts()).as(trialName).hasSize(sent);
      assertThat(view.attemptCount()).as(trialName).isEqualTo(sent);
      assertThat(view.attempts())
          .extracting(DeliveryView.AttemptView::attempt)
          .as(trialName)
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void twoManualRetriesInARowAreTwoAttemptsAndTheStatusFollowsTheLatest() {
    DeliveryTask task =
        UnstorableAttemptsTest.task(store.webhook(), "evt_manual", "urn:test", "{}");
    Instant t0 = Instant.parse("2026-12-05T12:00:00Z");
    store.attempts().recordAll(List.of(request(task, 1, Trigger.EVENT, t0, DeliveryStatus.FAILED)));

    // POST /deliveries/{id}/retry twice before the worker records either: both read attempt 2
    Redelivery first = store.deliveries().redelivery(task.deliveryId()).orElseThrow();
    assertThat(store.deliveries().markRequeued(List.of(first))).isEqualTo(1);
    Redelivery second = store.deliveries().redelivery(task.deliveryId()).orElseThrow();
    assertThat(store.deliveries().markRequeued(List.of(second))).isEqualTo(1);
    assertThat(second.nextAttempt()).isEqualTo(first.nextAttempt()).isEqualTo(2);

    store
        .attempts()
        .recordAll(
            List.of(
                request(task, 2, Trigger.MANUAL, t0.plusSeconds(60), DeliveryStatus.SUCCEEDED)));
    store
        .attempts()
        .recordAll(
            List.of(request(task, 2, Trigger.MANUAL, t0.plusSeconds(61), DeliveryStatus.FAILED)));

    DeliveryView view = store.deliveries().find(task.deliveryId()).orElseThrow();
    assertThat(view.attempts())
        .extracting(DeliveryView.AttemptView::trigger)
        .containsExactly("event", "manual", "manual");
    assertThat(view.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(view.lastStatusCode()).isEqualTo(500);
  }

  @Test
  void aReplayOfAnOlderAttemptRecordedLaterKeepsTheFinishedStatusAndItsOwnRow() {
    DeliveryTask task =
        UnstorableAttemptsTest.task(store.webhook(), "evt_replay", "urn:test", "{}");
    Instant t0 = Instant.parse("2026-12-05T12:00:00Z");
    store
        .attempts()
        .recordAll(List.of(request(task, 1, Trigger.EVENT, t0, DeliveryStatus.RETRYING)));
    store
        .attempts()
        .recordAll(
            List.of(request(task, 2, Trigger.RETRY, t0.plusSeconds(5), DeliveryStatus.SUCCEEDED)));
    // the retry timer's lease ran out while attempt 1's task was still queued: it went out again
    store
        .attempts()
        .recordAll(
            List.of(request(task, 1, Trigger.EVENT, t0.plusSeconds(9), DeliveryStatus.RETRYING)));

    DeliveryView view = store.deliveries().find(task.deliveryId()).orElseThrow();
    assertThat(view.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
    assertThat(view.nextAttemptAt()).isNull();
    assertThat(view.attempts()).hasSize(3);
    assertThat(view.attemptCount()).isEqualTo(3);
  }
}
