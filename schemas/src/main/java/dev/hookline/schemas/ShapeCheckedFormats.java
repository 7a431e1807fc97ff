package dev.hookline.schemas;

import com.networknt.org.apache.commons.validator.routines.DomainValidator;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.format.Format;
import com.networknt.schema.format.Formats;
import java.util.List;

/**
 * The catalog's {@code uri} and {@code email} format checks with a fast path in front of
 * networknt's own (issue 20, stop 31): they were the largest single item of the admin API's CPU per
 * event ({@code java.net.URI} and a code point stream for {@code uri}, commons-validator's regular
 * expressions for {@code email}).
 *
 * <p>The fast path only ever <em>accepts</em>, and only strings of a narrow shape that networknt
 * accepts too: {@code http(s)://host[:port][/path][?query][#fragment]} of plain ASCII, and {@code
 * local@domain} of plain ASCII whose top-level domain networknt's own domain validator knows.
 * Everything else (unicode, spaces, IP literals, user info, brackets, other schemes, quoted local
 * parts...) goes to networknt's format, which stays the judge: its answer and its error message are
 * what the event gets. Nothing is cached by value. {@code ShapeCheckedFormatsTest} compares the two
 * over many generated strings.
 */
final class ShapeCheckedFormats {
  private ShapeCheckedFormats() {}

  /** The formats to put in place of networknt's of the same names. */
  static List<Format> all() {
    return List.of(new Uri(networknt("uri")), new Email(networknt("email")));
  }

  /** networknt's own format of that name, as its standard dialects have it. */
  static Format networknt(String name) {
    return Formats.DEFAULT.stream()
        .filter(f -> f.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("networknt has no format '" + name + "'"));
  }

  /** A format that accepts what {@link #obviouslyValid} says and asks networknt the rest. */
  abstract static class ShapeChecked implements Format {
    private final Format judge;

    ShapeChecked(Format judge) {
      this.judge = judge;
    }

    /** True only for strings networknt's format certainly accepts; false: ask it. */
    abstract boolean obviouslyValid(String value);

    @Override
    public String getName() {
      return judge.getName();
    }

    @Override
    public String getMessageKey() {
      return judge.getMessageKey();
    }

    @Override
    public boolean matches(ExecutionContext context, String value) {
      return obviouslyValid(value) || judge.matches(context, value);
    }

    @Override
    public boolean matches(ExecutionContext context, SchemaContext schemaContext, String value) {
      return obviouslyValid(value) || judge.matches(context, schemaContext, value);
    }
  }

  /**
   * {@code uri}: networknt parses with {@code java.net.URI} and requires an absolute URI, ASCII,
   * and no {@code [} or {@code ]} in the query. The fast shape: {@code http} or {@code https},
   * {@code ://}, a host name of letters, digits, {@code -} and {@code .} (labels of 1 to 63, not
   * starting or ending with {@code -}, the last starting with a letter), an optional port of 1 to 5
   * digits, then a path, query and fragment of RFC 3986's unreserved and sub-delimiter characters
   * and {@code :@/} ({@code ?} too after the path) and {@code %} with two hex digits; every one of
   * them is legal there for {@code java.net.URI}.
   */
  static final class Uri extends ShapeChecked {
    Uri(Format judge) {
      super(judge);
    }

    @Override
    boolean obviouslyValid(String s) {
      if (s == null) return false;
      int n = s.length();
      int p;
      if (s.startsWith("https://")) p = 8;
      else if (s.startsWith("http://")) p = 7;
      else return false;
      p = hostName(s, p, n);
      if (p < 0) return false;
      if (p < n && s.charAt(p) == ':') {
        int digits = p + 1;
        p = digits;
        while (p < n && isDigit(s.charAt(p))) p++;
        int count = p - digits;
        if (count < 1 || count > 5) return false;
      }
      p = part(s, p, n, false); // path
      if (p < 0) return false;
      if (p < n && s.charAt(p) == '?') {
        p = part(s, p + 1, n, true);
        if (p < 0) return false;
      }
      if (p < n && s.charAt(p) == '#') {
        p = part(s, p + 1, n, true);
        if (p < 0) return false;
      }
      return p == n;
    }

