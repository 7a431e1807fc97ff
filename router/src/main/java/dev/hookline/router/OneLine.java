package dev.hookline.router;

/**
 * Text from a record (header values, keys, parser messages) made safe to quote in a reason header
 * or a log line: one line, control characters escaped, and bounded, whatever the producer sent.
 */
final class OneLine {
  /** The longest quoted value; enough to recognise it, short enough to read. */
  static final int QUOTE_CHARS = 100;

  private OneLine() {}

  /** {@code text} in single quotes, at most {@link #QUOTE_CHARS} of its characters. */
  static String quote(String text) {
    return "'" + of(text, QUOTE_CHARS) + "'";
  }

  /**
   * {@code text} with control and line-separator characters escaped ({@code \n}, {@code \u0000}),
   * cut after {@code max} characters with a note of the full length.
   */
  static String of(String text, int max) {
    if (text == null) return "";
    int end = Math.min(text.length(), max);
    // never split a surrogate pair: half of one is not text
    if (end < text.length() && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) end--;
    StringBuilder out = new StringBuilder(end + 16);
    for (int i = 0; i < end; i++) escape(text.charAt(i), out);
    if (end < text.length()) out.append("... (").append(text.length()).append(" chars)");
    return out.toString();
  }

  private static void escape(char c, StringBuilder out) {
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
  }
}
