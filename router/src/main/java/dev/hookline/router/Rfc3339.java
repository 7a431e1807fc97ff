package dev.hookline.router;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads {@code ce_time}: an RFC 3339 timestamp, as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}
 * reads it (letters in any case). The form every producer writes ({@code 2026-11-28T10:15:30.123Z},
 * an offset instead of {@code Z}, 0 to 9 digits of fraction) is read by hand: {@link
 * OffsetDateTime#parse} was 6 % of the router's stream thread (docs/benchmarks.md, stop 26).
 * Anything else, valid or not, goes to the formatter, so the two accept exactly the same texts and
 * refuse the rest with the same exception.
 */
final class Rfc3339 {
  /** RFC 3339 allows a lower-case 't' and 'z'; ISO_OFFSET_DATE_TIME alone does not. */
  private static final DateTimeFormatter FORMATTER =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toFormatter(Locale.ROOT);

  private Rfc3339() {}

  /** The instant the text names; a text the formatter refuses is refused the same way. */
  static Instant parse(String text) throws DateTimeParseException {
    Instant fast = fast(text);
    return fast != null ? fast : OffsetDateTime.parse(text, FORMATTER).toInstant();
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f…](Z|±HH:MM)} read by hand, or null for anything else (left to the
   * formatter, which decides: a day past the month's end, a second 60, an offset past 18 hours all
   * come back null here).
   */
  static Instant fast(String t) {
    int n = t.length();
    if (n < 20
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || (t.charAt(10) != 'T' && t.charAt(10) != 't')
        || t.charAt(13) != ':'
        || t.charAt(16) != ':') return null;
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) return null;
    int i = 19;
    int nanos = 0;
    if (t.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 10 && isDigit(t.charAt(i)))
        nanos = nanos * 10 + t.charAt(i++) - '0';
      int count = i - start;
      if (count < 1 || count > 9) return null;
      for (int k = count; k < 9; k++) nanos *= 10;
    }
    int offsetSeconds;
    if (i == n - 1 && (t.charAt(i) == 'Z' || t.charAt(i) == 'z')) {
      offsetSeconds = 0;
    } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
      int oh = digits(t, i + 1, 2);
      int om = digits(t, i + 4, 2);
      if ((oh | om) < 0 || oh > 17 || om > 59) return null;
      offsetSeconds = (oh * 3600 + om * 60) * (t.charAt(i) == '-' ? -1 : 1);
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // February 30th: the formatter's (smart) resolver reads it as the 28th
    }
    long epochSecond = epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** The decimal number of {@code count} ASCII digits from {@code at}, or -1. */
  private static int digits(String t, int at, int count) {
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char c = t.charAt(i);
      if (!isDigit(c)) return -1;
      value = value * 10 + c - '0';
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
