package dev.hookline.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-read form gives what the formatter gives, and leaves it every text it cannot vouch for.
 */
class Rfc3339Test {
  /** What the router used before: the reference. */
  private static final DateTimeFormatter REFERENCE =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toFormatter(Locale.ROOT);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-28T10:15:30Z",
        "2026-11-28t10:15:30z",
        "2026-11-28T10:15:30.1Z",
        "2026-11-28T10:15:30.123Z",
        "2026-11-28T10:15:30.123456789Z",
        "2026-11-28T10:15:30.123456789+05:30",
        "2026-11-28T00:00:00-08:00",
        "2026-11-28T23:59:59+17:59",
        "2026-11-28T23:59:59-17:59",
        "2024-02-29T12:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999-00:00",
        "1970-01-01T00:00:00Z"
      })
  void theCommonFormsAreReadByHandAsTheFormatterReadsThem(String text) {
    assertThat(Rfc3339.fast(text)).isNotNull().isEqualTo(reference(text));
    assertThat(Rfc3339.parse(text)).isEqualTo(reference(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // no such day: the formatter's smart resolver reads it as the month's last; kept so
        "2026-02-30T10:15:30Z",
        "2023-02-29T10:15:30Z",
        "2026-04-31T10:15:30Z",
        "2026-11-28T10:15:60Z", // a leap second: the formatter refuses it
        "2026-11-28T24:00:00Z",
        "2026-11-28T10:15:30+18:30", // past the largest offset
        "2026-11-28T10:15:30",
        "2026-11-28T10:15:30.Z",
        "2026-11-28T10:15:30.1234567890Z",
        "2026-11-28 10:15:30Z",
        "yesterday",
        "2026-11-28T10:15:30+0530",
        "2026-11-28T10:15:30+05:30:15",
        "+12026-11-28T10:15:30Z",
        "2026-11-28T10:15Z",
        "2026-13-28T10:15:30Z",
        "2026-11-28T10:15:30+18:00",
        "2026-1a-28T10:15:30Z"
      })
  void anythingElseIsLeftToTheFormatterWhichDecides(String text) {
    assertThat(Rfc3339.fast(text)).isNull();
    assertSameOutcome(text);
  }

  @Test
  void aRefusalIsTheFormattersOwn() {
    assertThatThrownBy(() -> Rfc3339.parse("2026-02-32T10:15:30Z"))
        .isInstanceOf(DateTimeParseException.class);
  }

  /** Every one-character change of valid texts: both accept it with the same instant, or refuse. */
  @Test
  void everySmallChangeOfAValidTextIsJudgedAsTheFormatterJudgesIt() {
    String alphabet = "0123456789-+:.TtZz x";
    Random random = new Random(27);
    List<String> seeds =
        List.of(
            "2026-11-28T10:15:30Z",
            "2026-11-28T10:15:30.123+05:30",
            "2024-02-29T23:59:59.999999999-12:00",
            "1999-12-31T00:00:00.5z");
    List<String> texts = new ArrayList<>();
    for (String seed : seeds) {
      for (int at = 0; at < seed.length(); at++) {
        for (char c : alphabet.toCharArray()) {
          texts.add(seed.substring(0, at) + c + seed.substring(at + 1));
        }
        texts.add(seed.substring(0, at) + seed.substring(at + 1)); // one dropped
      }
    }
    for (int k = 0; k < 20_000; k++) { // random valid-looking texts, days and offsets past limits
      texts.add(
          String.format(
              Locale.ROOT,
              "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
              random.nextInt(10_000),
              random.nextInt(14),
              random.nextInt(33),
              random.nextInt(25),
              random.nextInt(61),
              random.nextInt(61),
              random.nextBoolean() ? "" : "." + "123456789".substring(0, 1 + random.nextInt(9)),
              switch (random.nextInt(3)) {
                case 0 -> "Z";
                case 1 ->
                    String.format(
                        Locale.ROOT, "+%02d:%02d", random.nextInt(20), random.nextInt(61));
                default ->
                    String.format(
                        Locale.ROOT, "-%02d:%02d", random.nextInt(20), random.nextInt(61));
              }));
    }
    for (String text : texts) assertSameOutcome(text);
  }

  private static void assertSameOutcome(String text) {
    Instant expected;
    try {
      expected = reference(text);
    } catch (DateTimeParseException e) {
      assertThatThrownBy(() -> Rfc3339.parse(text))
          .as(text)
          .isInstanceOf(DateTimeParseException.class);
      return;
    }
    assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected);
  }

  private static Instant reference(String text) {
    return OffsetDateTime.parse(text, REFERENCE).toInstant();
  }
}
