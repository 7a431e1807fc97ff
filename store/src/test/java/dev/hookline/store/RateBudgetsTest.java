package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared rate budget (V14, {@code webhook_rate_lease}) on PostgreSQL: leases follow one
 * schedule whoever asks, the parked queue spreads tasks at the limit, a pause stops every lease,
 * and the webhook's rate limit is stored, edited and cleared. No timing is asserted beyond the
 * schedule the database answers.
 */
class RateBudgetsTest {
  private static Database db;
  private static RateBudgets budgets;

  @BeforeAll
  static void open() {
    db = TestPostgres.freshStore();
    budgets = db.rateBudgets();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static UUID webhook(Integer rateLimit) {
    return db.webhooks()
        .create(TestWebhooks.newWebhook().rateLimit(rateLimit).build())
        .webhook()
        .id();
  }

  @Test
  void successiveLeasesShareOneScheduleAndNeverGiveMoreThanTheHorizonHolds() {
    UUID id = webhook(10); // one token every 100 ms
    long before = System.nanoTime();
    RateBudgets.Lease first =
        budgets.lease(id, 10, 100, Duration.ofSeconds(1), Duration.ofSeconds(5));
    // at most the horizon's tokens and the half second that may be caught up
    assertThat(first.granted()).isBetween(10, 15);
    assertThat(first.parked()).as("the rest's turn comes before their deadline").isZero();
    assertThat(first.nextMs()).isCloseTo(first.firstMs() + first.granted() * 100.0, within(1.0));

    RateBudgets.Lease second =
        budgets.lease(id, 10, 100, Duration.ofSeconds(2), Duration.ofSeconds(5));
    double between = (System.nanoTime() - before) / 1e6; // at least the time between the two
    assertThat(second.firstMs())
        .as("the second lease starts where the first ended, whoever asks")
        .isGreaterThanOrEqualTo(first.nextMs() - between - 1);
    assertThat(second.firstMs() + (second.granted() - 1) * 100.0)
        .as("its last token falls within its horizon")
        .isLessThan(2_000.0);
    assertThat(second.nextMs()).as("and the next one beyond it").isGreaterThanOrEqualTo(2_000.0);
  }

  @Test
  void whatTheHorizonCannotGiveIsParkedOneStepApartBehindEarlierParkedTasks() {
    UUID id = webhook(20); // 50 ms apart
    budgets.lease(id, 20, 20, Duration.ofSeconds(1), Duration.ofSeconds(1)); // a second taken
    RateBudgets.Lease a = budgets.lease(id, 20, 30, Duration.ZERO, Duration.ZERO);
    assertThat(a.granted()).isZero();
    assertThat(a.parked()).isEqualTo(30);
    RateBudgets.Lease b = budgets.lease(id, 20, 10, Duration.ZERO, Duration.ZERO);
    assertThat(b.parked()).isEqualTo(10);
    assertThat(b.parkMs())
        .as("behind the 30 parked before, 1.5 s of the limit")
        .isGreaterThan(a.parkMs() + 1_400);
  }

  @Test
  void aTaskIsNotParkedWhileItsTurnComesBeforeItsDeadline() {
    UUID id = webhook(10);
    budgets.lease(id, 10, 5, Duration.ofMillis(500), Duration.ofMillis(500));
    RateBudgets.Lease waiting = budgets.lease(id, 10, 1, Duration.ZERO, Duration.ofSeconds(5));
    assertThat(waiting.granted()).isZero();
    assertThat(waiting.parked()).as("its token is due before its deadline: it waits").isZero();
  }

  @Test
  void aPauseStopsEveryLeaseUntilItEnds() {
    UUID id = webhook(100);
    budgets.pause(id, Duration.ofSeconds(5));
    RateBudgets.Lease lease =
        budgets.lease(id, 100, 10, Duration.ofMillis(250), Duration.ofMillis(250));
    assertThat(lease.granted()).isZero();
    assertThat(lease.nextMs()).isGreaterThan(4_000);
    assertThat(lease.parked()).isEqualTo(10);
    assertThat(lease.parkMs()).isGreaterThan(4_000);
  }

  @Test
  void theRateLimitIsStoredEditedAndCleared() {
    UUID id = webhook(20);
    WebhookStore webhooks = db.webhooks();
    assertThat(webhooks.find(id).map(Webhook::rateLimit)).contains(20);
    Optional<Webhook> edited = webhooks.update(id, WebhookPatch.empty().withRateLimit(500));
    assertThat(edited.map(Webhook::rateLimit)).contains(500);
    assertThat(
            webhooks.update(id, WebhookPatch.empty().withRateLimit(null)).orElseThrow().rateLimit())
        .isNull();
    assertThat(webhooks.find(webhook(null)).orElseThrow().rateLimit()).isNull();
    assertThat(
            webhooks.update(id, WebhookPatch.empty().withRateLimit(null)).orElseThrow().version())
        .as("every edit bumps the version")
        .isEqualTo(4);
  }
}
