package dev.hookline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.schemas.DeliveryTask;
import dev.hookline.schemas.Trigger;
import dev.hookline.store.AttemptRecord;
import dev.hookline.store.DeliveryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What an outcome means for its delivery, as a table; jitter off (the schedule's own test has it).
 */
class AttemptPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final AttemptPolicy POLICY =
      new AttemptPolicy(new RetrySchedule(RetrySchedule.DEFAULT_DELAYS, () -> 0.5), "w1");

  /**
   * @param answer {@code 2xx}/{@code 4xx}/{@code 5xx} status, {@code timeout} or {@code ssrf}
   * @param schedule the webhook's own delays in seconds, space-separated; empty for the default
   * @param retryAfter what the receiver asked for, in seconds; empty for nothing
   * @param next seconds after the attempt; empty for none
   */
  @ParameterizedTest(name = "{0} on attempt {1} ({2}) -> {5} {6}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          200     | 1 | EVENT  | -   | -    | SUCCEEDED | -     | false
          204     | 5 | RETRY  | -   | -    | SUCCEEDED | -     | false
          500     | 1 | EVENT  | -   | -    | RETRYING  | 5     | false
          500     | 2 | RETRY  | -   | -    | RETRYING  | 300   | false
          500     | 7 | RETRY  | -   | -    | RETRYING  | 36000 | false
          500     | 8 | RETRY  | -   | -    | FAILED    | -     | false
          500     | 1 | MANUAL | -   | -    | RETRYING  | 5     | false
          500     | 1 | TEST   | -   | -    | FAILED    | -     | false
          500     | 1 | EVENT  | 1 2 | -    | RETRYING  | 1     | false
          500     | 2 | RETRY  | 1 2 | -    | RETRYING  | 2     | false
          500     | 3 | RETRY  | 1 2 | -    | FAILED    | -     | false
          404     | 1 | EVENT  | -   | -    | RETRYING  | 5     | false
          timeout | 1 | EVENT  | -   | -    | RETRYING  | 5     | false
          429     | 1 | EVENT  | -   | 7    | RETRYING  | 7     | false
          429     | 1 | EVENT  | -   | 3600 | RETRYING  | 10    | false
          503     | 1 | EVENT  | -   | 1    | RETRYING  | 5     | false
          503     | 8 | RETRY  | -   | 60   | FAILED    | -     | false
          410     | 1 | EVENT  | -   | -    | FAILED    | -     | true
          410     | 1 | TEST   | -   | -    | FAILED    | -     | true
          ssrf    | 1 | EVENT  | -   | -    | FAILED    | -     | false
          """)
  void decides(
      String answer,
      int attempt,
      Trigger trigger,
      String schedule,
      Long retryAfter,
      DeliveryStatus status,
      Long next,
      boolean disable) {
    AttemptPolicy.Verdict verdict =
        POLICY.decide(
            task(attempt, trigger),
            schedule == null
                ? null
                : Arrays.stream(schedule.split(" ")).map(Integer::valueOf).toList(),
            outcome(answer, retryAfter == null ? null : Duration.ofSeconds(retryAfter)),
            NOW);

    assertThat(verdict)
        .isEqualTo(
            new AttemptPolicy.Verdict(
                status, next == null ? null : NOW.plusSeconds(next), disable));
  }

  @Test
  void theRecordKeepsTheOutcomeTheVerdictAndTheWorker() {
    DeliveryTask task = task(2, Trigger.RETRY);
    AttemptOutcome outcome =
        new AttemptOutcome.Retry(NOW, 70, 503, "busy", "http_status", "HTTP 503");
    AttemptPolicy.Verdict verdict = POLICY.decide(task, List.of(9, 9), outcome, NOW);

    AttemptRecord record = POLICY.record(task, outcome, verdict);

    assertThat(record)
        .isEqualTo(
            new AttemptRecord(
                task,
                NOW,
                70,
                503,
                "busy",
                "http_status",
                "HTTP 503",
                "w1",
                DeliveryStatus.RETRYING,
                NOW.plusSeconds(9)));
  }

  /** Without a verdict of its own, an attempt is retried: 30 s doubling per attempt, up to 1 h. */
  @ParameterizedTest(name = "attempt {0} ({1}) -> retrying in {2} s")
  @CsvSource({
    "1, EVENT, 30",
    "1, TEST, 30",
    "2, RETRY, 60",
    "3, RETRY, 120",
    "7, RETRY, 1920",
    "8, RETRY, 3600",
    "9, MANUAL, 3600",
    "2147483647, RETRY, 3600"
  })
  void theFallbackRetriesWithoutDisabling(int attempt, Trigger trigger, long seconds) {
    assertThat(AttemptPolicy.fallback(task(attempt, trigger), NOW))
        .isEqualTo(
            new AttemptPolicy.Verdict(DeliveryStatus.RETRYING, NOW.plusSeconds(seconds), false));
  }

  private static DeliveryTask task(int attempt, Trigger trigger) {
    return Fixtures.task(UUID.randomUUID(), attempt, trigger);
  }

  private static AttemptOutcome outcome(String answer, Duration retryAfter) {
    return switch (answer) {
      case "timeout" -> new AttemptOutcome.Retry(NOW, 15_000, null, null, "timeout", "no answer");
      case "ssrf" ->
          new AttemptOutcome.Failed(
              NOW, 1, null, null, HttpDeliverer.SSRF_BLOCKED, "loopback refused", false);
      case "410" -> new AttemptOutcome.Failed(NOW, 3, 410, "", "gone", "410 Gone", true);
      default -> {
        int status = Integer.parseInt(answer);
        yield status < 300
            ? new AttemptOutcome.Delivered(NOW, 3, status, "ok")
            : new AttemptOutcome.Retry(
                NOW, 3, status, "", "http_status", "HTTP " + status, retryAfter);
      }
    };
  }
}
