package dev.hookline.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Generators of hostile API input: strings, JSON (well- and ill-formed), bytes, ids. */
final class Gen {
  /**
   * Field names the API knows somewhere, so generated objects hit the validators, plus strangers.
   */
  static final List<String> FIELDS =
      List.of(
          "name",
          "url",
          "events",
          "active",
          "description",
          "timeoutSeconds",
          "retrySchedule",
          "headers",
          "event",
          "since",
          "until",
          "type",
          "data",
          "key",
          "secret",
          "id",
          "tenant",
          "filter",
          "rateLimit",
          "payload",
          "metadata",
          "code",
          "",
          "__proto__",
          "constructor",
          "NAME",
          "name ",
          "n\u0000ame");

  private static final String JSON_PUNCTUATION = "{}[]\",:\\ \t\n\r0123456789-+.eEtrufalsn";

  private Gen() {}

  static <T> T oneOf(Random r, List<T> options) {
    return options.get(r.nextInt(options.size()));
  }

  /**
   * Any text: printable, JSON punctuation, controls, non-ASCII, lone surrogates; sometimes long.
   */
  static String string(Random r) {
    int length =
        switch (r.nextInt(10)) {
          case 0 -> 0;
          case 1 -> 200 + r.nextInt(5_000);
          default -> r.nextInt(40);
        };
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(
          switch (r.nextInt(8)) {
            case 0 -> (char) r.nextInt(0x20); // controls, NUL included
            case 1 -> JSON_PUNCTUATION.charAt(r.nextInt(JSON_PUNCTUATION.length()));
            case 2 -> (char) (0xD800 + r.nextInt(0x800)); // lone surrogates
            case 3 -> (char) (0x80 + r.nextInt(0xFF00));
            default -> (char) (0x20 + r.nextInt(0x5F));
          });
    }
    return s.toString();
  }

  /**
   * A JSON value of any shape, depth-bounded; numbers at and past the edges of every numeric type.
   */
  static String json(Random r, int depth) {
    int pick = r.nextInt(depth <= 0 ? 6 : 9);
    return switch (pick) {
      case 0 -> "null";
      case 1 -> r.nextBoolean() ? "true" : "false";
      case 2 ->
          oneOf(
              r,
              List.of(
                  "0",
                  "-1",
                  "1.5",
                  "1e400",
                  "-1e400",
                  "2147483648",
                  "-2147483649",
                  "9223372036854775808",
                  "1E-400",
                  "0.0000001",
                  "30",
                  "5",
                  "86401",
                  String.valueOf(r.nextInt())));
      case 3, 4 ->
          quote(
              r.nextInt(3) == 0
                  ? oneOf(
                      r,
                      List.of(
                          "payment_received",
                          "*",
                          "https://example.com/h",
                          "2026-01-01T00:00:00Z",
                          "http://127.0.0.1/",
                          "ftp://x",
                          "",
                          " "))
                  : string(r));
      case 5 ->
          quote(
              oneOf(
                  r,
                  List.of(
                      "not-a-date",
                      "2026-13-45T99:99:99Z",
                      "javascript:alert(1)",
                      "file:///etc/passwd")));
      case 6 -> array(r, depth - 1);
      default -> object(r, depth - 1);
    };
  }

  static String object(Random r, int depth) {
    int size = r.nextInt(6);
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) s.append(',');
      s.append(quote(r.nextInt(4) == 0 ? string(r) : oneOf(r, FIELDS)))
          .append(':')
          .append(json(r, depth));
    }
    return s.append('}').toString();
  }

  static String array(Random r, int depth) {
    int size = r.nextInt(5);
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < size; i++) {
      if (i > 0) s.append(',');
      s.append(json(r, depth));
    }
    return s.append(']').toString();
  }

  /**
   * A body: a JSON object of known and unknown fields, any JSON, broken JSON, deep nesting, or raw
   * bytes.
   */
  static byte[] body(Random r, String valid) {
    String text =
        switch (r.nextInt(9)) {
          case 0, 1 -> object(r, 3);
          case 2 -> json(r, 3);
          case 3 -> mutate(r, valid);
          case 4 -> mutate(r, object(r, 2));
          case 5 -> string(r);
          case 6 -> "[".repeat(1 + r.nextInt(5_000)) + "]".repeat(r.nextInt(3));
          case 7 -> "{\"a\":".repeat(1 + r.nextInt(3_000)) + "1" + "}".repeat(r.nextInt(3_000));
          default -> null;
        };
    if (text != null) return text.getBytes(StandardCharsets.UTF_8);
    byte[] raw = new byte[r.nextInt(300)];
    r.nextBytes(raw); // not UTF-8 as a rule
    return raw;
  }

  /** The text with a few characters deleted, inserted, swapped, or cut off. */
  static String mutate(Random r, String text) {
    StringBuilder s = new StringBuilder(text);
    int edits = 1 + r.nextInt(3);
    for (int i = 0; i < edits && !s.isEmpty(); i++) {
      int at = r.nextInt(s.length());
      switch (r.nextInt(4)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, JSON_PUNCTUATION.charAt(r.nextInt(JSON_PUNCTUATION.length())));
        case 2 -> s.setLength(at);
        default -> s.setCharAt(at, (char) r.nextInt(0x80));
      }
    }
    return s.toString();
  }

  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        default -> {
          if (c < 0x20) q.append(String.format("\\u%04x", (int) c));
          else q.append(c);
        }
      }
    }
    return q.append('"').toString();
  }

  /** Percent-encodes every byte that is not unreserved, so any text fits in a URI. */
  static String urlEncode(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        s.append((char) c);
      } else {
        s.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return s.toString();
  }

  static String urlEncode(String text) {
    return urlEncode(text.getBytes(StandardCharsets.UTF_8));
  }
}