    /**
     * Scans a path (from {@code /} on, or empty), a query or a fragment: returns where it stops
     * ({@code ?} or {@code #} for a path, {@code #} for a query, the end), or -1 at anything else.
     */
    private static int part(String s, int p, int n, boolean queryOrFragment) {
      if (!queryOrFragment
          && p < n
          && s.charAt(p) != '/'
          && s.charAt(p) != '?'
          && s.charAt(p) != '#') {
        return -1;
      }
      while (p < n) {
        char c = s.charAt(p);
        if (c == '%') {
          if (p + 2 >= n || !isHex(s.charAt(p + 1)) || !isHex(s.charAt(p + 2))) return -1;
          p += 3;
          continue;
        }
        if (c == '#') return p;
        if (c == '?' && !queryOrFragment) return p;
        if (!(isPathChar(c) || (c == '?' && queryOrFragment))) return -1;
        p++;
      }
      return p;
    }

    /** RFC 3986's pchar (less the escape) and {@code /}. */
    private static boolean isPathChar(char c) {
      if (isLetter(c) || isDigit(c)) return true;
      return switch (c) {
        case '-',
            '.',
            '_',
            '~',
            '!',
            '$',
            '&',
            '\'',
            '(',
            ')',
            '*',
            '+',
            ',',
            ';',
            '=',
            ':',
            '@',
            '/' ->
            true;
        default -> false;
      };
    }
  }

  /**
   * {@code email}: networknt uses commons-validator's {@code EmailValidator} (local names and any
   * top-level domain allowed). The fast shape: one {@code @}; before it 1 to 64 characters, dot
   * separated runs of letters, digits, {@code _}, {@code +} and {@code -}; after it a host name of
   * at least two labels (as for {@code uri}, at most 253 characters) whose last label is letters
   * only and a top-level domain that networknt's own {@link DomainValidator} knows.
   */
  static final class Email extends ShapeChecked {
    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;
    private final DomainValidator domains = DomainValidator.getInstance(true);

    Email(Format judge) {
      super(judge);
    }

    @Override
    boolean obviouslyValid(String s) {
      if (s == null) return false;
      int n = s.length();
      int at = s.indexOf('@');
      if (at < 1 || at > MAX_LOCAL) return false;
      if (!localPart(s, at)) return false;
      int start = at + 1;
      if (n - start > MAX_DOMAIN) return false;
      int end = hostName(s, start, n);
      if (end != n) return false;
      int lastDot = s.lastIndexOf('.');
      if (lastDot < start) return false; // one label: leave it to networknt
      for (int i = lastDot + 1; i < n; i++) {
        if (!isLetter(s.charAt(i))) return false;
      }
      return domains.isValidTld(s.substring(lastDot + 1));
    }

    private static boolean localPart(String s, int end) {
      boolean afterDot = true; // no leading dot, no two dots in a row
      for (int i = 0; i < end; i++) {
        char c = s.charAt(i);
        if (c == '.') {
          if (afterDot) return false;
          afterDot = true;
        } else if (isLetter(c) || isDigit(c) || c == '_' || c == '+' || c == '-') {
          afterDot = false;
        } else {
          return false;
        }
      }
      return !afterDot; // no trailing dot
    }
  }

  /**
   * Scans a host name from {@code p}: dot-separated labels of 1 to 63 letters, digits and {@code
   * -}, none starting or ending with {@code -}, the last starting with a letter, no trailing dot.
   * Returns where it stops ({@code :}, {@code /}, {@code ?}, {@code #} or the end), -1 if the name
   * is not of that shape or is followed by anything else.
   */
  static int hostName(String s, int p, int n) {
    int lastLabel = -1;
    while (true) {
      int label = p;
      while (p < n && (isLetter(s.charAt(p)) || isDigit(s.charAt(p)) || s.charAt(p) == '-')) p++;
      int length = p - label;
      if (length < 1 || length > 63) return -1;
      if (s.charAt(label) == '-' || s.charAt(p - 1) == '-') return -1;
      lastLabel = label;
      if (p < n && s.charAt(p) == '.') {
        p++;
        continue;
      }
      break;
    }
    if (!isLetter(s.charAt(lastLabel))) return -1;
    if (p < n) {
      char c = s.charAt(p);
      if (c != ':' && c != '/' && c != '?' && c != '#') return -1;
    }
    return p;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
