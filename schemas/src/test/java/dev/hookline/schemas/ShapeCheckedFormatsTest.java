package dev.hookline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.format.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path of {@link ShapeCheckedFormats} must never accept what networknt's own format
 * rejects, and the format as a whole must answer exactly as networknt's: checked over many
 * generated strings (valid, near-valid and hostile), from fixed seeds so a failure repeats, and
 * over hand-picked ones.
 */
class ShapeCheckedFormatsTest {
  private static final int STRINGS_PER_SEED = 60_000;
  private static final long[] SEEDS = {1L, 31L, 20_261_206L};

  private static final Format URI_JUDGE = ShapeCheckedFormats.networknt("uri");
  private static final Format EMAIL_JUDGE = ShapeCheckedFormats.networknt("email");
  private static final ShapeCheckedFormats.ShapeChecked URI =
      new ShapeCheckedFormats.Uri(URI_JUDGE);
  private static final ShapeCheckedFormats.ShapeChecked EMAIL =
      new ShapeCheckedFormats.Email(EMAIL_JUDGE);

  /** Characters that break shapes: unicode, spaces, controls, delimiters, escapes. */
  private static final String[] HOSTILE = {
    " ", "\t", "\n", "\r", "\u0000", "\u007f", "\u00a0", "\u2028", "é", "ü", "ß", "Ω", "中", "😀",
    "\u200b", "%", "%2", "%zz", "%41", "%00", "%C3%A9", "[", "]", "{", "}", "|", "\\", "^", "`",
    "\"", "<", ">", "#", "?", "/", "//", ":", "::", "@", "@@", ".", "..", "-", "_", "~", "!", "$",
    "&", "'", "(", ")", "*", "+", ",", ";", "=", "A", "z", "0", "9", "", "xn--", "[::1]"
  };

  private static final String[] SCHEMES = {
    "http://",
    "https://",
    "HTTP://",
    "Https://",
    "ftp://",
    "mailto:",
    "urn:isbn:",
    "http:/",
    "http:",
    "http:///",
    "//",
    "",
    "1http://",
    "h ttp://",
    "http ://",
    "https//",
    "file:///",
    "ht-tp://",
    "a+b.c://"
  };

  private static final String[] HOSTS = {
    "example.com",
    "network.example.com",
    "a.b",
    "a.io",
    "localhost",
    "x",
    "a-b.example.org",
    "-a.com",
    "a-.com",
    "a..com",
    ".a.com",
    "a.com.",
    "a_b.com",
    "1.2.3.4",
    "999.1.1.1",
    "256.256.256.256",
    "1.2.3",
    "1.com",
    "a.1com",
    "a.c1",
    "[::1]",
    "[2001:db8::1]",
    "[::1",
    "::1",
    "exämple.com",
    "xn--exmple-cua.com",
    "EXAMPLE.COM",
    "a".repeat(63) + ".com",
    "a".repeat(64) + ".com",
    ("abcdefghij".repeat(6) + ".").repeat(4) + "com",
    "user@example.com",
    "user:pass@example.com",
    "@example.com",
    "example.com:",
    "example.com:80",
    "example.com:65535",
    "example.com:123456",
    "example.com:-1",
    "example.com:abc",
    "example.com:80:80",
    "",
    "%41.com",
    "ex%41mple.com",
    "a b.com",
    "a.co m",
    "a.com\u0000"
  };

  private static final String[] PATHS = {
    "",
    "/",
    "/a",
    "/a/b/c",
    "/wp-admin/network/admin.php",
    "//",
    "/a//b",
    "/a/../b",
    "/./",
    "/~user",
    "/a;b=c",
    "/a:b@c",
    "/%41",
    "/%4",
    "/%",
    "/%g1",
    "/a b",
    "/a%20b",
    "/é",
    "/a[b]",
    "/a{b}",
    "/a|b",
    "/a\\b",
    "/a^b",
    "/a`b",
    "/a\"b",
    "/a<b>",
    "a",
    "/(x)*!$&'+,="
  };

  private static final String[] QUERIES = {
    "",
    "?",
    "?a=b",
    "?a=b&c=d",
    "?page=wp-ultimo-edit-payment&id=1201",
    "?a=[1]",
    "?a]",
    "?a?b",
    "?a/b",
    "?a=%20",
    "?a=%2",
    "?a= b",
    "?a=é",
    "?a#b",
    "?a=b=c",
    "?a={b}",
    "?a|b",
    "??"
  };

  private static final String[] FRAGMENTS = {
    "", "#", "#top", "#a/b?c", "#a#b", "#a b", "#%41", "#%4", "#é", "#[x]", "#a:b@c"
  };

