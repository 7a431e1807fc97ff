package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.store.InMemoryRateBudgets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of rate limits, on the in-memory budget (the schedule of V14): an unlimited
 * webhook never reaches the store, the tasks of a limited one lease in chunks and those whose turn
 * is past their deadline are parked, and a {@code Retry-After} pauses the whole webhook.
 */
class RateLimiterTest {
  private final InMemoryRateBudgets budgets = new InMemoryRateBudgets();
  private final RateLimiter limiter = new RateLimiter(budgets, Clock.systemUTC());

  private static long deadlineIn(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  @Test
  void anUnlimitedWebhookCostsNoStoreCall() throws Exception {
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.admit(UUID.randomUUID(), null, deadlineIn(Duration.ofSeconds(1))))
          .isInstanceOf(RateLimiter.Admission.Go.class);
    }
    assertThat(budgets.leases()).isZero();
  }

  @Test
  void aBatchOfOneWebhookLeasesInChunksAndParksWhatItsDeadlineCannotHold() throws Exception {
    UUID webhook = UUID.randomUUID();
    int tasks = 60;
    long deadline = deadlineIn(Duration.ofSeconds(1));
    List<Future<RateLimiter.Admission>> admissions = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < tasks; i++) {
        admissions.add(threads.submit(() -> limiter.admit(webhook, 10, deadline)));
      }
    }
    int went = 0;
    List<Instant> parked = new ArrayList<>();
    for (Future<RateLimiter.Admission> f : admissions) {
      switch (f.get(0, TimeUnit.SECONDS)) {
        case RateLimiter.Admission.Go g -> went++;
        case RateLimiter.Admission.Park p -> parked.add(p.until());
      }
    }
    // 10 a second over the batch's second, and half a second's tokens caught up at most
    assertThat(went).isBetween(1, 16);
    assertThat(parked).hasSize(tasks - went);
    assertThat(budgets.leases()).as("one round trip per chunk, not per task").isLessThan(tasks / 2);
    // the parked queue spreads them at the limit: the last comes back seconds after the first
    parked.sort(null);
    assertThat(Duration.between(parked.get(0), parked.get(parked.size() - 1)))
        .isGreaterThan(Duration.ofSeconds(3));
  }

  @Test
  void aRetryAfterPausesTheWholeWebhookAndSharesItWhenLimited() throws Exception {
    UUID unlimited = UUID.randomUUID();
    UUID limited = UUID.randomUUID();
    limiter.pause(unlimited, null, Duration.ofSeconds(30));
    limiter.pause(limited, 10, Duration.ofSeconds(30));
    Instant now = Instant.now();
    assertThat(limiter.admit(unlimited, null, deadlineIn(Duration.ofSeconds(1))))
        .isInstanceOfSatisfying(
            RateLimiter.Admission.Park.class,
            p -> assertThat(p.until()).isAfter(now.plusSeconds(25)));
    assertThat(limiter.admit(limited, 10, deadlineIn(Duration.ofSeconds(1))))
        .isInstanceOf(RateLimiter.Admission.Park.class);
    assertThat(budgets.pauses()).as("only the limited webhook's pause is shared").isEqualTo(1);
    // another worker, on the same budget, is paused too
    RateLimiter other = new RateLimiter(budgets, Clock.systemUTC());
    assertThat(other.admit(limited, 10, deadlineIn(Duration.ofSeconds(1))))
        .isInstanceOfSatisfying(
            RateLimiter.Admission.Park.class,
            p -> assertThat(p.until()).isAfter(now.plusSeconds(25)));
  }
}
