package dev.hookline.schemas;

import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * The CloudEvents attributes Hookline reads, each with the length and the characters it accepts
 * (README "Event attributes"). An attribute ends up in a delivery task, an HTTP header ({@code id}
 * begins {@code webhook-id}), a PostgreSQL index key ({@code id} with {@code source}), a log line:
 * a value longer or stranger than this is refused before it gets there (the router sends the record
 * to {@code hookline.invalid-events} with the reason), never carried along.
 *
 * <p>What a value must also be beyond its length and characters (a URI reference, an RFC 3339
 * timestamp, a type in the catalog, a JSON media type) is checked by the reader. The optional
 * tenant extension ({@code ce_tenant}, 1 to 64 of {@code A-Z a-z 0-9 . _ : -}, docs/design.md
 * "Tenants") is one more row of this table.
 */
public enum EventAttribute {
  ID(CloudEventHeaders.ID, 256, Chars.VISIBLE_ASCII),
  SOURCE(CloudEventHeaders.SOURCE, 1024, Chars.VISIBLE_ASCII),
  TYPE(CloudEventHeaders.TYPE, 128, Chars.VISIBLE_ASCII),
  TIME(CloudEventHeaders.TIME, 64, Chars.VISIBLE_ASCII),
  SUBJECT(CloudEventHeaders.SUBJECT, 1024, Chars.TEXT),
  CONTENT_TYPE(CloudEventHeaders.CONTENT_TYPE, 256, Chars.PRINTABLE_ASCII);

  private final String header;
  private final int maxChars;
  private final Chars chars;

  EventAttribute(String header, int maxChars, Chars chars) {
    this.header = header;
    this.maxChars = maxChars;
    this.chars = chars;
  }

  /** The Kafka header that carries it in CloudEvents binary mode, e.g. {@code ce_id}. */
  public String header() {
    return header;
  }

  public int maxChars() {
    return maxChars;
  }

  /** The rule in words, e.g. "1 to 256 visible ASCII characters". */
  public String rule() {
    return "1 to " + maxChars + " " + chars.description;
  }

  /**
   * Why {@code value} (not blank) cannot be this attribute, or null when it can. The reason names
   * the header and the first offending character by code point, never quotes the value.
   */
  public String problem(String value) {
    if (value.length() > maxChars) {
      return header + " is " + value.length() + " characters long; it takes " + rule();
    }
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      if (!chars.allowed.test(c)) {
        return header
            + " has the character U+"
            + String.format(Locale.ROOT, "%04X", c)
            + " at position "
            + i
            + "; it takes "
            + rule();
      }
      i += Character.charCount(c);
    }
    return null;
  }

  private enum Chars {
    /** What ids and URIs are made of: no spaces, no control characters, nothing to escape. */
    VISIBLE_ASCII("visible ASCII characters (! to ~, no spaces)", c -> c > 0x20 && c < 0x7F),
    /** A media type with parameters ({@code application/json; charset=utf-8}). */
    PRINTABLE_ASCII("printable ASCII characters", c -> c >= 0x20 && c < 0x7F),
    /** Free text: any Unicode except control characters and line separators. */
    TEXT(
        "characters, no control characters or line breaks",
        c ->
            !Character.isISOControl(c)
                && c != 0x2028
                && c != 0x2029
                && Character.getType(c) != Character.SURROGATE);

    final String description;
    final IntPredicate allowed;

    Chars(String description, IntPredicate allowed) {
      this.description = description;
      this.allowed = allowed;
    }
  }
}