  private static final String[] LOCALS = {
    "ada",
    "a",
    "a.b",
    "a..b",
    ".a",
    "a.",
    "first.last",
    "first+tag",
    "a_b",
    "a-b",
    "A1",
    "a".repeat(64),
    "a".repeat(65),
    "\"quoted\"",
    "\"a b\"@x",
    "a b",
    "a\"b",
    "a(b)",
    "a,b",
    "a;b",
    "a:b",
    "a<b>",
    "a[b]",
    "a\\b",
    "a'b",
    "a!b",
    "a#b",
    "a$b",
    "a%b",
    "a&b",
    "a*b",
    "a/b",
    "a=b",
    "a?b",
    "a^b",
    "a`b",
    "a{b}",
    "a|b",
    "a~b",
    "é",
    "ü@",
    "",
    "@",
    "a\u0000",
    "a\tb",
    " a"
  };

  private static final String[] DOMAINS = {
    "example.com",
    "example.org",
    "example.io",
    "example.co.uk",
    "mail.example.com",
    "localhost",
    "example",
    "example.invalid",
    "example.notatld",
    "example.c",
    "example.c0m",
    "example.123",
    "123.com",
    "-example.com",
    "example-.com",
    "ex_ample.com",
    "example..com",
    ".example.com",
    "example.com.",
    "[127.0.0.1]",
    "[IPv6:::1]",
    "[IPv6:2001:db8::1]",
    "[::1]",
    "127.0.0.1",
    "exämple.com",
    "xn--exmple-cua.com",
    "example.рф",
    "EXAMPLE.COM",
    "example.museum",
    "example.xn--p1ai",
    "a".repeat(63) + ".com",
    "a".repeat(64) + ".com",
    ("abcdefghij".repeat(6) + ".").repeat(4) + "com",
    "example.com:25",
    "example.com/x",
    ""
  };

  @Test
  void uriFastPathNeverAcceptsWhatNetworkntRejects() {
    check(URI, URI_JUDGE, this::uri);
  }

