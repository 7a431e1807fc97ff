package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  private static RetrySchedule fixed(double random) {
    return new RetrySchedule(RetrySchedule.DEFAULT_DELAYS, () -> random);
  }

  @Test
  void defaultDelaysFollowTheDesign() {
    RetrySchedule noJitter = fixed(0.5); // factor exactly 1
    List<Duration> expected =
        List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));
    for (int attempt = 1; attempt <= expected.size(); attempt++) {
      assertThat(noJitter.nextAttemptAt(attempt, Trigger.EVENT, null, NOW))
          .as("after attempt %d", attempt)
          .contains(NOW.plus(expected.get(attempt - 1)));
    }
  }

  @Test
  void afterTheLastStepTheDeliveryFails() {
    assertThat(fixed(0.5).nextAttemptAt(8, Trigger.RETRY, null, NOW)).isEmpty();
    assertThat(fixed(0.5).nextAttemptAt(7, Trigger.RETRY, null, NOW)).isPresent();
  }

  @Test
  void jitterStaysWithinTwentyPercent() {
    Duration base = Duration.ofMinutes(5);
    assertThat(fixed(0.0).nextAttemptAt(2, Trigger.EVENT, null, NOW))
        .contains(NOW.plusMillis(base.toMillis() * 8 / 10));
    assertThat(fixed(0.999999).nextAttemptAt(2, Trigger.EVENT, null, NOW).orElseThrow())
        .isBefore(NOW.plusMillis(base.toMillis() * 12 / 10 + 1))
        .isAfter(NOW.plusMillis(base.toMillis() * 119 / 100));

    RetrySchedule real = RetrySchedule.of(null);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 2_000; i++) {
      long ms =
          Duration.between(NOW, real.nextAttemptAt(2, Trigger.EVENT, null, NOW).orElseThrow())
              .toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertThat(min).isGreaterThanOrEqualTo(240_000);
    assertThat(max).isLessThanOrEqualTo(360_000);
    assertThat(max - min).as("jitter actually varies").isGreaterThan(60_000);
  }

  @Test
  void webhookOverrideReplacesTheDefault() {
    List<Integer> schedule = List.of(1, 60);
    assertThat(fixed(0.5).nextAttemptAt(1, Trigger.EVENT, schedule, NOW))
        .contains(NOW.plusSeconds(1));
    assertThat(fixed(0.5).nextAttemptAt(2, Trigger.RETRY, schedule, NOW))
        .contains(NOW.plusSeconds(60));
    assertThat(fixed(0.5).nextAttemptAt(3, Trigger.RETRY, schedule, NOW)).isEmpty();
    assertThat(fixed(0.5).nextAttemptAt(1, Trigger.EVENT, List.of(), NOW))
        .as("empty = never retry")
        .isEmpty();
  }

  @Test
  void configOverrideReplacesTheDefaultForTests() {
    RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofMillis(100)), () -> 0.5);
    assertThat(schedule.nextAttemptAt(1, Trigger.EVENT, null, NOW)).contains(NOW.plusMillis(100));
    assertThat(schedule.nextAttemptAt(2, Trigger.RETRY, null, NOW)).isEmpty();
  }

  @Test
  void testEventsAreNeverRetried() {
    assertThat(fixed(0.5).nextAttemptAt(1, Trigger.TEST, null, NOW)).isEqualTo(Optional.empty());
    assertThat(fixed(0.5).nextAttemptAt(1, Trigger.TEST, List.of(5, 5), NOW)).isEmpty();
    assertThat(fixed(0.5).nextAttemptAt(1, Trigger.MANUAL, null, NOW)).isPresent();
  }

  @Test
  void retryAfterIsHonouredButCappedAtTwiceTheStep() {
    RetrySchedule schedule =
        new RetrySchedule(List.of(Duration.ofSeconds(10), Duration.ofSeconds(60)), () -> 0.5);
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    assertThat(schedule.nextAttemptAt(1, Trigger.EVENT, null, now, Duration.ofSeconds(15)))
        .contains(now.plusSeconds(15));
    assertThat(schedule.nextAttemptAt(1, Trigger.EVENT, null, now, Duration.ofDays(1)))
        .contains(now.plusSeconds(20));
    assertThat(schedule.nextAttemptAt(1, Trigger.EVENT, null, now, Duration.ofSeconds(1)))
        .contains(now.plusSeconds(10));
    assertThat(schedule.nextAttemptAt(2, Trigger.EVENT, List.of(1, 2), now, Duration.ofSeconds(30)))
        .as("the webhook's own step")
        .contains(now.plusSeconds(4));
    assertThat(schedule.nextAttemptAt(3, Trigger.EVENT, null, now, Duration.ofSeconds(5)))
        .as("no attempts beyond the schedule")
        .isEmpty();
    assertThat(
            schedule.nextAttemptAt(
                1, Trigger.EVENT, null, now, Duration.ofSeconds(99_999_999_999_999_999L)))
        .as("past Long.MAX_VALUE milliseconds: capped, no overflow")
        .contains(now.plusSeconds(20));
  }
}