  @Test
  void emailFastPathNeverAcceptsWhatNetworkntRejects() {
    check(EMAIL, EMAIL_JUDGE, this::email);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://network.example.com/?action=invoice&reference=PAY-8F3K2Q&key=9d2c4e",
        "https://network.example.com/wp-admin/network/admin.php?page=wp-ultimo-edit-payment&id=1",
        "http://example.com",
        "https://example.com:8443/a/b;c=d?e=f/g?h#i/j?k",
        "https://a.b/%41%7e",
        "http://EXAMPLE.com/~x/(y)*!$&'+,=:@"
      })
  void takesTheFastPathForTheCommonShapesOfUris(String value) {
    assertThat(URI.obviouslyValid(value)).isTrue();
    assertThat(URI_JUDGE.matches(null, value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com:", // networknt accepts; not the fast shape
        "https://1.2.3.4/",
        "https://[::1]/",
        "https://user@example.com/",
        "https://exämple.com/",
        "https://example.com/a b",
        "https://example.com/?a=[1]",
        "https://example.com/%zz",
        "urn:isbn:0451450523",
        "mailto:ada@example.com",
        "ftp://example.com/",
        "//example.com/",
        "/relative",
        ""
      })
  void leavesEveryOtherUriToNetworknt(String value) {
    assertThat(URI.obviouslyValid(value)).isFalse();
    assertThat(URI.matches(null, value)).isEqualTo(URI_JUDGE.matches(null, value));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ada@example.com", "first.last+tag@mail.example.co.uk", "A_1-b@EXAMPLE.ORG"})
  void takesTheFastPathForTheCommonShapesOfEmails(String value) {
    assertThat(EMAIL.obviouslyValid(value)).isTrue();
    assertThat(EMAIL_JUDGE.matches(null, value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ada@localhost",
        "ada@example.notatld",
        "ada@[127.0.0.1]",
        "ada@[IPv6:::1]",
        "\"a b\"@example.com",
        "a..b@example.com",
        "ada@exämple.com",
        "ada@example.com.",
        "ada@@example.com",
        "ada@example",
        "@example.com",
        "ada@",
        ""
      })
  void leavesEveryOtherEmailToNetworknt(String value) {
    assertThat(EMAIL.obviouslyValid(value)).isFalse();
    assertThat(EMAIL.matches(null, value)).isEqualTo(EMAIL_JUDGE.matches(null, value));
  }

  @Test
  void nullIsNetworkntsToJudge() {
    assertThat(URI.obviouslyValid(null)).isFalse();
    assertThat(EMAIL.obviouslyValid(null)).isFalse();
  }

  @Test
  void keepsNetworkntsNamesAndMessages() {
    assertThat(URI.getName()).isEqualTo("uri");
    assertThat(URI.getMessageKey()).isEqualTo(URI_JUDGE.getMessageKey());
    assertThat(EMAIL.getName()).isEqualTo("email");
    assertThat(EMAIL.getMessageKey()).isEqualTo(EMAIL_JUDGE.getMessageKey());
  }

  @Test
  void theCatalogAnswersBadFormatsAsNetworkntAlone() {
    EventCatalog catalog = EventCatalog.load();
    EventType type = catalog.find("payment_received").orElseThrow();
    Schema plain = plainNetworknt().getSchema(type.schema());
    List<String> values =
        List.of(
            "not a uri",
            "https://exa mple.com/",
            "/relative",
            "http://[::1",
            "https://é.com",
            "ada@example.com",
            "https://example.com/ok",
            "a..b@example.com");
    for (String value : values) {
      ObjectNode data = type.example().deepCopy();
      data.put("payment_invoice_url", value);
      data.put("customer_user_email", value);
      List<FieldError> expected = new ArrayList<>();
      for (Error error : plain.validate(data)) {
        expected.add(new FieldError(EventCatalog.fieldOf(error), error.getMessage()));
      }
      assertThat(catalog.validate(type.name(), data))
          .as(value)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
    // the bad ones above make errors: the comparison is not of empty lists only
    ObjectNode data = type.example().deepCopy();
    data.put("payment_invoice_url", "not a uri");
    data.put("customer_user_email", "not an email");
    assertThat(catalog.validate(type.name(), data))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("data.payment_invoice_url", "data.customer_user_email");
  }

  /** networknt's own draft 2020-12 dialect, with the catalog's configuration. */
  private static SchemaRegistry plainNetworknt() {
    return SchemaRegistry.withDefaultDialect(
        SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemaRegistryConfig(EventCatalog.registryConfig()));
  }

  private static void check(
      ShapeCheckedFormats.ShapeChecked format, Format judge, Generator generator) {
    int fast = 0;
    int rejected = 0;
    int total = 0;
    for (long seed : SEEDS) {
      Random random = new Random(seed);
      for (int i = 0; i < STRINGS_PER_SEED; i++) {
        String value = generator.next(random);
        boolean networknt = judge.matches(null, value);
        boolean shortcut = format.obviouslyValid(value);
        if (shortcut) {
          fast++;
          assertThat(networknt)
              .as("seed %d, the fast path accepted <%s>, networknt rejects it", seed, value)
              .isTrue();
        }
        assertThat(format.matches(null, value))
            .as("seed %d, <%s>", seed, value)
            .isEqualTo(networknt);
        if (!networknt) rejected++;
        total++;
      }
    }
    // the generator reaches both sides: many fast accepts, many rejections
    assertThat(fast).as("fast accepts of %d", total).isGreaterThan(total / 20);
    assertThat(rejected).as("rejections of %d", total).isGreaterThan(total / 5);
  }

  @FunctionalInterface
  private interface Generator {
    String next(Random random);
  }

  private String uri(Random random) {
    String value =
        often(random, SCHEMES, 2)
            + often(random, HOSTS, 7)
            + (random.nextInt(3) == 0 ? "/" + segment(random) : "")
            + often(random, PATHS, 13)
            + often(random, QUERIES, 5)
            + often(random, FRAGMENTS, 3);
    return mutate(random, value);
  }

  private String email(Random random) {
    String value =
        random.nextInt(4) == 0
            ? segment(random) + "@" + segment(random) + "." + pick(random, "com", "org", "uk", "zz")
            : often(random, LOCALS, 3) + "@" + often(random, DOMAINS, 5);
    return mutate(random, value);
  }

  /** Half unchanged; else one to three edits: insert, replace or delete a character or piece. */
  private static String mutate(Random random, String value) {
    if (random.nextBoolean()) return value;
    StringBuilder s = new StringBuilder(value);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> s.insert(at, pick(random, HOSTILE));
        case 1 -> {
          if (at < s.length()) s.replace(at, at + 1, pick(random, HOSTILE));
        }
        default -> {
          if (at < s.length()) s.deleteCharAt(at);
        }
      }
    }
    return s.toString();
  }

  /** A short run of letters, digits, - . _ and sometimes a hostile character. */
  private static String segment(Random random) {
    String alphabet = "abcxyzABCXYZ0123456789-._";
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      if (random.nextInt(25) == 0) s.append(pick(random, HOSTILE));
      else s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** Three times in four one of the first {@code usual} options (the common shapes), else any. */
  private static String often(Random random, String[] options, int usual) {
    return options[random.nextInt(random.nextInt(4) == 0 ? options.length : usual)];
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... options) {
    return options[random.nextInt(options.length)];
  }
}
